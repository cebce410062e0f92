package dev.sediment.io.table;

import static org.apache.beam.sdk.util.Preconditions.checkStateNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.parquet.ResourceParquetFile;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
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
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV (with a header line), JSON-lines or Parquet files into {@link Row}s of a schema.
 *
 * <pre>{@code
 * PCollection<Row> rows =
 *     p.apply("ReadTrades",
 *         TableIO.read()
 *             .from("s3://bucket/trades/*.csv")
 *             .withFormat(TableIO.Format.CSV)
 *             .withSchema(schema)
 *             .withBadRecordErrorHandler(errorHandler));
 * }</pre>
 *
 * <p>Every record ends up either as a row or as a {@link BadRecord} whose record is a {@link
 * RecordError} (source file, line, byte offset, typed {@link ErrorType}, message, raw text). With
 * no error handler set, the first bad record stops the pipeline with that message. A Parquet file
 * whose own schema does not match is one bad record (row 0) and is not read; the schema of Parquet
 * input defaults to the footer schema of the first matched file ({@link #parquetAvroSchema}). Files
 * are read
 * whole by one worker (compressed files are decompressed by extension); the rows are reshuffled
 * afterwards so later steps run in parallel. Memory per file is bounded by {@link
 * Read#withMaxRecordBytes}, whatever the file holds.
 *
 * <p>Counters (namespace {@value #METRICS_NAMESPACE}): {@code records_in} (every record seen,
 * good or bad), {@code records_parsed}, {@code records_bad}, {@code files_read}.
 */
public final class TableIO {

  public static final String METRICS_NAMESPACE = "sediment";

  /** Default for {@link Read#withMaxRecordBytes}: 8 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 8 << 20;

  /** Default for {@link Read#withSpreadBuckets}. */
  public static final int DEFAULT_SPREAD_BUCKETS = 64;

  private TableIO() {}

  /** Table file formats. */
  public enum Format {
    CSV,
    JSONL,
    PARQUET;

    /** Parses {@code csv}, {@code jsonl} or {@code parquet}, case-insensitively. */
    public static Format parse(String name) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(name)) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "unknown format '" + name + "'; use csv, jsonl or parquet");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The Avro schema (JSON) in the footer of the first file, in name order, that {@code glob}
   * matches: the one parquet-avro stored, else the conversion of the Parquet schema.
   *
   * @throws IOException if nothing matches or the footer cannot be read
   */
  public static String parquetAvroSchema(String glob) throws IOException {
    MatchResult.Metadata first = firstMatch(glob);
    return ParquetFileParser.footerAvroSchema(
            ResourceParquetFile.of(first.resourceId(), first.sizeBytes()))
        .toString();
  }

  /** The first file, in name order, that {@code glob} matches. */
  static MatchResult.Metadata firstMatch(String glob) throws IOException {
    MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    List<MatchResult.Metadata> files =
        match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata();
    return files.stream()
        .min(Comparator.comparing(m -> m.resourceId().toString()))
        .orElseThrow(() -> new FileNotFoundException("no file matches " + glob));
  }

  /** Reads the files matching a glob. */
  public static Read read() {
    return new AutoValue_TableIO_Read.Builder()
        .setFormat(Format.CSV)
        .setMaxRecordBytes(DEFAULT_MAX_RECORD_BYTES)
        .setSpreadBuckets(DEFAULT_SPREAD_BUCKETS)
        .build();
  }

  /** Parses files already matched, e.g. by {@link FileIO#match()} and {@link FileIO#readMatches()}. */
  public static ReadFiles readFiles() {
    return new AutoValue_TableIO_ReadFiles.Builder()
        .setFormat(Format.CSV)
        .setMaxRecordBytes(DEFAULT_MAX_RECORD_BYTES)
        .setSpreadBuckets(DEFAULT_SPREAD_BUCKETS)
        .build();
  }

  /** Implementation of {@link #read()}. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<Row>> {
    abstract @Nullable String getFilepattern();

    abstract Format getFormat();

    abstract @Nullable Schema getSchema();

    abstract int getMaxRecordBytes();

    abstract int getSpreadBuckets();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFilepattern(String filepattern);

      abstract Builder setFormat(Format format);

      abstract Builder setSchema(Schema schema);

      abstract Builder setMaxRecordBytes(int maxRecordBytes);

      abstract Builder setSpreadBuckets(int spreadBuckets);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract Read build();
    }

    /** Reads files matching {@code filepattern} (any Beam file system: local, s3://, gs://). */
    public Read from(String filepattern) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern is empty");
      return toBuilder().setFilepattern(filepattern).build();
    }

    /** The file format; default {@link Format#CSV}. */
    public Read withFormat(Format format) {
      checkArgument(format != null, "format can not be null");
      return toBuilder().setFormat(format).build();
    }

    /**
     * The schema rows are converted to; required for CSV and JSON lines. For Parquet it defaults
     * to the footer schema of the first matched file (in name order), read when the pipeline is
     * built.
     */
    public Read withSchema(Schema schema) {
      checkArgument(schema != null, "schema can not be null");
      ValueConverter.checkSupported(schema);
      return toBuilder().setSchema(schema).build();
    }

    /**
     * The longest record kept in memory, in bytes; default 8 MiB. A longer record is sent to the
     * error handler as {@link ErrorType#RECORD_TOO_LONG}.
     */
    public Read withMaxRecordBytes(int maxRecordBytes) {
      checkArgument(maxRecordBytes > 0, "maxRecordBytes must be > 0, was %s", maxRecordBytes);
      return toBuilder().setMaxRecordBytes(maxRecordBytes).build();
    }

    /**
     * How many keys the parsed rows are spread over after reading (a file is read by one worker);
     * default {@value #DEFAULT_SPREAD_BUCKETS}. More spread a few large files over more workers on
     * Flink or Dataflow; on the DirectRunner each bucket becomes one bundle and every later
     * grouping pays per bundle, so its parallelism (a few) is the better value there.
     */
    public Read withSpreadBuckets(int spreadBuckets) {
      checkArgument(
          spreadBuckets >= 1 && spreadBuckets <= 65536,
          "spreadBuckets must be in [1, 65536], was %s",
          spreadBuckets);
      return toBuilder().setSpreadBuckets(spreadBuckets).build();
    }

    /** Sends records that do not parse or convert to {@code handler} instead of failing. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<Row> expand(PBegin input) {
      String pattern = getFilepattern();
      checkArgument(pattern != null, "TableIO.read() needs from(filepattern)");
      Schema schema = getSchema();
      if (schema == null && getFormat() == Format.PARQUET) {
        try {
          schema = AvroTableSchema.toBeamSchema(parquetAvroSchema(pattern));
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read the schema of the Parquet files " + pattern + ": " + e.getMessage(), e);
        }
      }
      ReadFiles files =
          readFiles()
              .withFormat(getFormat())
              .withSchema(checkStateNotNull(schema, "TableIO.read() needs withSchema()"))
              .withMaxRecordBytes(getMaxRecordBytes())
              .withSpreadBuckets(getSpreadBuckets());
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      if (handler != null) {
        files = files.withBadRecordErrorHandler(handler);
      }
      return input
          .apply(
              "MatchFiles",
              FileIO.match()
                  .filepattern(pattern)
                  .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
          .apply("OpenFiles", FileIO.readMatches())
          .apply("ParseFiles", files);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", getFilepattern()))
          .add(DisplayData.item("format", getFormat().toString()))
          .add(DisplayData.item("maxRecordBytes", getMaxRecordBytes()))
          .add(DisplayData.item("spreadBuckets", getSpreadBuckets()));
    }
  }

  /** Implementation of {@link #readFiles()}. */
  @AutoValue
  public abstract static class ReadFiles
      extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> {
    abstract Format getFormat();

    abstract @Nullable Schema getSchema();

    abstract int getMaxRecordBytes();

    abstract int getSpreadBuckets();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFormat(Format format);

      abstract Builder setSchema(Schema schema);

      abstract Builder setMaxRecordBytes(int maxRecordBytes);

      abstract Builder setSpreadBuckets(int spreadBuckets);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract ReadFiles build();
    }

    /** See {@link Read#withFormat}. */
    public ReadFiles withFormat(Format format) {
      checkArgument(format != null, "format can not be null");
      return toBuilder().setFormat(format).build();
    }

    /** See {@link Read#withSchema}. */
    public ReadFiles withSchema(Schema schema) {
      checkArgument(schema != null, "schema can not be null");
      ValueConverter.checkSupported(schema);
      return toBuilder().setSchema(schema).build();
    }

    /** See {@link Read#withMaxRecordBytes}. */
    public ReadFiles withMaxRecordBytes(int maxRecordBytes) {
      checkArgument(maxRecordBytes > 0, "maxRecordBytes must be > 0, was %s", maxRecordBytes);
      return toBuilder().setMaxRecordBytes(maxRecordBytes).build();
    }

    /** See {@link Read#withSpreadBuckets}. */
    public ReadFiles withSpreadBuckets(int spreadBuckets) {
      checkArgument(
          spreadBuckets >= 1 && spreadBuckets <= 65536,
          "spreadBuckets must be in [1, 65536], was %s",
          spreadBuckets);
      return toBuilder().setSpreadBuckets(spreadBuckets).build();
    }

    /** See {@link Read#withBadRecordErrorHandler}. */
    public ReadFiles withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<Row> expand(PCollection<FileIO.ReadableFile> input) {
      Schema schema = getSchema();
      checkArgument(schema != null, "TableIO.readFiles() needs withSchema()");
      Coder<RecordError> errorCoder;
      try {
        errorCoder = input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("RecordError has no schema", e);
      }
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      BadRecordRouter router =
          handler == null ? BadRecordRouter.THROWING_ROUTER : BadRecordRouter.RECORDING_ROUTER;
      PCollectionTuple out =
          input.apply(
              "ParseRecords",
              ParDo.of(new ParseFn(getFormat(), schema, getMaxRecordBytes(), router, errorCoder))
                  .withOutputTags(ParseFn.ROWS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      PCollection<BadRecord> errors = out.get(BadRecordRouter.BAD_RECORD_TAG);
      errors.setCoder(BadRecord.getCoder(input.getPipeline()));
      if (handler != null) {
        handler.addErrorCollection(errors);
      }
      PCollection<Row> rows = out.get(ParseFn.ROWS).setRowSchema(schema);
      // One file fans out into many rows: spread them before the next step. A bounded number of
      // keys keeps the DirectRunner from making one bundle per row.
      return rows.apply(
              "SpreadRows", Reshuffle.<Row>viaRandomKey().withNumBuckets(getSpreadBuckets()))
          .setRowSchema(schema);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("format", getFormat().toString()))
          .add(DisplayData.item("maxRecordBytes", getMaxRecordBytes()))
          .add(DisplayData.item("spreadBuckets", getSpreadBuckets()))
          .addIfNotNull(
              DisplayData.item("schema", getSchema() == null ? null : getSchema().toString()));
    }
  }

  /** Parses one file per element; rows to {@link #ROWS}, bad records to the router. */
  static class ParseFn extends DoFn<FileIO.ReadableFile, Row> {
    static final TupleTag<Row> ROWS = new TupleTag<Row>() {};

    private final Format format;
    private final Schema schema;
    private final int maxRecordBytes;
    private final BadRecordRouter router;
    /** Set where the DoFn is built: the router's identity does not survive serialization. */
    private final boolean recording;
    private final Coder<RecordError> errorCoder;

    private final Counter recordsIn = Metrics.counter(METRICS_NAMESPACE, "records_in");
    private final Counter recordsParsed = Metrics.counter(METRICS_NAMESPACE, "records_parsed");
    private final Counter recordsBad = Metrics.counter(METRICS_NAMESPACE, "records_bad");
    private final Counter filesRead = Metrics.counter(METRICS_NAMESPACE, "files_read");
    private transient @Nullable BadRecords badRecords;

    ParseFn(
        Format format,
        Schema schema,
        int maxRecordBytes,
        BadRecordRouter router,
        Coder<RecordError> errorCoder) {
      this.format = format;
      this.schema = schema;
      this.maxRecordBytes = maxRecordBytes;
      this.router = router;
      this.recording = router == BadRecordRouter.RECORDING_ROUTER;
      this.errorCoder = errorCoder;
    }

    @Setup
    public void setup() {
      badRecords = new BadRecords(errorCoder);
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws Exception {
      String source = file.getMetadata().resourceId().toString();
      BadRecords bad = checkStateNotNull(badRecords);
      RecordSink sink =
          new RecordSink() {
            @Override
            public void row(Row row) {
              recordsIn.inc();
              recordsParsed.inc();
              out.get(ROWS).output(row);
            }

            @Override
            public void error(RecordError error) throws Exception {
              recordsIn.inc();
              recordsBad.inc();
              String description = error.getErrorType() + ": " + error.getMessage();
              if (recording) {
                // The same BadRecord Beam's router makes, without its per-record ObjectMapper.
                out.get(BadRecordRouter.BAD_RECORD_TAG).output(bad.of(error, description));
              } else {
                router.route(out, error, errorCoder, null, description);
              }
            }
          };
      filesRead.inc();
      if (format == Format.PARQUET) {
        new ParquetFileParser(schema)
            .parse(
                source,
                ResourceParquetFile.of(
                    file.getMetadata().resourceId(), file.getMetadata().sizeBytes()),
                sink);
        return;
      }
      try (InputStream in = Channels.newInputStream(file.open())) {
        if (format == Format.CSV) {
          new CsvFileParser(schema, maxRecordBytes).parse(source, in, sink);
        } else {
          new JsonLinesFileParser(schema, maxRecordBytes).parse(source, in, sink);
        }
      } catch (IOException e) {
        // The file does not open at all; failures part-way are reported by the parsers.
        sink.error(
            RecordError.of(
                source, 0, 0, ErrorType.UNREADABLE, "the file cannot be opened: " + e, ""));
      }
    }
  }

}
