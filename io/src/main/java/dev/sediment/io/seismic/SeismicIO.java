package dev.sediment.io.seismic;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.lake.SafePaths;
import dev.sediment.io.sort.ByteKeySorter;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads SEG-Y, SEG-2, miniSEED 2/3 and SAC files into trace records ({@code SeismicTrace.avsc},
 * see {@link TraceRecords}), one per trace or miniSEED data record.
 *
 * <pre>{@code
 * PCollection<GenericRecord> traces =
 *     p.apply("ReadSeismic",
 *         SeismicIO.read()
 *             .from("gs://survey/raw/*.sgy")
 *             .withBadRecordErrorHandler(quarantine));
 * }</pre>
 *
 * <p>The format of each file is detected from its content unless {@link Read#withFormat} forces
 * one. Each file is cut into byte ranges of {@link Read#withSplitBytes} (default 64 MiB), the
 * ranges are spread over workers, and each range yields the traces or records whose first byte
 * lies in it (SEG-Y by trace arithmetic or header walk, miniSEED by syncing to the next record
 * header), so one 10 GB SEG-Y or miniSEED file is read by many workers at once.
 *
 * <p>A file that is not a known format, or a trace or record that does not decode, becomes a
 * {@link BadRecord} whose record is a {@link RecordError}: {@code source} the file, {@code offset}
 * the byte offset of the problem, {@code error_type} a {@link SeismicError} name. Reading goes
 * on after a bad trace or record from the next one the format can find. With no handler set, the
 * first bad record stops the pipeline with its message.
 *
 * <p>Counters (namespace {@code sediment}): {@code records_in} (traces read plus bad records),
 * {@code traces_read}, {@code records_bad}, {@code files_read}, {@code ranges_read}.
 */
public final class SeismicIO {
  static final String METRICS_NAMESPACE = "sediment";

  /** Default size of the byte ranges one file is read in. */
  public static final long DEFAULT_SPLIT_BYTES = 64L << 20;

  private SeismicIO() {}

  /** Reads the files matching a file pattern. */
  public static Read read() {
    return new AutoValue_SeismicIO_Read.Builder().setSplitBytes(DEFAULT_SPLIT_BYTES).build();
  }

  /** Reads files already matched, e.g. by {@link FileIO#match()} and {@link FileIO#readMatches()}. */
  public static ReadFiles readFiles() {
    return new AutoValue_SeismicIO_ReadFiles.Builder().setSplitBytes(DEFAULT_SPLIT_BYTES).build();
  }

  /**
   * Writes trace records back to files, one output file per source file (SAC: one per trace),
   * in SEG-Y, miniSEED 2/3 or SAC; see {@link Write}.
   */
  public static Write write() {
    return new AutoValue_SeismicIO_Write.Builder().build();
  }

  /** Implementation of {@link #read()}. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<GenericRecord>> {
    abstract @Nullable String getFilepattern();

    abstract @Nullable SeismicFormat getFormat();

    abstract long getSplitBytes();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFilepattern(String filepattern);

      abstract Builder setFormat(SeismicFormat format);

      abstract Builder setSplitBytes(long splitBytes);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract Read build();
    }

    /** Reads files matching {@code filepattern} (any Beam file system: local, s3://, gs://). */
    public Read from(String filepattern) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern is empty");
      return toBuilder().setFilepattern(filepattern).build();
    }

    /** Reads every file as {@code format} instead of detecting it from the content. */
    public Read withFormat(SeismicFormat format) {
      checkArgument(format != null, "format can not be null");
      return toBuilder().setFormat(format).build();
    }

    /** Size of the byte ranges a file is split into; default 64 MiB, at least 1 KiB. */
    public Read withSplitBytes(long splitBytes) {
      checkArgument(splitBytes >= 1024, "splitBytes must be >= 1024, was %s", splitBytes);
      return toBuilder().setSplitBytes(splitBytes).build();
    }

    /** Sends files and records that do not decode to {@code handler} instead of failing. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<GenericRecord> expand(PBegin input) {
      String pattern = getFilepattern();
      checkArgument(pattern != null, "SeismicIO.read() needs from(filepattern)");
      ReadFiles files = readFiles().withSplitBytes(getSplitBytes());
      if (getFormat() != null) {
        files = files.withFormat(getFormat());
      }
      if (getBadRecordErrorHandler() != null) {
        files = files.withBadRecordErrorHandler(getBadRecordErrorHandler());
      }
      return input
          .apply(
              "MatchFiles",
              FileIO.match()
                  .filepattern(pattern)
                  .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
          .apply("OpenFiles", FileIO.readMatches())
          .apply("ReadTraces", files);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", getFilepattern()))
          .addIfNotNull(
              DisplayData.item("format", getFormat() == null ? null : getFormat().label()))
          .add(DisplayData.item("splitBytes", getSplitBytes()));
    }
  }

  /** Implementation of {@link #readFiles()}. */
  @AutoValue
  public abstract static class ReadFiles
      extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<GenericRecord>> {
    abstract @Nullable SeismicFormat getFormat();

    abstract long getSplitBytes();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFormat(SeismicFormat format);

      abstract Builder setSplitBytes(long splitBytes);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract ReadFiles build();
    }

    /** See {@link Read#withFormat}. */
    public ReadFiles withFormat(SeismicFormat format) {
      checkArgument(format != null, "format can not be null");
      return toBuilder().setFormat(format).build();
    }

    /** See {@link Read#withSplitBytes}. */
    public ReadFiles withSplitBytes(long splitBytes) {
      checkArgument(splitBytes >= 1024, "splitBytes must be >= 1024, was %s", splitBytes);
      return toBuilder().setSplitBytes(splitBytes).build();
    }

    /** See {@link Read#withBadRecordErrorHandler}. */
    public ReadFiles withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<GenericRecord> expand(PCollection<FileIO.ReadableFile> input) {
      Coder<RecordError> errorCoder;
      try {
        errorCoder = input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("RecordError has no schema", e);
      }
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      BadRecordRouter router =
          handler == null ? BadRecordRouter.THROWING_ROUTER : BadRecordRouter.RECORDING_ROUTER;
      // Ranges are small: spreading them (not the traces) over workers keeps every runner's
      // shuffle light, and one large file is read by many workers at once.
      PCollection<KV<FileIO.ReadableFile, OffsetRange>> ranges =
          input
              .apply("SplitIntoRanges", ParDo.of(new SplitIntoRangesFn(getSplitBytes())))
              .setCoder(KvCoder.of(ReadableFileCoder.of(), OffsetRange.Coder.of()))
              .apply("SpreadRanges", Reshuffle.viaRandomKey());
      PCollectionTuple out =
          ranges.apply(
              "DecodeRanges",
              ParDo.of(new ReadRangeFn(getFormat(), router, errorCoder))
                  .withOutputTags(
                      ReadRangeFn.TRACES, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      PCollection<BadRecord> errors = out.get(BadRecordRouter.BAD_RECORD_TAG);
      errors.setCoder(BadRecord.getCoder(input.getPipeline()));
      if (handler != null) {
        handler.addErrorCollection(errors);
      }
      return out.get(ReadRangeFn.TRACES).setCoder(TraceRecordCoder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(
              DisplayData.item("format", getFormat() == null ? null : getFormat().label()))
          .add(DisplayData.item("splitBytes", getSplitBytes()));
    }
  }

  /** Cuts each file into byte ranges of at most {@code splitBytes} (one range if empty). */
  static class SplitIntoRangesFn extends DoFn<FileIO.ReadableFile, KV<FileIO.ReadableFile, OffsetRange>> {
    private final long splitBytes;
    private final Counter filesRead = Metrics.counter(METRICS_NAMESPACE, "files_read");

    SplitIntoRangesFn(long splitBytes) {
      this.splitBytes = splitBytes;
    }

    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file,
        OutputReceiver<KV<FileIO.ReadableFile, OffsetRange>> out) {
      filesRead.inc();
      long size = file.getMetadata().sizeBytes();
      // An empty file still gets one range, so that it is reported as bad.
      for (long from = 0; from < Math.max(1, size); from += splitBytes) {
        out.output(KV.of(file, new OffsetRange(from, Math.min(Math.max(1, size), from + splitBytes))));
      }
    }
  }

  /**
   * Reads the traces or records whose first byte lies in a range of a file; the ranges of a file
   * together give each trace once. A bad trace or record is routed and reading goes on after it.
   */
  static class ReadRangeFn extends DoFn<KV<FileIO.ReadableFile, OffsetRange>, GenericRecord> {
    static final TupleTag<GenericRecord> TRACES = new TupleTag<GenericRecord>() {};

    private final @Nullable SeismicFormat format;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;

    private final Counter recordsIn = Metrics.counter(METRICS_NAMESPACE, "records_in");
    private final Counter tracesRead = Metrics.counter(METRICS_NAMESPACE, "traces_read");
    private final Counter recordsBad = Metrics.counter(METRICS_NAMESPACE, "records_bad");
    private final Counter rangesRead = Metrics.counter(METRICS_NAMESPACE, "ranges_read");

    ReadRangeFn(@Nullable SeismicFormat format, BadRecordRouter router, Coder<RecordError> errorCoder) {
      this.format = format;
      this.router = router;
      this.errorCoder = errorCoder;
    }

    @ProcessElement
    public void process(
        @Element KV<FileIO.ReadableFile, OffsetRange> element, MultiOutputReceiver out)
        throws Exception {
      FileIO.ReadableFile file = element.getKey();
      OffsetRange range = element.getValue();
      String source = file.getMetadata().resourceId().toString();
      rangesRead.inc();
      SeismicFormat f = format;
      if (f == null) {
        try (SeekableByteChannel channel = file.openSeekable()) {
          f = SeismicFiles.detect(channel, source);
        } catch (SeismicFormatException e) {
          // Not a seismic file: reported once, by the range holding its first byte.
          if (range.getFrom() == 0) {
            bad(out, e);
          }
          return;
        } catch (IOException e) {
          if (range.getFrom() == 0) {
            bad(
                out,
                new SeismicFormatException(
                    source, 0, SeismicError.UNREADABLE, "the file cannot be read: " + e, e));
          }
          return;
        }
      }
      long from = range.getFrom();
      while (true) {
        // A reader owns its channel; after a bad trace or record a new one goes on from the next.
        try (TraceReader reader =
            SeismicFiles.open(f, file.openSeekable(), source, from, range.getTo())) {
          Map<String, String> fileHeaders = reader.fileHeaders();
          SeismicTrace t;
          while ((t = reader.next()) != null) {
            recordsIn.inc();
            tracesRead.inc();
            out.get(TRACES).output(TraceRecords.toRecord(t, source, fileHeaders));
          }
          return;
        } catch (SeismicFormatException e) {
          long at = e.offset();
          if (at < from || at >= range.getTo()) {
            // Outside this range: the range that holds the offset reports it.
            return;
          }
          bad(out, e);
          from = at + 1;
        }
      }
    }

    /** Routes {@code e} as a bad record; its {@code line} is 0 (not a text format). */
    private void bad(MultiOutputReceiver out, SeismicFormatException e)
        throws Exception {
      recordsIn.inc();
      recordsBad.inc();
      RecordError error =
          RecordError.builder()
              .setSource(e.file())
              .setLine(0)
              .setOffset(e.offset())
              .setErrorType(e.error().name())
              .setMessage(e.getMessage())
              .setRecord("")
              .build();
      router.route(out, error, errorCoder, e, e.error() + ": " + e.getMessage());
    }
  }

  /**
   * Implementation of {@link #write()}: groups records by {@code source_file}, orders each
   * file's traces by byte offset (file order), and writes them with the format's writer under
   * {@link #to} as {@code NAME.sgy}, {@code NAME.mseed}, {@code NAME.ms3} or {@code NAME.sac}
   * ({@code NAME.N.sac} for files of several traces), NAME being the source file's name without
   * its extension. A file is written to local temporary storage first and published whole (a
   * rename, or one upload on object stores). Outputs the names of the files written.
   *
   * <pre>{@code
   * traces.apply("WriteSegy",
   *     SeismicIO.write().to("gs://survey/clean").withFormat(SeismicFormat.SEGY));
   * }</pre>
   *
   * <p>Memory is bounded however large a source file: its records are put in file order by
   * {@code byte_offset} (ties by {@code trace_index}) with a {@link ByteKeySorter} that holds up
   * to 64 MiB of encoded records in memory and spills sorted runs beyond that to a private
   * directory under {@code java.io.tmpdir}, beside the file being written; each record becomes a
   * trace only as it is written, one at a time. The worker's local disk needs room for the
   * spilled records and the output file; both are removed once the file is published or the
   * write fails.
   *
   * <p>Counters (namespace {@code sediment}): {@code traces_written}, {@code files_written},
   * {@code write_sort_runs_spilled} (sorted runs on local disk left to merge, 0 when a file's
   * records fitted in memory).
   */
  @AutoValue
  public abstract static class Write
      extends PTransform<PCollection<GenericRecord>, PCollection<String>> {
    abstract @Nullable String getDirectory();

    abstract @Nullable SeismicFormat getFormat();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setFormat(SeismicFormat format);

      abstract Write build();
    }

    /** The output directory (local, s3://, gs://); required. */
    public Write to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    /** The format to write: SEG-Y, miniSEED2, miniSEED3 or SAC; required. */
    public Write withFormat(SeismicFormat format) {
      checkArgument(format != null, "format can not be null");
      checkArgument(
          SeismicFiles.writable(format), "%s can not be written, only read", format.label());
      return toBuilder().setFormat(format).build();
    }

    @Override
    public PCollection<String> expand(PCollection<GenericRecord> input) {
      checkArgument(getDirectory() != null, "SeismicIO.write() needs to(directory)");
      checkArgument(getFormat() != null, "SeismicIO.write() needs withFormat(format)");
      return input
          .apply(
              "KeyBySourceFile",
              MapElements.into(
                      TypeDescriptors.kvs(
                          TypeDescriptors.strings(), TypeDescriptor.of(GenericRecord.class)))
                  .via(r -> KV.of(r.get("source_file").toString(), r)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), TraceRecordCoder.of()))
          .apply("GroupBySourceFile", GroupByKey.create())
          .apply("WriteFiles", ParDo.of(new WriteFileFn(getDirectory(), getFormat())))
          .setCoder(StringUtf8Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .addIfNotNull(
              DisplayData.item("format", getFormat() == null ? null : getFormat().label()));
    }
  }

  /**
   * Writes the traces of one source file: sorts its records into file order in bounded memory,
   * then streams them to the format's writer.
   */
  static class WriteFileFn extends DoFn<KV<String, Iterable<GenericRecord>>, String> {
    /** Encoded records the sort holds in memory before it spills runs to local disk. */
    static final long DEFAULT_SORT_MEMORY_BYTES = 64L << 20;

    private final String directory;
    private final SeismicFormat format;
    private final long sortMemoryBytes;
    private final @Nullable String tempRoot;
    private final Counter tracesWritten = Metrics.counter(METRICS_NAMESPACE, "traces_written");
    private final Counter filesWritten = Metrics.counter(METRICS_NAMESPACE, "files_written");
    private final Counter sortRunsSpilled =
        Metrics.counter(METRICS_NAMESPACE, "write_sort_runs_spilled");
    private transient Coder<GenericRecord> recordCoder;

    WriteFileFn(String directory, SeismicFormat format) {
      this(directory, format, DEFAULT_SORT_MEMORY_BYTES, null);
    }

    /**
     * As {@link #WriteFileFn(String, SeismicFormat)}, sorting in {@code sortMemoryBytes} and
     * keeping local files under {@code tempRoot} ({@code java.io.tmpdir} if null); for tests.
     */
    WriteFileFn(
        String directory, SeismicFormat format, long sortMemoryBytes, @Nullable String tempRoot) {
      checkArgument(sortMemoryBytes > 0, "sortMemoryBytes must be > 0, was %s", sortMemoryBytes);
      this.directory = directory;
      this.format = format;
      this.sortMemoryBytes = sortMemoryBytes;
      this.tempRoot = tempRoot;
    }

    @Setup
    public void setup() {
      recordCoder = TraceRecordCoder.of();
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<GenericRecord>> file, OutputReceiver<String> out)
        throws IOException {
      // The last segment of source_file; a backslash or NUL (legal in object keys) would be a
      // separator or an invalid name on some file systems, so each becomes '_'.
      String name =
          file.getKey()
              .substring(file.getKey().lastIndexOf('/') + 1)
              .replace('\\', '_')
              .replace('\0', '_');
      int dot = name.lastIndexOf('.');
      String base = dot > 0 ? name.substring(0, dot) : name;
      Path root = Path.of(tempRoot != null ? tempRoot : System.getProperty("java.io.tmpdir"));
      Path tmp = Files.createTempDirectory(root, "sediment-seismic-write-");
      try {
        KeyedRecords keyed = new KeyedRecords(file.getValue());
        // The sorter's runs go under tmp too, so one directory holds all a write leaves locally.
        try (ByteKeySorter<GenericRecord> sorted =
            ByteKeySorter.sort(keyed, recordCoder, sortMemoryBytes, tmp)) {
          sortRunsSpilled.inc(sorted.spilledRuns());
          Iterator<KV<byte[], GenericRecord>> records = sorted.iterator();
          if (!records.hasNext()) {
            return; // GroupByKey makes no empty groups.
          }
          RecordTraces traces = new RecordTraces(records);
          ResourceId dir = LakeFiles.dir(directory);
          for (Path f :
              SeismicFiles.write(
                  format, traces, keyed.count, traces.fileHeaders, tmp, base)) {
            // The name comes from source_file; SafePaths proves it is one plain segment.
            ResourceId dest =
                LakeFiles.child(dir, SafePaths.checkRelative(f.getFileName().toString()));
            LakeFiles.publish(f, dest);
            filesWritten.inc();
            out.output(dest.toString());
          }
          tracesWritten.inc(keyed.count);
        }
      } finally {
        try (Stream<Path> left = Files.walk(tmp)) {
          for (Path p : (Iterable<Path>) left.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      }
    }

    /**
     * The sort key of a record: {@code byte_offset}, then {@code trace_index} (-1 for miniSEED
     * records found mid-file), each as 8 big-endian bytes with the sign bit flipped so that the
     * unsigned byte order is the numeric order.
     */
    static byte[] sortKey(GenericRecord r) {
      return ByteBuffer.allocate(16)
          .putLong((Long) r.get("byte_offset") ^ Long.MIN_VALUE)
          .putLong((Long) r.get("trace_index") ^ Long.MIN_VALUE)
          .array();
    }

    /** A group's records keyed by {@link #sortKey}, counted as the sorter reads them once. */
    private static final class KeyedRecords implements Iterable<KV<byte[], GenericRecord>> {
      private final Iterable<GenericRecord> records;
      long count;

      KeyedRecords(Iterable<GenericRecord> records) {
        this.records = records;
      }

      @Override
      public Iterator<KV<byte[], GenericRecord>> iterator() {
        count = 0;
        Iterator<GenericRecord> it = records.iterator();
        return new Iterator<KV<byte[], GenericRecord>>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public KV<byte[], GenericRecord> next() {
            GenericRecord r = it.next();
            count++;
            return KV.of(sortKey(r), r);
          }
        };
      }
    }

    /**
     * Sorted records turned into traces one at a time, as the writer takes them; the file headers
     * are the first record's, read before the writer starts.
     */
    private static final class RecordTraces implements Iterator<SeismicTrace> {
      final Map<String, String> fileHeaders;
      private @Nullable GenericRecord first;
      private final Iterator<KV<byte[], GenericRecord>> rest;

      /** Takes the first record from {@code rest}, which must not be empty. */
      RecordTraces(Iterator<KV<byte[], GenericRecord>> rest) {
        this.rest = rest;
        this.first = rest.next().getValue();
        this.fileHeaders = TraceRecords.fileHeaders(first);
      }

      @Override
      public boolean hasNext() {
        return first != null || rest.hasNext();
      }

      @Override
      public SeismicTrace next() {
        GenericRecord r = first;
        if (r != null) {
          first = null;
        } else {
          r = rest.next().getValue();
        }
        return TraceRecords.fromRecord(r);
      }
    }
  }
}
