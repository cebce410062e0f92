package dev.sediment.io.lake;

import dev.sediment.io.parquet.AvroParquetSink;
import dev.sediment.io.parquet.CanonicalFooter;
import dev.sediment.io.sort.ByteKeySorter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;

/**
 * Writes encoded elements into files whose names, number and bytes depend only on the elements,
 * never on bundling, parallelism or the runner, so the same input gives the same files.
 *
 * <p>Input: {@code KV<directory, KV<key, payload>>}, where {@code directory} is relative to the
 * output directory ({@code k=v/k2=v2}, or empty), {@code payload} the encoded element and {@code
 * key} what places and orders it (empty: the payload itself). Each directory gets {@code
 * ceil(payload bytes / shardBytes)} shards (at least one, at most {@value #MAX_SHARDS}), computed
 * from the sizes of all its elements; an element goes to shard {@code murmur3(key) mod shards},
 * and a shard's elements are written in unsigned byte order of their keys (sorted in bounded
 * memory, {@link ByteKeySorter}). A shard is {@code DIR/directory/PREFIX-SSSSS-of-NNNNN.SUFFIX};
 * a directory with no element gets no file.
 *
 * <p>Each file is written completely (to a hidden temporary name beside it on local disks, with
 * the sort's spill files in a hidden directory beside that; in the JVM's temporary directory for
 * object stores) and then published whole ({@link LakeFiles#publish}): a retried bundle replaces
 * it, never appends to it.
 */
final class ShardedFiles extends PTransform<PCollection<KV<String, KV<byte[], byte[]>>>, PCollection<String>> {
  static final int MAX_SHARDS = 99_999;

  /** Memory for sorting one shard before it spills to local disk. */
  static final long SORT_MEMORY_BYTES = 64L << 20;

  /** How the payloads of one shard become one file. */
  interface Format extends Serializable {
    String suffix();

    /** Writes the payloads, in order, to the new local file {@code file}. */
    void write(Iterator<byte[]> payloads, Path file) throws IOException;
  }

  private final String directory;
  private final String prefix;
  private final Format format;
  private final long shardBytes;

  ShardedFiles(String directory, String prefix, Format format, long shardBytes) {
    this.directory = directory;
    this.prefix = prefix;
    this.format = format;
    this.shardBytes = shardBytes;
  }

  static KvCoder<String, KV<byte[], byte[]>> coder() {
    return KvCoder.of(StringUtf8Coder.of(), KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
  }

  @Override
  public PCollection<String> expand(PCollection<KV<String, KV<byte[], byte[]>>> input) {
    PCollectionView<Map<String, Long>> sizes =
        input
            .apply("PayloadBytes", ParDo.of(new PayloadBytesFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("BytesPerDirectory", Sum.longsPerKey())
            .apply("SizesView", View.asMap());
    return input
        .apply(
            "AssignShard",
            ParDo.of(new AssignShardFn(prefix, format.suffix(), shardBytes, sizes))
                .withSideInputs(sizes))
        .setCoder(coder())
        .apply("GroupByShard", GroupByKey.create())
        .apply("WriteShard", ParDo.of(new WriteShardFn(directory, format)))
        .setCoder(StringUtf8Coder.of());
  }

  /** How many shards a directory of {@code bytes} payload bytes gets. */
  static int shards(long bytes, long shardBytes) {
    long n = (bytes + shardBytes - 1) / shardBytes;
    return (int) Math.max(1, Math.min(MAX_SHARDS, n));
  }

  /** The file of shard {@code shard} of {@code count} in {@code dir}. */
  static String fileName(String dir, String prefix, int shard, int count, String suffix) {
    String name = String.format("%s-%05d-of-%05d%s", prefix, shard, count, suffix);
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  static byte[] key(KV<byte[], byte[]> element) {
    return element.getKey().length == 0 ? element.getValue() : element.getKey();
  }

  static final class PayloadBytesFn extends DoFn<KV<String, KV<byte[], byte[]>>, KV<String, Long>> {
    @ProcessElement
    public void process(
        @Element KV<String, KV<byte[], byte[]>> e, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(e.getKey(), (long) e.getValue().getValue().length));
    }
  }

  /** Keys each element by the file it belongs to. */
  static final class AssignShardFn
      extends DoFn<KV<String, KV<byte[], byte[]>>, KV<String, KV<byte[], byte[]>>> {
    private final String prefix;
    private final String suffix;
    private final long shardBytes;
    private final PCollectionView<Map<String, Long>> sizes;

    AssignShardFn(
        String prefix, String suffix, long shardBytes, PCollectionView<Map<String, Long>> sizes) {
      this.prefix = prefix;
      this.suffix = suffix;
      this.shardBytes = shardBytes;
      this.sizes = sizes;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      KV<String, KV<byte[], byte[]>> e = c.element();
      Long bytes = c.sideInput(sizes).get(e.getKey());
      int count = shards(bytes == null ? 0 : bytes, shardBytes);
      int hash = Hashing.murmur3_32_fixed().hashBytes(key(e.getValue())).asInt();
      int shard = Math.floorMod(hash, count);
      c.output(KV.of(fileName(e.getKey(), prefix, shard, count, suffix), e.getValue()));
    }
  }

  /** Sorts one shard's elements by key and writes them as one file. */
  static final class WriteShardFn extends DoFn<KV<String, Iterable<KV<byte[], byte[]>>>, String> {
    private final String directory;
    private final Format format;
    private final Counter files = Metrics.counter("sediment", "files_written");

    WriteShardFn(String directory, Format format) {
      this.directory = directory;
      this.format = format;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<byte[], byte[]>>> shard, OutputReceiver<String> out)
        throws IOException {
      ResourceId dest = LakeFiles.child(LakeFiles.dir(directory), shard.getKey());
      Path tmp;
      Path sortRoot;
      if (LakeFiles.isLocal(dest)) {
        // Beside the output, hidden: a killed run's leftovers stay in its (staging) directory.
        Path target = LakeFiles.localPath(dest);
        Files.createDirectories(target.getParent());
        tmp = LakeFiles.temporarySibling(target);
        sortRoot = tmp.resolveSibling(tmp.getFileName() + ".sort");
      } else {
        tmp = Files.createTempFile("sediment-shard-", format.suffix());
        Files.delete(tmp);
        sortRoot = tmp.resolveSibling(tmp.getFileName() + ".sort");
      }
      try {
        Files.createDirectories(sortRoot);
        // Keys and payloads are kept together: the key sorts, the payload is written.
        Iterable<KV<byte[], byte[]>> keyed =
            Iterables.transform(shard.getValue(), e -> KV.of(key(e), e.getValue()));
        try (ByteKeySorter<byte[]> sorted =
            ByteKeySorter.sort(keyed, ByteArrayCoder.of(), SORT_MEMORY_BYTES, sortRoot)) {
          Iterator<KV<byte[], byte[]>> it = sorted.iterator();
          format.write(
              new Iterator<>() {
                @Override
                public boolean hasNext() {
                  return it.hasNext();
                }

                @Override
                public byte[] next() {
                  return it.next().getValue();
                }
              },
              tmp);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        LakeFiles.publish(tmp, dest);
      } finally {
        Files.deleteIfExists(tmp);
        LakeFiles.deleteRecursively(LakeFiles.dir(sortRoot));
      }
      files.inc();
      out.output(dest.toString());
    }
  }

  /** Avro binary records of one schema as a Snappy Parquet file with a canonical footer. */
  static Format parquet(String avroSchemaJson) {
    return new ParquetFormat(avroSchemaJson);
  }

  /** UTF-8 lines, each ended by {@code \n}. */
  static Format lines(String suffix) {
    return new LinesFormat(suffix);
  }

  private static final class ParquetFormat implements Format {
    private static final long serialVersionUID = 1L;
    private final String avroSchemaJson;

    ParquetFormat(String avroSchemaJson) {
      this.avroSchemaJson = avroSchemaJson;
    }

    @Override
    public String suffix() {
      return ".parquet";
    }

    @Override
    public void write(Iterator<byte[]> payloads, Path file) throws IOException {
      org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
      GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
      AvroParquetSink sink = AvroParquetSink.of(avroSchemaJson);
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        sink.open(ch);
        BinaryDecoder decoder = null;
        GenericRecord reuse = null;
        while (payloads.hasNext()) {
          decoder = DecoderFactory.get().binaryDecoder(payloads.next(), decoder);
          reuse = reader.read(reuse, decoder);
          sink.write(reuse);
        }
        sink.flush();
      }
      // parquet-java lists a column chunk's encodings in hash order, which differs between JVMs.
      CanonicalFooter.sortEncodings(file);
    }
  }

  private static final class LinesFormat implements Format {
    private static final long serialVersionUID = 1L;
    private final String suffix;

    LinesFormat(String suffix) {
      this.suffix = suffix;
    }

    @Override
    public String suffix() {
      return suffix;
    }

    @Override
    public void write(Iterator<byte[]> payloads, Path file) throws IOException {
      try (OutputStream out =
          new BufferedOutputStream(
              Channels.newOutputStream(
                  FileChannel.open(
                      file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)),
              1 << 16)) {
        while (payloads.hasNext()) {
          out.write(payloads.next());
          out.write('\n');
        }
      }
    }
  }
}
