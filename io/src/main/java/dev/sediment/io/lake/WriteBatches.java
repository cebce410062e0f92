package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.ParquetBatchWriter;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes {@link ColumnBatch}es as hive-partitioned Parquet under a dataset directory, straight
 * from the vectors ({@link ParquetBatchWriter}); made by {@link LakeIO#writeBatches()}.
 *
 * <pre>{@code
 * batches.apply("WriteProcessed",
 *     LakeIO.writeBatches()
 *         .to("lake/processed/trades")
 *         .withRowSchema(schema)
 *         .partitionBy(List.of("date"))
 *         .withBadRecordErrorHandler(quarantine));
 * }</pre>
 *
 * <p>Deterministic files, whatever the runner, parallelism or bundling: each partition directory
 * gets {@code ceil(bytes / shardBytes)} files {@code DIR/k=v/.../part-SSSSS-of-NNNNN.parquet}
 * (bytes of the rows' values, {@link ColumnBatch#rowBytes()}; at least one file, named as {@link
 * LakeIO#writeParquet()} names them). Each block of 65,536 consecutive rows of a source goes to the
 * shard given by the hash of (source, block), and each file holds its rows in (source, row index)
 * order, the order of the input files. Splitting a batch by directory keeps rows as vectors: no record object per row.
 *
 * <p>A row whose partition directory cannot be made (a {@code col=value} segment over {@value
 * HivePartition#MAX_SEGMENT_BYTES} bytes) goes to the bad-record handler as {@code
 * PARTITION_VALUE_TOO_LONG}, as with {@link LakeIO#writeParquet()}.
 */
@AutoValue
public abstract class WriteBatches extends PTransform<PCollection<ColumnBatch>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** Rows of one source that go to the same file (see {@link AssignShardFn}). */
  static final long BLOCK_ROWS = 65_536;

  abstract @Nullable String getDirectory();

  abstract @Nullable Schema getRowSchema();

  abstract List<String> getPartitionColumns();

  abstract long getShardBytes();

  abstract long getBlockRows();

  abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

  abstract Builder toBuilder();

  static WriteBatches create() {
    return new AutoValue_WriteBatches.Builder()
        .setPartitionColumns(List.of())
        .setShardBytes(LakeIO.DEFAULT_SHARD_BYTES)
        .setBlockRows(BLOCK_ROWS)
        .build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setDirectory(String directory);

    abstract Builder setRowSchema(Schema schema);

    abstract Builder setPartitionColumns(List<String> columns);

    abstract Builder setShardBytes(long bytes);

    abstract Builder setBlockRows(long rows);

    abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

    abstract WriteBatches build();
  }

  /** The dataset directory (local, s3://, gs://); required. */
  public WriteBatches to(String directory) {
    checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
    return toBuilder().setDirectory(directory).build();
  }

  /**
   * The Beam schema of the rows ({@link BatchRows#of}); required. Partition directories name
   * values as {@link HivePartition} does for such rows.
   */
  public WriteBatches withRowSchema(Schema schema) {
    checkArgument(schema != null, "schema can not be null");
    return toBuilder().setRowSchema(schema).build();
  }

  /** Partition columns, outermost first; none by default. */
  public WriteBatches partitionBy(List<String> columns) {
    checkArgument(columns != null, "columns can not be null");
    HivePartition.by(columns);
    return toBuilder().setPartitionColumns(List.copyOf(columns)).build();
  }

  /** Column bytes per file, at least 1024; default 128 MiB. */
  public WriteBatches withShardBytes(long shardBytes) {
    checkArgument(shardBytes >= 1024, "shardBytes must be at least 1024, not %s", shardBytes);
    return toBuilder().setShardBytes(shardBytes).build();
  }

  /** Rows of a source that go to one file together; tests make it small. */
  WriteBatches withBlockRows(long rows) {
    checkArgument(rows >= 1, "rows must be at least 1, not %s", rows);
    return toBuilder().setBlockRows(rows).build();
  }

  /** Where rows whose partition directory cannot be made go; without it they fail the run. */
  public WriteBatches withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgument(handler != null, "handler can not be null");
    return toBuilder().setBadRecordErrorHandler(handler).build();
  }

  @Override
  public PCollection<String> expand(PCollection<ColumnBatch> input) {
    String dir = getDirectory();
    Schema rowSchema = getRowSchema();
    checkArgument(dir != null, "LakeIO.writeBatches() needs to(directory)");
    checkArgument(rowSchema != null, "LakeIO.writeBatches() needs withRowSchema(schema)");
    HivePartition partition = HivePartition.by(getPartitionColumns());
    partition.checkAgainst(rowSchema);
    BatchRows rows = BatchRows.of(rowSchema);
    ColumnBatchCoder batchCoder = ColumnBatchCoder.of(rows.batchSchema());
    KvCoder<String, ColumnBatch> keyed = KvCoder.of(StringUtf8Coder.of(), batchCoder);
    ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
    Coder<RecordError> errorCoder;
    try {
      errorCoder = input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
    PCollectionTuple split =
        input.apply(
            "SplitByPartition",
            ParDo.of(
                    new SplitFn(
                        rowSchema,
                        partition,
                        handler == null
                            ? BadRecordRouter.THROWING_ROUTER
                            : BadRecordRouter.RECORDING_ROUTER,
                        errorCoder,
                        false))
                .withOutputTags(SplitFn.PARTS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    PCollection<BadRecord> errors = split.get(BadRecordRouter.BAD_RECORD_TAG);
    errors.setCoder(BadRecord.getCoder(input.getPipeline()));
    if (handler != null) {
      handler.addErrorCollection(errors);
    }
    PCollection<KV<String, ColumnBatch>> parts = split.get(SplitFn.PARTS).setCoder(keyed);
    PCollectionView<Map<String, Long>> sizes =
        parts
            .apply("BatchBytes", ParDo.of(new BytesFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("BytesPerDirectory", Sum.longsPerKey())
            .apply("SizesView", View.asMap());
    return parts
        .apply(
            "AssignShard",
            ParDo.of(new AssignShardFn(getShardBytes(), getBlockRows(), sizes)).withSideInputs(sizes))
        .setCoder(keyed)
        .apply("GroupByShard", GroupByKey.create())
        .apply("WriteShard", ParDo.of(new WriteShardFn(dir, rows.batchSchema())))
        .setCoder(StringUtf8Coder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .addIfNotNull(DisplayData.item("directory", getDirectory()))
        .add(DisplayData.item("partitionBy", String.join(",", getPartitionColumns())))
        .add(DisplayData.item("shardBytes", getShardBytes()));
  }

  /** Splits each batch into one sub-batch per partition directory, in row order. */
  static final class SplitFn extends DoFn<ColumnBatch, KV<String, ColumnBatch>> {
    static final TupleTag<KV<String, ColumnBatch>> PARTS = new TupleTag<KV<String, ColumnBatch>>() {};
    private final Schema schema;
    private final HivePartition partition;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;
    private final boolean emitRows;
    private final Counter written = Metrics.counter("sediment", "records_written");
    private transient BatchPartitions partitions;

    /**
     * With {@code emitRows}, outputs the batch's valid rows as one batch (keyed by ""), for {@link
     * LakeIO#checkBatchPartitions()}; else one sub-batch per directory.
     */
    SplitFn(
        Schema schema,
        HivePartition partition,
        BadRecordRouter router,
        Coder<RecordError> errorCoder,
        boolean emitRows) {
      this.schema = schema;
      this.partition = partition;
      this.router = router;
      this.errorCoder = errorCoder;
      this.emitRows = emitRows;
    }

    @Setup
    public void setup() {
      partitions = new BatchPartitions(schema, partition);
    }

    @ProcessElement
    public void process(@Element ColumnBatch batch, MultiOutputReceiver out) throws Exception {
      int n = batch.rowCount();
      if (n == 0) {
        return;
      }
      if (!partitions.partitioned()) {
        out.get(PARTS).output(KV.of("", batch));
        if (!emitRows) {
          written.inc(n);
        }
        return;
      }
      List<RecordError> invalid = new ArrayList<>();
      String[] pathOf = partitions.paths(batch, invalid);
      for (RecordError e : invalid) {
        router.route(out, e, errorCoder, null, e.getErrorType() + ": " + e.getMessage());
      }
      if (emitRows) {
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
          keep[i] = pathOf[i] != null;
        }
        ColumnBatch kept = batch.filter(keep);
        if (kept.rowCount() > 0) {
          out.get(PARTS).output(KV.of("", kept));
        }
        return;
      }
      LinkedHashMap<String, List<Integer>> byPath = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        if (pathOf[i] != null) {
          byPath.computeIfAbsent(pathOf[i], k -> new ArrayList<>()).add(i);
        }
      }
      for (Map.Entry<String, List<Integer>> e : byPath.entrySet()) {
        int k = e.getValue().size();
        ColumnBatch part =
            k == n
                ? batch
                : batch.select(e.getValue().stream().mapToInt(Integer::intValue).toArray(), k);
        out.get(PARTS).output(KV.of(e.getKey(), part));
        written.inc(k);
      }
    }
  }

  static final class BytesFn extends DoFn<KV<String, ColumnBatch>, KV<String, Long>> {
    @ProcessElement
    public void process(@Element KV<String, ColumnBatch> e, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(e.getKey(), e.getValue().rowBytes()));
    }
  }

  /**
   * Keys rows by their file: rows {@code [k * BLOCK_ROWS, (k + 1) * BLOCK_ROWS)} of a source go to
   * the shard given by the hash of (source, k), so the assignment does not depend on how rows were
   * cut into batches, and rows stay together in long runs.
   */
  static final class AssignShardFn extends DoFn<KV<String, ColumnBatch>, KV<String, ColumnBatch>> {
    private final long shardBytes;
    private final long blockRows;
    private final PCollectionView<Map<String, Long>> sizes;

    AssignShardFn(long shardBytes, long blockRows, PCollectionView<Map<String, Long>> sizes) {
      this.shardBytes = shardBytes;
      this.blockRows = blockRows;
      this.sizes = sizes;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      KV<String, ColumnBatch> e = c.element();
      Long bytes = c.sideInput(sizes).get(e.getKey());
      int count = ShardedFiles.shards(bytes == null ? 0 : bytes, shardBytes);
      ColumnBatch b = e.getValue();
      int n = b.rowCount();
      int[] shardOf = new int[n];
      String lastSource = null;
      long lastBlock = -1;
      int shard = 0;
      boolean one = true;
      for (int i = 0; i < n; i++) {
        String source = b.source(i);
        long block = Math.floorDiv(b.rowIndex(i), blockRows);
        if (block != lastBlock || !source.equals(lastSource)) {
          String key = source + "\n" + block;
          shard = Math.floorMod(Hashing.murmur3_32_fixed().hashString(key, StandardCharsets.UTF_8).asInt(), count);
          lastSource = source;
          lastBlock = block;
        }
        shardOf[i] = shard;
        one &= shard == shardOf[0];
      }
      if (one) {
        c.output(KV.of(ShardedFiles.fileName(e.getKey(), "part", shardOf[0], count, ".parquet"), b));
        return;
      }
      Map<Integer, List<Integer>> rows = new java.util.TreeMap<>();
      for (int i = 0; i < n; i++) {
        rows.computeIfAbsent(shardOf[i], k -> new ArrayList<>()).add(i);
      }
      for (Map.Entry<Integer, List<Integer>> r : rows.entrySet()) {
        int[] idx = r.getValue().stream().mapToInt(Integer::intValue).toArray();
        c.output(
            KV.of(
                ShardedFiles.fileName(e.getKey(), "part", r.getKey(), count, ".parquet"),
                b.select(idx, idx.length)));
      }
    }
  }

  /** Orders one shard's rows by (source, row index) and writes them as one Parquet file. */
  static final class WriteShardFn extends DoFn<KV<String, Iterable<ColumnBatch>>, String> {
    private final String directory;
    private final dev.sediment.io.batch.BatchSchema schema;
    private final Counter files = Metrics.counter("sediment", "files_written");

    WriteShardFn(String directory, dev.sediment.io.batch.BatchSchema schema) {
      this.directory = directory;
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ColumnBatch>> shard, OutputReceiver<String> out)
        throws IOException {
      List<ColumnBatch> batches = new ArrayList<>();
      for (ColumnBatch b : shard.getValue()) {
        if (b.rowCount() > 0) {
          batches.add(b);
        }
      }
      List<ColumnBatch> ordered = inRowOrder(batches);
      ResourceId dest = LakeFiles.child(LakeFiles.dir(directory), shard.getKey());
      Path tmp;
      if (LakeFiles.isLocal(dest)) {
        Path target = LakeFiles.localPath(dest);
        Files.createDirectories(target.getParent());
        tmp = LakeFiles.temporarySibling(target);
      } else {
        tmp = Files.createTempFile("sediment-shard-", ".parquet");
        Files.delete(tmp);
      }
      try {
        try (ParquetBatchWriter w = ParquetBatchWriter.create(tmp, schema)) {
          for (ColumnBatch b : ordered) {
            w.write(b);
          }
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        LakeFiles.publish(tmp, dest);
      } finally {
        Files.deleteIfExists(tmp);
      }
      files.inc();
      out.output(dest.toString());
    }
  }

  /**
   * The batches' rows in (source, row index) order. Batches that each hold one source's rows in
   * rising order, and do not interleave, are only put in order; otherwise rows are sorted one by
   * one (equal keys keep a content-independent but deterministic order: by their values' bytes).
   */
  static List<ColumnBatch> inRowOrder(List<ColumnBatch> batches) {
    List<ColumnBatch> sorted = new ArrayList<>(batches);
    sorted.sort(
        Comparator.comparing((ColumnBatch b) -> b.source(0)).thenComparingLong(b -> b.rowIndex(0)));
    boolean runs = true;
    for (int k = 0; k < sorted.size() && runs; k++) {
      ColumnBatch b = sorted.get(k);
      runs = b.sources().size() == 1;
      for (int i = 1; i < b.rowCount() && runs; i++) {
        runs = b.rowIndex(i) > b.rowIndex(i - 1);
      }
      if (runs && k > 0) {
        ColumnBatch prev = sorted.get(k - 1);
        runs =
            !prev.source(0).equals(b.source(0))
                || prev.rowIndex(prev.rowCount() - 1) < b.rowIndex(0);
      }
    }
    if (runs) {
      return sorted;
    }
    List<long[]> refs = new ArrayList<>();
    for (int k = 0; k < sorted.size(); k++) {
      for (int i = 0; i < sorted.get(k).rowCount(); i++) {
        refs.add(new long[] {k, i});
      }
    }
    refs.sort(
        (x, y) -> {
          ColumnBatch a = sorted.get((int) x[0]);
          ColumnBatch b = sorted.get((int) y[0]);
          int c = a.source((int) x[1]).compareTo(b.source((int) y[1]));
          if (c != 0) {
            return c;
          }
          c = Long.compare(a.rowIndex((int) x[1]), b.rowIndex((int) y[1]));
          if (c != 0) {
            return c;
          }
          return java.util.Arrays.compare(rowBytes(a, (int) x[1]), rowBytes(b, (int) y[1]));
        });
    List<ColumnBatch> out = new ArrayList<>();
    ColumnBatch.Builder builder = null;
    for (long[] r : refs) {
      if (builder == null) {
        builder = ColumnBatch.builder(sorted.get(0).schema());
      }
      builder.appendRow(sorted.get((int) r[0]), (int) r[1]);
      if (builder.isFull()) {
        out.add(builder.build());
        builder = null;
      }
    }
    if (builder != null && builder.rowCount() > 0) {
      out.add(builder.build());
    }
    return out;
  }

  /** One row encoded alone, to order rows that share a source and row index. */
  private static byte[] rowBytes(ColumnBatch b, int row) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      ColumnBatch one = b.slice(row, row + 1);
      ColumnBatch bare =
          new ColumnBatch(
              one.schema(),
              1,
              columnsOf(one),
              List.of(""),
              null,
              new long[1],
              null,
              null);
      ColumnBatchCoder.of(one.schema()).encode(bare, bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static dev.sediment.io.batch.ColumnVector[] columnsOf(ColumnBatch b) {
    dev.sediment.io.batch.ColumnVector[] v = new dev.sediment.io.batch.ColumnVector[b.schema().size()];
    for (int c = 0; c < v.length; c++) {
      v[c] = b.column(c);
    }
    return v;
  }
}
