package dev.sediment.io.table;

import static org.apache.beam.sdk.util.Preconditions.checkStateNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV (with a header line) or JSON-lines files into {@link ColumnBatch}es of a schema, with
 * large files split into byte ranges parsed in parallel.
 *
 * <pre>{@code
 * PCollection<ColumnBatch> batches =
 *     p.apply("ReadTrades",
 *         TextBatchIO.read()
 *             .from("s3://bucket/trades/*.csv")
 *             .withFormat(TableIO.Format.CSV)
 *             .withSchema(schema)
 *             .withBadRecordErrorHandler(errorHandler));
 * }</pre>
 *
 * <p>Outcomes are exactly those of {@link TableIO#read()} on the same files: the same rows (as
 * batches of {@code BatchRows.of(schema).batchSchema()}; {@link BatchRows#toRows} gives the
 * {@code Row}s back) and the same {@link RecordError}s, sent to the error handler as the same
 * {@link BadRecord}s (or, with no handler, the first one stops the pipeline). Each row keeps its
 * source file, record ordinal, byte offset and line.
 *
 * <p>Steps: match the files; plan each file's ranges ({@link TextRangePlanner}: files above
 * {@link Read#withRangeBytes} that are not compressed are pre-scanned once, sequentially, to find
 * exact record starts, line numbers and record ordinals at each boundary); reshuffle the ranges;
 * parse each range ({@link CsvBatchReader}, {@link JsonLinesBatchReader}) into batches of at most
 * {@link ColumnBatch#DEFAULT_MAX_ROWS} rows or {@link ColumnBatch#DEFAULT_MAX_BYTES}. Batches use
 * {@link ColumnBatchCoder}. Memory per worker is bounded by the record limit plus one batch.
 *
 * <p>Counters (namespace {@value TableIO#METRICS_NAMESPACE}), as {@link TableIO}'s: {@code
 * records_in}, {@code records_parsed}, {@code records_bad}, {@code files_read}.
 */
public final class TextBatchIO {

  /** Default for {@link Read#withRangeBytes}: 16 MiB. */
  public static final long DEFAULT_RANGE_BYTES = 16L << 20;

  private TextBatchIO() {}

  public static Read read() {
    return new AutoValue_TextBatchIO_Read.Builder()
        .setFormat(TableIO.Format.CSV)
        .setMaxRecordBytes(TableIO.DEFAULT_MAX_RECORD_BYTES)
        .setRangeBytes(DEFAULT_RANGE_BYTES)
        .setSampleFraction(1.0)
        .setSampleSeed(0L)
        .build();
  }

  /** Implementation of {@link #read()}. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<ColumnBatch>> {
    abstract @Nullable String getFilepattern();

    abstract TableIO.Format getFormat();

    abstract @Nullable Schema getSchema();

    abstract int getMaxRecordBytes();

    abstract long getRangeBytes();

    abstract double getSampleFraction();

    abstract long getSampleSeed();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFilepattern(String filepattern);

      abstract Builder setFormat(TableIO.Format format);

      abstract Builder setSchema(Schema schema);

      abstract Builder setMaxRecordBytes(int maxRecordBytes);

      abstract Builder setRangeBytes(long rangeBytes);

      abstract Builder setSampleFraction(double fraction);

      abstract Builder setSampleSeed(long seed);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract Read build();
    }

    /** Reads files matching {@code filepattern} (any Beam file system: local, s3://, gs://). */
    public Read from(String filepattern) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern is empty");
      return toBuilder().setFilepattern(filepattern).build();
    }

    /** {@link TableIO.Format#CSV} (default) or {@link TableIO.Format#JSONL}. */
    public Read withFormat(TableIO.Format format) {
      checkArgument(
          format == TableIO.Format.CSV || format == TableIO.Format.JSONL,
          "format must be csv or jsonl, was %s",
          format);
      return toBuilder().setFormat(format).build();
    }

    /**
     * The schema rows are converted to (required), as for {@link TableIO.Read#withSchema}; every
     * column must also fit a column batch ({@link BatchRows#of}).
     */
    public Read withSchema(Schema schema) {
      checkArgument(schema != null, "schema can not be null");
      ValueConverter.checkSupported(schema);
      BatchRows.of(schema);
      return toBuilder().setSchema(schema).build();
    }

    /** The longest record kept in memory, in bytes; default 8 MiB, as {@link TableIO}. */
    public Read withMaxRecordBytes(int maxRecordBytes) {
      checkArgument(maxRecordBytes > 0, "maxRecordBytes must be > 0, was %s", maxRecordBytes);
      return toBuilder().setMaxRecordBytes(maxRecordBytes).build();
    }

    /**
     * About how many bytes of a file one worker parses; default {@value #DEFAULT_RANGE_BYTES}
     * (16 MiB: a file of a few tens of MiB already keeps both cores of a laptop busy). A larger
     * uncompressed file is cut into ranges of about this size, after one sequential pre-scan of
     * it. Compressed files are always read whole.
     */
    public Read withRangeBytes(long rangeBytes) {
      checkArgument(rangeBytes > 0, "rangeBytes must be > 0, was %s", rangeBytes);
      return toBuilder().setRangeBytes(rangeBytes).build();
    }

    /**
     * Reads about {@code fraction} of the records, the same ones for the same {@code seed} and
     * files. Files are cut into ranges of about {@code fraction / 8} of their size (at most {@link
     * #withRangeBytes}, at least 64 KiB) and a range is read when the hash of (seed, file, range
     * start) falls below {@code fraction}, so a 1 % sample parses about 1 % of the bytes. A file
     * too small to give {@code 4 / fraction} ranges is read whole and keeps each record when the
     * hash of (seed,
     * file, row index) falls below {@code fraction} (a bad record: of its line). CSV files are still pre-scanned once for
     * record boundaries (a quoted field may hold line breaks), reading every byte but parsing
     * none. Counters count the records read, not the ones left out.
     */
    public Read withSample(double fraction, long seed) {
      checkArgument(
          fraction > 0 && fraction <= 1, "sample fraction must be in (0, 1], was %s", fraction);
      return toBuilder().setSampleFraction(fraction).setSampleSeed(seed).build();
    }

    /** Sends records that do not parse or convert to {@code handler} instead of failing. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<ColumnBatch> expand(PBegin input) {
      return expandThrough(input, BatchStages.none()).get(BatchStages.PASSED);
    }

    /**
     * This read with {@code stages} run on each batch inside the step that parses it, so that no
     * batch waits in memory between steps ({@link BatchStage}). The output holds the batches the
     * last stage passed on ({@link BatchStages#PASSED}) and every stage's side outputs; bad
     * records the stages record go to this read's handler, which they then need.
     */
    public PTransform<PBegin, PCollectionTuple> through(List<? extends BatchStage> stages) {
      BatchStages chain = BatchStages.of(stages);
      Read read = this;
      return new PTransform<PBegin, PCollectionTuple>() {
        @Override
        public PCollectionTuple expand(PBegin input) {
          return read.expandThrough(input, chain);
        }
      };
    }

    private PCollectionTuple expandThrough(PBegin input, BatchStages stages) {
      String pattern = getFilepattern();
      checkArgument(pattern != null, "TextBatchIO.read() needs from(filepattern)");
      Schema schema = getSchema();
      checkArgument(schema != null, "TextBatchIO.read() needs withSchema()");
      BatchSchema batchSchema = BatchRows.of(schema).batchSchema();
      Coder<RecordError> errorCoder;
      try {
        errorCoder = input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("RecordError has no schema", e);
      }
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      BadRecordRouter router =
          handler == null ? BadRecordRouter.THROWING_ROUTER : BadRecordRouter.RECORDING_ROUTER;
      checkArgument(
          handler != null || !stages.emits(BadRecordRouter.BAD_RECORD_TAG),
          "stages that record bad records need a bad-record handler on the read");
      KvCoder<Double, TextRange> rangeCoder = KvCoder.of(DoubleCoder.of(), TextRangeCoder.of());
      PCollection<KV<Double, TextRange>> ranges =
          input
              .apply(
                  "MatchFiles",
                  FileIO.match()
                      .filepattern(pattern)
                      .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
              .apply("SpreadFiles", Reshuffle.viaRandomKey())
              .apply(
                  "PlanRanges",
                  ParDo.of(
                      new PlanRangesFn(
                          getFormat(),
                          getRangeBytes(),
                          getMaxRecordBytes(),
                          getSampleFraction(),
                          getSampleSeed())))
              .setCoder(rangeCoder)
              .apply("SpreadRanges", Reshuffle.viaRandomKey())
              .setCoder(rangeCoder);
      PCollectionTuple out =
          ranges.apply(
              "ParseRanges",
              ParDo.of(
                      new ParseRangeFn(
                          getFormat(),
                          schema,
                          getMaxRecordBytes(),
                          router,
                          errorCoder,
                          getSampleSeed(),
                          stages))
                  .withOutputTags(
                      ParseRangeFn.BATCHES,
                      TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)
                          .and(stages.sideTags(BadRecordRouter.BAD_RECORD_TAG).getAll())));
      PCollection<BadRecord> errors = out.get(BadRecordRouter.BAD_RECORD_TAG);
      errors.setCoder(BadRecord.getCoder(input.getPipeline()));
      if (handler != null) {
        handler.addErrorCollection(errors);
      }
      return stages.outputs(
          out.get(ParseRangeFn.BATCHES).setCoder(ColumnBatchCoder.of(batchSchema)),
          out,
          BadRecordRouter.BAD_RECORD_TAG);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", getFilepattern()))
          .add(DisplayData.item("format", getFormat().toString()))
          .add(DisplayData.item("maxRecordBytes", getMaxRecordBytes()))
          .add(DisplayData.item("rangeBytes", getRangeBytes()))
          .addIfNotNull(
              DisplayData.item("schema", getSchema() == null ? null : getSchema().toString()));
    }
  }

  private static boolean compressed(ResourceId file) {
    String name = file.getFilename();
    return name != null && Compression.detect(name) != Compression.UNCOMPRESSED;
  }

  /**
   * Cuts each matched file into ranges (a pre-scan for large uncompressed files), each with the
   * fraction of its records to keep (1 unless a sample falls back to rows).
   */
  static class PlanRangesFn extends DoFn<MatchResult.Metadata, KV<Double, TextRange>> {
    private final TableIO.Format format;
    private final long rangeBytes;
    private final int maxRecordBytes;
    private final double fraction;
    private final long seed;

    PlanRangesFn(
        TableIO.Format format, long rangeBytes, int maxRecordBytes, double fraction, long seed) {
      this.format = format;
      this.rangeBytes = rangeBytes;
      this.maxRecordBytes = maxRecordBytes;
      this.fraction = fraction;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, OutputReceiver<KV<Double, TextRange>> out) {
      ResourceId id = file.resourceId();
      long bytes = rangeBytes;
      if (fraction < 1.0) {
        bytes = Math.max(1L << 16, Math.min(rangeBytes, (long) (file.sizeBytes() * fraction / 8)));
      }
      List<TextRange> ranges =
          TextRangePlanner.plan(
              id.toString(),
              file.sizeBytes(),
              compressed(id),
              format,
              bytes,
              maxRecordBytes,
              () -> Channels.newInputStream(FileSystems.open(id)));
      if (fraction >= 1.0) {
        for (TextRange r : ranges) {
          out.output(KV.of(1.0, r));
        }
        return;
      }
      if (ranges.size() < Math.ceil(RANGES_PER_SAMPLED_RANGE / fraction)) {
        for (TextRange r : ranges) {
          out.output(KV.of(fraction, r));
        }
        return;
      }
      for (TextRange r : ranges) {
        if (Sample.keeps(seed, r.file(), r.start(), fraction)) {
          out.output(KV.of(1.0, r));
        }
      }
    }
  }

  /**
   * A file is sampled by range only when it gives at least this many ranges per range kept, so
   * the sample's size stays near the fraction; a smaller file is sampled by row.
   */
  static final int RANGES_PER_SAMPLED_RANGE = 4;

  /** The deterministic choice of a sample. */
  static final class Sample {
    private Sample() {}

    /** True when the hash of (seed, file, position) falls below {@code fraction}. */
    static boolean keeps(long seed, String file, long position, double fraction) {
      long h =
          org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing.murmur3_128()
              .newHasher()
              .putLong(seed)
              .putString(file, java.nio.charset.StandardCharsets.UTF_8)
              .putLong(position)
              .hash()
              .asLong();
      return (h >>> 11) * 0x1.0p-53 < fraction;
    }
  }

  /** Parses one range per element; batches to {@link #BATCHES}, bad records to the router. */
  static class ParseRangeFn extends DoFn<KV<Double, TextRange>, ColumnBatch> {
    static final TupleTag<ColumnBatch> BATCHES = new TupleTag<ColumnBatch>() {};

    private final TableIO.Format format;
    private final Schema schema;
    private final int maxRecordBytes;
    private final BadRecordRouter router;
    /** Set where the DoFn is built: the router's identity does not survive serialization. */
    private final boolean recording;
    private final Coder<RecordError> errorCoder;
    private final long seed;
    private final BatchStages stages;

    private final Counter recordsIn = Metrics.counter(TableIO.METRICS_NAMESPACE, "records_in");
    private final Counter recordsParsed =
        Metrics.counter(TableIO.METRICS_NAMESPACE, "records_parsed");
    private final Counter recordsBad = Metrics.counter(TableIO.METRICS_NAMESPACE, "records_bad");
    private final Counter filesRead = Metrics.counter(TableIO.METRICS_NAMESPACE, "files_read");
    private transient @Nullable BadRecords badRecords;
    private transient @Nullable CsvBatchReader csv;
    private transient @Nullable JsonLinesBatchReader jsonl;

    ParseRangeFn(
        TableIO.Format format,
        Schema schema,
        int maxRecordBytes,
        BadRecordRouter router,
        Coder<RecordError> errorCoder,
        long seed,
        BatchStages stages) {
      this.stages = stages;
      this.format = format;
      this.schema = schema;
      this.maxRecordBytes = maxRecordBytes;
      this.router = router;
      this.recording = router == BadRecordRouter.RECORDING_ROUTER;
      this.errorCoder = errorCoder;
      this.seed = seed;
    }

    @StartBundle
    public void startBundle() throws Exception {
      stages.startBundle();
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) throws Exception {
      stages.finishBundle(c);
    }

    @Teardown
    public void teardown() throws Exception {
      stages.teardown();
    }

    @Setup
    public void setup() throws Exception {
      stages.setup();
      badRecords = new BadRecords(errorCoder);
      if (format == TableIO.Format.CSV) {
        csv = new CsvBatchReader(schema, maxRecordBytes);
      } else {
        jsonl = new JsonLinesBatchReader(schema, maxRecordBytes);
      }
    }

    @ProcessElement
    public void process(@Element KV<Double, TextRange> element, MultiOutputReceiver out)
        throws Exception {
      TextRange range = element.getValue();
      double fraction = element.getKey();
      String source = range.file();
      BadRecords bad = checkStateNotNull(badRecords);
      BatchSink sink =
          new BatchSink() {
            @Override
            public void batch(ColumnBatch batch) throws BatchStages.StageException {
              if (fraction < 1.0) {
                boolean[] keep = new boolean[batch.rowCount()];
                for (int i = 0; i < keep.length; i++) {
                  keep[i] = Sample.keeps(seed, source, batch.rowIndex(i), fraction);
                }
                batch = batch.filter(keep);
              }
              recordsIn.inc(batch.rowCount());
              recordsParsed.inc(batch.rowCount());
              if (batch.rowCount() > 0) {
                ColumnBatch passed = stages.process(batch, out);
                if (passed != null) {
                  out.get(BATCHES).output(passed);
                }
              }
            }

            @Override
            public void error(RecordError error) throws Exception {
              if (fraction < 1.0 && !Sample.keeps(seed, source, -1 - error.getLine(), fraction)) {
                return;
              }
              recordsIn.inc();
              recordsBad.inc();
              String description = error.getErrorType() + ": " + error.getMessage();
              if (recording) {
                out.get(BadRecordRouter.BAD_RECORD_TAG).output(bad.of(error, description));
              } else {
                router.route(out, error, errorCoder, null, description);
              }
            }
          };
      if (range.start() == 0) {
        filesRead.inc();
      }
      InputStream in;
      try {
        in = open(range);
      } catch (IOException e) {
        // The file does not open at all; failures part-way are reported by the readers.
        sink.error(
            RecordError.of(
                source,
                range.start() == 0 ? 0 : range.linesBefore() + 1,
                range.start(),
                ErrorType.UNREADABLE,
                "the file cannot be opened: " + e,
                ""));
        return;
      }
      try (in) {
        if (format == TableIO.Format.CSV) {
          checkStateNotNull(csv).read(source, in, range, sink);
        } else {
          checkStateNotNull(jsonl).read(source, in, range, sink);
        }
      } catch (BatchStages.StageException e) {
        throw e.stageFailure();
      }
    }

    /** The file from the range's start: decompressed when whole, seeked (or skipped) otherwise. */
    private static InputStream open(TextRange range) throws IOException {
      ResourceId id = FileSystems.matchNewResource(range.file(), false);
      ReadableByteChannel channel = FileSystems.open(id);
      if (range.isWholeFile()) {
        String name = id.getFilename();
        Compression c = name == null ? Compression.UNCOMPRESSED : Compression.detect(name);
        return Channels.newInputStream(c.readDecompressed(channel));
      }
      if (channel instanceof SeekableByteChannel) {
        ((SeekableByteChannel) channel).position(range.start());
        return Channels.newInputStream(channel);
      }
      InputStream in = Channels.newInputStream(channel);
      long left = range.start();
      while (left > 0) {
        long n = in.skip(left);
        if (n <= 0) {
          if (in.read() < 0) {
            in.close();
            throw new IOException("the file ends before byte " + range.start());
          }
          n = 1;
        }
        left -= n;
      }
      return in;
    }
  }
}
