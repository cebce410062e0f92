package dev.sediment.io.parquet;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.spread.Spread;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads Parquet files into {@link ColumnBatch}es, split by row groups so one large file spreads
 * over workers.
 *
 * <pre>{@code
 * PCollection<ColumnBatch> batches =
 *     p.apply("ReadTrades",
 *         ParquetBatchIO.read()
 *             .from("s3://bucket/trades/*.parquet")
 *             .withSample(0.01, 42) // optional: about 1 % of the row groups
 *             .withBadRecordErrorHandler(errorHandler));
 * }</pre>
 *
 * <p>Each matched file (any Beam file system: local, {@code s3://}, {@code gs://}) is opened once
 * to read its footer and cut into ranges of consecutive row groups of about {@link
 * Read#withSplitBytes} compressed bytes each, and a row group of more than {@link
 * Read#withSplitRows} rows into ranges of about that many rows; the ranges are
 * reshuffled, then each is decoded by {@link ParquetBatchReader} into batches of up to 65,536 rows
 * or about 8 MiB. Every row carries its file (the {@link ResourceId} as a string) and its 0-based
 * row index in the file. The output's coder is {@link ColumnBatchCoder} of the schema.
 *
 * <p>The schema defaults to that of the first matched file (in name order), read when the pipeline
 * is built; {@link Read#withSchema} names it instead (and leaves out the file's other columns).
 * Nothing is lost: a file or range that cannot be read is one {@link BadRecord} whose record is a
 * {@link RecordError} with the file, the 1-based row where reading stopped ({@code line}; 0 for
 * the whole file), the byte offset of the problem where known, and a typed {@link ErrorType}:
 * {@code CORRUPT_FOOTER} (a footer that is missing, truncated or lies, per {@link
 * ParquetFooterGuard}), {@code CORRUPT_PAGE} (a page header that lies, per {@link
 * ParquetPageGuard}: the rows of that range are not read, the other ranges are), {@code
 * TYPE_MISMATCH} (a column of another type than the schema's, or that a batch cannot hold: an
 * unsigned integer, a map, a struct, a list with a null element), {@code HEADER_MISMATCH} (a
 * column of the schema missing), {@code VALUE_OUT_OF_RANGE} (an INT96 timestamp beyond the years
 * 1677 to 2262), {@code UNREADABLE} (anything else). With no error handler, the first one stops
 * the pipeline with its message.
 *
 * <p>Counters (namespace {@value #METRICS_NAMESPACE}): {@code files_read}, {@code
 * row_groups_read}, {@code batches_read}, {@code records_in} (rows decoded plus bad records),
 * {@code records_parsed} (rows output), {@code records_bad}; with a sample, {@code
 * row_groups_skipped} (left out by the sample, never fetched).
 */
public final class ParquetBatchIO {
  public static final String METRICS_NAMESPACE = "sediment";

  /** Default for {@link Read#withSplitBytes}: 64 MiB of compressed row groups per range. */
  public static final long DEFAULT_SPLIT_BYTES = 64L << 20;

  /**
   * Default for {@link Read#withSplitRows}: row groups of more than 1,048,576 rows are cut into
   * ranges, when the file has an offset index, so that one large row group spreads over workers.
   * A range then fetches only its own pages; without an offset index it would fetch the whole row
   * group (cutting a 2.5 M-row group into 20 ranges that way read each file 20 times: {@code
   * validate} over 10 M rows took 25 s instead of 15 s on two cores, docs/benchmarks.md), so such
   * row groups are not cut.
   */
  public static final long DEFAULT_SPLIT_ROWS = 1L << 20;

  private ParquetBatchIO() {}

  /** Reads the Parquet files matching a glob into column batches. */
  public static Read read() {
    return new AutoValue_ParquetBatchIO_Read.Builder()
        .setSplitBytes(DEFAULT_SPLIT_BYTES)
        .setSplitRows(DEFAULT_SPLIT_ROWS)
        .setSampleFraction(1.0)
        .setSampleSeed(0L)
        .build();
  }

  /** The schema of the first file (in name order) that {@code glob} matches. */
  public static BatchSchema schemaOf(String glob) throws IOException {
    MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    List<MatchResult.Metadata> files =
        match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata();
    MatchResult.Metadata first =
        files.stream()
            .min(Comparator.comparing(m -> m.resourceId().toString()))
            .orElseThrow(() -> new FileNotFoundException("no file matches " + glob));
    try (ParquetBatchReader r =
        ParquetBatchReader.open(
            ResourceParquetFile.of(first.resourceId(), first.sizeBytes()),
            first.resourceId().toString())) {
      return r.schema();
    }
  }

  /** Implementation of {@link #read()}. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<ColumnBatch>> {
    abstract @Nullable String getFilepattern();

    abstract @Nullable BatchSchema getSchema();

    abstract long getSplitBytes();

    abstract long getSplitRows();

    abstract double getSampleFraction();

    abstract long getSampleSeed();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFilepattern(String filepattern);

      abstract Builder setSchema(BatchSchema schema);

      abstract Builder setSplitBytes(long splitBytes);

      abstract Builder setSplitRows(long splitRows);

      abstract Builder setSampleFraction(double fraction);

      abstract Builder setSampleSeed(long seed);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract Read build();
    }

    /** Reads files matching {@code filepattern} (local, s3://, gs://); required. */
    public Read from(String filepattern) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern is empty");
      return toBuilder().setFilepattern(filepattern).build();
    }

    /**
     * The columns to read, by name; default: all columns of the first matched file. A file must
     * hold each with the same type (a column required in the file may be nullable here); its other
     * columns are not read.
     */
    public Read withSchema(BatchSchema schema) {
      checkArgument(schema != null, "schema can not be null");
      return toBuilder().setSchema(schema).build();
    }

    /**
     * About how many compressed bytes of consecutive row groups one element reads; default 64 MiB.
     * Smaller spreads large files over more workers; large row groups are cut by {@link
     * #withSplitRows}.
     */
    public Read withSplitBytes(long splitBytes) {
      checkArgument(splitBytes > 0, "splitBytes must be > 0, was %s", splitBytes);
      return toBuilder().setSplitBytes(splitBytes).build();
    }

    /**
     * Cuts a row group of more than {@code splitRows} rows into ranges of about that many rows
     * (equal to within one row), each one element, so one large row group (as Spark, parquet-avro
     * and DuckDB write them) is decoded by several workers; default {@link #DEFAULT_SPLIT_ROWS}.
     * Only row groups with an offset index are cut ({@link ParquetBatchReader#hasOffsetIndex}): a
     * worker then fetches only the pages that hold its rows (and the dictionary pages), passes over
     * the rows before its first in the first page, and stops after its last. Rows keep their index
     * in the file, so the output is the same as reading the row group whole. Files with a list
     * column among those read are not cut inside row groups (a list column cannot pass over pages
     * on their value counts). {@code Long.MAX_VALUE} never cuts a row group.
     */
    public Read withSplitRows(long splitRows) {
      checkArgument(splitRows > 0, "splitRows must be > 0, was %s", splitRows);
      return toBuilder().setSplitRows(splitRows).build();
    }

    /**
     * Reads a deterministic sample of about {@code fraction} of the rows; default 1 (all rows).
     *
     * <p>A file with at least {@code 1 / fraction} row groups is sampled by row group: row group
     * {@code g} of file {@code f} is read, whole, exactly when a hash of ({@code seed}, {@code f},
     * {@code g}) falls below {@code fraction} ({@link ParquetSample}), so a 1 % sample fetches
     * about 1 % of the bytes and the others are never read. A file with fewer row groups is read
     * whole and sampled by row: row {@code i} is kept when a hash of ({@code seed}, {@code f},
     * {@code i}) falls below {@code fraction}. The same seed and files give the same rows on every
     * runner and run; another seed another sample. Row indexes stay those of the file.
     *
     * @param fraction in (0, 1]
     */
    public Read withSample(double fraction, long seed) {
      checkArgument(
          fraction > 0 && fraction <= 1, "fraction must be in (0, 1], was %s", fraction);
      return toBuilder().setSampleFraction(fraction).setSampleSeed(seed).build();
    }

    /** Sends files and row groups that cannot be read to {@code handler} instead of failing. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<ColumnBatch> expand(PBegin input) {
      return expandThrough(input, BatchStages.none()).get(BatchStages.PASSED);
    }

    /**
     * This read with {@code stages} run on each batch inside the step that decodes it, so that
     * no batch waits in memory between steps ({@link BatchStage}). The output holds the batches
     * the last stage passed on ({@link BatchStages#PASSED}) and every stage's side outputs; bad
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
      checkArgument(pattern != null, "ParquetBatchIO.read() needs from(filepattern)");
      BatchSchema schema = getSchema();
      if (schema == null) {
        try {
          schema = schemaOf(pattern);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read the schema of the Parquet files " + pattern + ": " + e.getMessage(), e);
        }
      }
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

      PCollectionTuple split =
          input
              .apply(
                  "MatchFiles",
                  FileIO.match()
                      .filepattern(pattern)
                      .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
              .apply(
                  "SplitRowGroups",
                  ParDo.of(
                          new SplitFn(
                              schema,
                              getSplitBytes(),
                              getSplitRows(),
                              getSampleFraction(),
                              getSampleSeed(),
                              router,
                              errorCoder))
                      .withOutputTags(SplitFn.RANGES, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      PCollectionTuple read =
          split
              .get(SplitFn.RANGES)
              .setCoder(RangeCoder.INSTANCE)
              // One file fans out into many ranges: deal them out to the workers before decoding.
              .apply("SpreadRowGroups", Spread.<Range>evenly())
              .apply(
                  "ReadRowGroups",
                  ParDo.of(
                          new ReadFn(
                              schema,
                              getSampleFraction(),
                              getSampleSeed(),
                              router,
                              errorCoder,
                              stages))
                      .withOutputTags(
                          ReadFn.BATCHES,
                          TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)
                              .and(
                                  stages
                                      .sideTags(BadRecordRouter.BAD_RECORD_TAG)
                                      .getAll())));
      Coder<BadRecord> badCoder = BadRecord.getCoder(input.getPipeline());
      PCollection<BadRecord> errors =
          PCollectionList.of(split.get(BadRecordRouter.BAD_RECORD_TAG).setCoder(badCoder))
              .and(read.get(BadRecordRouter.BAD_RECORD_TAG).setCoder(badCoder))
              .apply("BadRecords", Flatten.pCollections())
              .setCoder(badCoder);
      if (handler != null) {
        handler.addErrorCollection(errors);
      }
      return stages.outputs(
          read.get(ReadFn.BATCHES).setCoder(ColumnBatchCoder.of(schema)),
          read,
          BadRecordRouter.BAD_RECORD_TAG);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      BatchSchema schema = getSchema();
      builder
          .addIfNotNull(DisplayData.item("filepattern", getFilepattern()))
          .addIfNotNull(DisplayData.item("schema", schema == null ? null : schema.toString()))
          .add(DisplayData.item("splitBytes", getSplitBytes()))
          .add(DisplayData.item("splitRows", getSplitRows()))
          .add(DisplayData.item("sampleFraction", getSampleFraction()))
          .add(DisplayData.item("sampleSeed", getSampleSeed()));
    }
  }

  /**
   * Rows {@code [firstRow, endRow)} (indexes in the file) of row groups {@code [from, to)} of one
   * file: several whole row groups, or part of one; {@code rowSample}: sample its rows one by one.
   */
  static final class Range {
    final String resource;
    final long sizeBytes;
    final int from;
    final int to;
    final long firstRow;
    final long endRow;
    final boolean rowSample;

    Range(
        String resource,
        long sizeBytes,
        int from,
        int to,
        long firstRow,
        long endRow,
        boolean rowSample) {
      this.resource = resource;
      this.sizeBytes = sizeBytes;
      this.from = from;
      this.to = to;
      this.firstRow = firstRow;
      this.endRow = endRow;
      this.rowSample = rowSample;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof Range)) {
        return false;
      }
      Range r = (Range) o;
      return resource.equals(r.resource)
          && sizeBytes == r.sizeBytes
          && from == r.from
          && to == r.to
          && firstRow == r.firstRow
          && endRow == r.endRow
          && rowSample == r.rowSample;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(resource, sizeBytes, from, to, firstRow, endRow, rowSample);
    }

    @Override
    public String toString() {
      return resource
          + " row groups ["
          + from
          + ", "
          + to
          + ") rows ["
          + firstRow
          + ", "
          + endRow
          + ")"
          + (rowSample ? " sampled by row" : "");
    }
  }

  /** A deterministic coder of {@link Range}. */
  static final class RangeCoder extends CustomCoder<Range> {
    static final RangeCoder INSTANCE = new RangeCoder();
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Range r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.resource, out);
      VarLongCoder.of().encode(r.sizeBytes, out);
      VarIntCoder.of().encode(r.from, out);
      VarIntCoder.of().encode(r.to, out);
      VarLongCoder.of().encode(r.firstRow, out);
      VarLongCoder.of().encode(r.endRow, out);
      BooleanCoder.of().encode(r.rowSample, out);
    }

    @Override
    public Range decode(InputStream in) throws IOException {
      return new Range(
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }

  /**
   * The bad record of a file that cannot be opened ({@code row} -1) or of a range that cannot be
   * read from its 0-based row {@code row} on (the rows before it were output).
   */
  static RecordError error(String source, long row, Exception e) {
    String rest =
        row < 0 ? "" : "; rows " + (row + 1) + " to the end of this range of row groups are not read";
    if (e instanceof CorruptFooterException) {
      CorruptFooterException f = (CorruptFooterException) e;
      return RecordError.of(
          source,
          0,
          f.offset(),
          ErrorType.CORRUPT_FOOTER,
          "the Parquet footer is corrupt at byte " + f.offset() + ": " + f.problem(),
          "");
    } else if (e instanceof CorruptPageException) {
      CorruptPageException p = (CorruptPageException) e;
      return RecordError.of(
          source,
          row + 1,
          p.offset(),
          ErrorType.CORRUPT_PAGE,
          "a Parquet page in column '"
              + p.column()
              + "' is corrupt at byte "
              + p.offset()
              + ": "
              + p.problem()
              + rest,
          "");
    } else if (e instanceof ParquetColumnException) {
      ParquetColumnException c = (ParquetColumnException) e;
      // A row-level problem names its row; a column-level one the file (line 0).
      return RecordError.of(
          source,
          c.row() >= 0 ? c.row() + 1 : 0,
          0,
          c.type(),
          "column '" + c.column() + "' " + c.problem() + rest,
          "");
    }
    return RecordError.of(
        source,
        row < 0 ? 0 : row + 1,
        0,
        ErrorType.UNREADABLE,
        (row < 0 ? "the Parquet file cannot be read: " : "the Parquet file cannot be read past this row: ")
            + e
            + rest,
        "");
  }

  /** Reads each file's footer and cuts it into ranges of row groups. */
  static final class SplitFn extends DoFn<MatchResult.Metadata, Range> {
    static final TupleTag<Range> RANGES = new TupleTag<Range>() {};

    private final BatchSchema schema;
    private final long splitBytes;
    private final long splitRows;
    private final double fraction;
    private final long seed;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;
    private final Counter filesRead = Metrics.counter(METRICS_NAMESPACE, "files_read");
    private final Counter recordsIn = Metrics.counter(METRICS_NAMESPACE, "records_in");
    private final Counter recordsBad = Metrics.counter(METRICS_NAMESPACE, "records_bad");
    private final Counter skipped = Metrics.counter(METRICS_NAMESPACE, "row_groups_skipped");

    SplitFn(
        BatchSchema schema,
        long splitBytes,
        long splitRows,
        double fraction,
        long seed,
        BadRecordRouter router,
        Coder<RecordError> errorCoder) {
      this.schema = schema;
      this.splitBytes = splitBytes;
      this.splitRows = splitRows;
      this.fraction = fraction;
      this.seed = seed;
      this.router = router;
      this.errorCoder = errorCoder;
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, MultiOutputReceiver out)
        throws Exception {
      String source = file.resourceId().toString();
      filesRead.inc();
      List<Range> ranges = new ArrayList<>();
      try (ParquetBatchReader r =
          ParquetBatchReader.open(
              ResourceParquetFile.of(file.resourceId(), file.sizeBytes()), source, schema)) {
        int groups = r.rowGroupCount();
        boolean byRowGroup = fraction < 1 && groups * fraction >= 1;
        boolean byRow = fraction < 1 && !byRowGroup;
        boolean cut = r.schema().fields().stream().noneMatch(f -> f.type() == ColumnType.LIST);
        int start = -1;
        long bytes = 0;
        for (int g = 0; g <= groups; g++) {
          boolean keep =
              g < groups && (!byRowGroup || ParquetSample.keepRowGroup(seed, source, g, fraction));
          if (g < groups && !keep) {
            skipped.inc();
          }
          boolean large = keep && cut && r.rowCount(g) > splitRows && r.hasOffsetIndex(g);
          if (start >= 0 && (!keep || large || bytes >= splitBytes)) {
            ranges.add(
                new Range(
                    source, file.sizeBytes(), start, g, r.firstRow(start), r.firstRow(g), byRow));
            start = -1;
            bytes = 0;
          }
          if (large) {
            // Equal parts of at most splitRows rows (to within one row).
            long rows = r.rowCount(g);
            long parts = (rows + splitRows - 1) / splitRows;
            long first = r.firstRow(g);
            for (long k = 0; k < parts; k++) {
              ranges.add(
                  new Range(
                      source,
                      file.sizeBytes(),
                      g,
                      g + 1,
                      first + rows * k / parts,
                      first + rows * (k + 1) / parts,
                      byRow));
            }
          } else if (keep) {
            if (start < 0) {
              start = g;
            }
            bytes += r.compressedBytes(g);
          }
        }
      } catch (IOException | RuntimeException e) {
        recordsIn.inc();
        recordsBad.inc();
        RecordError error = error(source, -1, e);
        router.route(out, error, errorCoder, e, error.getErrorType() + ": " + error.getMessage());
        return;
      }
      for (Range range : ranges) {
        out.get(RANGES).output(range);
      }
    }
  }

  /** Decodes one range of row groups into batches. */
  static final class ReadFn extends DoFn<Range, ColumnBatch> {
    static final TupleTag<ColumnBatch> BATCHES = new TupleTag<ColumnBatch>() {};

    private final BatchSchema schema;
    private final double fraction;
    private final long seed;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;
    private final Counter rowGroupsRead = Metrics.counter(METRICS_NAMESPACE, "row_groups_read");
    private final Counter batchesRead = Metrics.counter(METRICS_NAMESPACE, "batches_read");
    private final Counter recordsIn = Metrics.counter(METRICS_NAMESPACE, "records_in");
    private final Counter recordsParsed = Metrics.counter(METRICS_NAMESPACE, "records_parsed");
    private final Counter recordsBad = Metrics.counter(METRICS_NAMESPACE, "records_bad");

    private final BatchStages stages;

    ReadFn(
        BatchSchema schema,
        double fraction,
        long seed,
        BadRecordRouter router,
        Coder<RecordError> errorCoder,
        BatchStages stages) {
      this.schema = schema;
      this.fraction = fraction;
      this.seed = seed;
      this.router = router;
      this.errorCoder = errorCoder;
      this.stages = stages;
    }

    @Setup
    public void setup() throws Exception {
      stages.setup();
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

    @ProcessElement
    public void process(@Element Range range, MultiOutputReceiver out) throws Exception {
      ResourceId resource = FileSystems.matchNewResource(range.resource, false);
      long position = -1;
      try (ParquetBatchReader r =
          ParquetBatchReader.open(
              ResourceParquetFile.of(resource, range.sizeBytes), range.resource, schema)) {
        if ("file".equals(resource.getScheme())) {
          // A local file is read a page at a time (a stream per column); an object store's in one
          // ranged read per row group range.
          r.withStreamingPages();
        }
        r.rowGroups(range.from, range.to, range.firstRow, range.endRow);
        position = r.position();
        if (range.rowSample) {
          String source = range.resource;
          double f = fraction;
          long s = seed;
          r.withRowFilter(i -> ParquetSample.keepRow(s, source, i, f));
        }
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          // Rows left out by a row sample were decoded but are not records of the sample.
          recordsIn.inc(b.rowCount());
          recordsParsed.inc(b.rowCount());
          batchesRead.inc();
          ColumnBatch passed = stages.process(b, out);
          if (passed != null) {
            out.get(BATCHES).output(passed);
          }
          position = r.position();
        }
        // A row group cut into row ranges counts once, with its last range.
        rowGroupsRead.inc(
            range.to - range.from - (range.endRow < r.firstRow(range.to) ? 1 : 0));
      } catch (BatchStages.StageException e) {
        throw e.stageFailure();
      } catch (IOException | RuntimeException e) {
        recordsIn.inc();
        recordsBad.inc();
        RecordError error = error(range.resource, position, e);
        router.route(out, error, errorCoder, e, error.getErrorType() + ": " + error.getMessage());
      }
    }
  }
}
