package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auto.value.AutoValue;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes to the lake: typed rows as hive-partitioned Parquet, lines of JSON, and bad records to
 * the quarantine.
 *
 * <pre>{@code
 * ErrorHandler<BadRecord, PDone> quarantine =
 *     p.registerBadRecordErrorHandler(LakeIO.quarantine().to("lake/quarantine/trades"));
 * rows.apply("WriteProcessed",
 *     LakeIO.writeParquet()
 *         .to("lake/processed/trades")
 *         .withAvroSchema(avroSchemaJson)
 *         .partitionBy(List.of("date"))
 *         .withBadRecordErrorHandler(quarantine));
 * quarantine.close();
 * }</pre>
 *
 * <p>Deterministic files: the same rows give the same file names and bytes, whatever the runner,
 * parallelism or bundling ({@link ShardedFiles}). Each partition directory gets {@code
 * ceil(encoded bytes / shardBytes)} files {@code DIR/k=v/.../part-SSSSS-of-NNNNN.parquet}
 * (Snappy; {@code timestamp-nanos} columns are Parquet {@code TIMESTAMP(NANOS)}); a row goes to
 * the shard of a hash of its encoded bytes, and each file holds its rows in the order of those
 * bytes. Quarantine files are {@code DIR/records-SSSSS-of-NNNNN.jsonl}, one JSON object per bad
 * record with its source, line, offset, {@code error_type}, {@code message}, raw {@code record}
 * and {@code detected_at} (bad records from other producers keep their {@code record} and Beam's
 * {@code reason}), placed and ordered by everything but {@code detected_at}. A directory that
 * receives nothing gets no file.
 *
 * <p>Files are written complete and then published whole, but a run's files appear one by one:
 * write into a directory that {@link LakeCommit} then publishes, as the CLI does, to replace a
 * dataset as a whole.
 *
 * <p>Counters (namespace {@code sediment}): {@code records_written}, {@code records_quarantined},
 * {@code files_written}.
 */
public final class LakeIO {
  /** The default size of one file, in bytes of encoded rows (before Parquet's compression). */
  public static final long DEFAULT_SHARD_BYTES = 128L << 20;

  private LakeIO() {}

  /**
   * Writes {@link dev.sediment.io.batch.ColumnBatch}es as partitioned Parquet straight from their
   * vectors; see {@link WriteBatches}.
   */
  public static WriteBatches writeBatches() {
    return WriteBatches.create();
  }

  /**
   * Sends rows of column batches whose partition directory cannot be made to the bad records; see
   * {@link CheckBatchPartitions}.
   */
  public static CheckBatchPartitions checkBatchPartitions() {
    return CheckBatchPartitions.create();
  }

  public static WriteParquet writeParquet() {
    return new AutoValue_LakeIO_WriteParquet.Builder()
        .setPartitionColumns(List.of())
        .setShardBytes(DEFAULT_SHARD_BYTES)
        .build();
  }

  /**
   * Writes Avro records already keyed by their partition directory ({@code k=v/k2=v2}, or empty)
   * as Parquet under a dataset directory; for producers that make Avro records themselves.
   */
  public static WriteRecords writeRecords() {
    return new AutoValue_LakeIO_WriteRecords.Builder().setShardBytes(DEFAULT_SHARD_BYTES).build();
  }

  /**
   * Writes {@code KV<orderKey, line>} as lines of text, placed and ordered by the key, so lines
   * that carry run-specific values (a timestamp, a run id) still land in the same files.
   */
  public static WriteLines writeLines() {
    return new AutoValue_LakeIO_WriteLines.Builder()
        .setPrefix("part")
        .setSuffix(".jsonl")
        .setShardBytes(DEFAULT_SHARD_BYTES)
        .build();
  }

  /**
   * Sends rows whose partition directory cannot be made ({@link HivePartition#invalidPathOf}) to
   * the bad records, typed {@code PARTITION_VALUE_TOO_LONG}: for pipelines that must count them
   * before a later step (validation), ahead of {@link #writeParquet()}.
   */
  public static CheckPartitions checkPartitions() {
    return new AutoValue_LakeIO_CheckPartitions.Builder().setPartitionColumns(List.of()).build();
  }

  public static Quarantine quarantine() {
    return new AutoValue_LakeIO_Quarantine.Builder()
        .setPrefix("records")
        .setShardBytes(DEFAULT_SHARD_BYTES)
        .build();
  }

  private static void checkShardBytes(long shardBytes) {
    checkArgument(
        shardBytes >= 1024, "shardBytes must be at least 1024, not %s", shardBytes);
  }

  /** Implementation of {@link #writeParquet()}. */
  @AutoValue
  public abstract static class WriteParquet extends PTransform<PCollection<Row>, PCollection<String>> {
    abstract @Nullable String getDirectory();

    abstract @Nullable String getAvroSchemaJson();

    abstract List<String> getPartitionColumns();

    abstract long getShardBytes();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setAvroSchemaJson(String json);

      abstract Builder setPartitionColumns(List<String> columns);

      abstract Builder setShardBytes(long bytes);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract WriteParquet build();
    }

    /** The dataset directory (local, s3://, gs://); required. */
    public WriteParquet to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    /** The Avro schema of the Parquet files, as JSON; required, and must match the rows. */
    public WriteParquet withAvroSchema(String avroSchemaJson) {
      checkArgument(avroSchemaJson != null, "avroSchemaJson can not be null");
      new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
      return toBuilder().setAvroSchemaJson(avroSchemaJson).build();
    }

    /** Hive-style partition columns, outermost first, each once; default none. */
    public WriteParquet partitionBy(List<String> columns) {
      checkArgument(columns != null, "columns can not be null");
      HivePartition.by(columns);
      return toBuilder().setPartitionColumns(List.copyOf(columns)).build();
    }

    /**
     * The size of one file in bytes of Avro-encoded rows; a partition of B bytes gets {@code
     * ceil(B / shardBytes)} files. Default {@link #DEFAULT_SHARD_BYTES} (128 MiB); at least 1024.
     */
    public WriteParquet withShardBytes(long shardBytes) {
      checkShardBytes(shardBytes);
      return toBuilder().setShardBytes(shardBytes).build();
    }

    /**
     * Where rows go whose partition directory cannot be made (a value too long for a directory
     * name, {@code PARTITION_VALUE_TOO_LONG}). Without a handler such a row fails the pipeline.
     */
    public WriteParquet withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<String> expand(PCollection<Row> input) {
      String dir = getDirectory();
      String json = getAvroSchemaJson();
      checkArgument(dir != null, "LakeIO.writeParquet() needs to(directory)");
      checkArgument(json != null, "LakeIO.writeParquet() needs withAvroSchema(json)");
      org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(json);
      Schema rowSchema = input.getSchema();
      Schema expected = AvroUtils.toBeamSchema(avro);
      checkArgument(
          rowSchema.getFieldNames().equals(expected.getFieldNames()),
          "rows have columns %s, but the Avro schema declares %s",
          rowSchema.getFieldNames(),
          expected.getFieldNames());
      HivePartition partition = HivePartition.by(getPartitionColumns());
      partition.checkAgainst(rowSchema);
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      PCollectionTuple out =
          input.apply(
              "ToAvro",
              ParDo.of(
                      new EncodeRowFn(
                          json, partition, router(handler), recordErrorCoder(input)))
                  .withOutputTags(
                      EncodeRowFn.RECORDS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      routeErrors(out, handler, input);
      return out.get(EncodeRowFn.RECORDS)
          .setCoder(ShardedFiles.coder())
          .apply(
              "WriteParquet",
              new ShardedFiles(dir, "part", ShardedFiles.parquet(json), getShardBytes()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .add(DisplayData.item("partitionBy", String.join(",", getPartitionColumns())))
          .add(DisplayData.item("shardBytes", getShardBytes()));
    }
  }

  /** Implementation of {@link #writeRecords()}. */
  @AutoValue
  public abstract static class WriteRecords
      extends PTransform<PCollection<KV<String, GenericRecord>>, PCollection<String>> {
    abstract @Nullable String getDirectory();

    abstract @Nullable String getAvroSchemaJson();

    abstract long getShardBytes();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setAvroSchemaJson(String json);

      abstract Builder setShardBytes(long bytes);

      abstract WriteRecords build();
    }

    /** The dataset directory (local, s3://, gs://); required. */
    public WriteRecords to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    /** The Avro schema of the records, as JSON; required. */
    public WriteRecords withAvroSchema(String avroSchemaJson) {
      checkArgument(avroSchemaJson != null, "avroSchemaJson can not be null");
      new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
      return toBuilder().setAvroSchemaJson(avroSchemaJson).build();
    }

    /** As {@link WriteParquet#withShardBytes}. */
    public WriteRecords withShardBytes(long shardBytes) {
      checkShardBytes(shardBytes);
      return toBuilder().setShardBytes(shardBytes).build();
    }

    @Override
    public PCollection<String> expand(PCollection<KV<String, GenericRecord>> input) {
      String dir = getDirectory();
      String json = getAvroSchemaJson();
      checkArgument(dir != null, "LakeIO.writeRecords() needs to(directory)");
      checkArgument(json != null, "LakeIO.writeRecords() needs withAvroSchema(json)");
      return input
          .apply("ToAvroBytes", ParDo.of(new EncodeRecordFn(json)))
          .setCoder(ShardedFiles.coder())
          .apply(
              "WriteParquet",
              new ShardedFiles(dir, "part", ShardedFiles.parquet(json), getShardBytes()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .add(DisplayData.item("shardBytes", getShardBytes()));
    }
  }

  /** Implementation of {@link #writeLines()}. */
  @AutoValue
  public abstract static class WriteLines
      extends PTransform<PCollection<KV<String, String>>, PCollection<String>> {
    abstract @Nullable String getDirectory();

    abstract String getPrefix();

    abstract String getSuffix();

    abstract long getShardBytes();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setPrefix(String prefix);

      abstract Builder setSuffix(String suffix);

      abstract Builder setShardBytes(long bytes);

      abstract WriteLines build();
    }

    /** The directory (local, s3://, gs://); required. */
    public WriteLines to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    /** File names start with {@code prefix}: {@code PREFIX-SSSSS-of-NNNNN.SUFFIX}; default {@code part}. */
    public WriteLines withPrefix(String prefix) {
      checkArgument(
          prefix != null && prefix.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
          "prefix must be letters, digits, '.', '_' or '-', not %s",
          prefix);
      return toBuilder().setPrefix(prefix).build();
    }

    /** File name suffix; default {@code .jsonl}. */
    public WriteLines withSuffix(String suffix) {
      checkArgument(suffix != null && !suffix.contains("/"), "suffix %s is not a name", suffix);
      return toBuilder().setSuffix(suffix).build();
    }

    /** As {@link WriteParquet#withShardBytes}, in bytes of text. */
    public WriteLines withShardBytes(long shardBytes) {
      checkShardBytes(shardBytes);
      return toBuilder().setShardBytes(shardBytes).build();
    }

    @Override
    public PCollection<String> expand(PCollection<KV<String, String>> input) {
      String dir = getDirectory();
      checkArgument(dir != null, "LakeIO.writeLines() needs to(directory)");
      return input
          .apply("ToBytes", ParDo.of(new LineBytesFn()))
          .setCoder(ShardedFiles.coder())
          .apply(
              "WriteLines",
              new ShardedFiles(
                  dir, getPrefix(), ShardedFiles.lines(getSuffix()), getShardBytes()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .add(DisplayData.item("prefix", getPrefix()))
          .add(DisplayData.item("suffix", getSuffix()))
          .add(DisplayData.item("shardBytes", getShardBytes()));
    }
  }

  /** Implementation of {@link #checkPartitions()}. */
  @AutoValue
  public abstract static class CheckPartitions extends PTransform<PCollection<Row>, PCollection<Row>> {
    abstract List<String> getPartitionColumns();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setPartitionColumns(List<String> columns);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract CheckPartitions build();
    }

    /** The partition columns, as given to {@link WriteParquet#partitionBy}; default none. */
    public CheckPartitions by(List<String> columns) {
      checkArgument(columns != null, "columns can not be null");
      HivePartition.by(columns);
      return toBuilder().setPartitionColumns(List.copyOf(columns)).build();
    }

    /** Where rows without a valid directory go; without one such a row fails the pipeline. */
    public CheckPartitions withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      HivePartition partition = HivePartition.by(getPartitionColumns());
      partition.checkAgainst(input.getSchema());
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      PCollectionTuple out =
          input.apply(
              "CheckPartitionPaths",
              ParDo.of(new CheckPartitionFn(partition, router(handler), recordErrorCoder(input)))
                  .withOutputTags(
                      CheckPartitionFn.ROWS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      routeErrors(out, handler, input);
      return out.get(CheckPartitionFn.ROWS).setRowSchema(input.getSchema());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("partitionBy", String.join(",", getPartitionColumns())));
    }
  }

  private static BadRecordRouter router(@Nullable ErrorHandler<BadRecord, ?> handler) {
    return handler == null ? BadRecordRouter.THROWING_ROUTER : BadRecordRouter.RECORDING_ROUTER;
  }

  private static Coder<RecordError> recordErrorCoder(PCollection<?> input) {
    try {
      return input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
  }

  private static void routeErrors(
      PCollectionTuple out, @Nullable ErrorHandler<BadRecord, ?> handler, PCollection<?> input) {
    PCollection<BadRecord> errors = out.get(BadRecordRouter.BAD_RECORD_TAG);
    errors.setCoder(BadRecord.getCoder(input.getPipeline()));
    if (handler != null) {
      handler.addErrorCollection(errors);
    }
  }

  /** The bad record of a row whose partition directory cannot be made. */
  static RecordError partitionError(Row row, String why) {
    ObjectNode record = MAPPER.createObjectNode();
    for (Schema.Field f : row.getSchema().getFields()) {
      Object v = row.getValue(f.getName());
      if (v == null) {
        record.putNull(f.getName());
      } else {
        record.put(f.getName(), v.toString());
      }
    }
    return RecordError.of(
        "", 0, 0, ErrorType.PARTITION_VALUE_TOO_LONG, why, record.toString());
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Passes rows whose partition directory can be made; routes the others. */
  static class CheckPartitionFn extends DoFn<Row, Row> {
    static final TupleTag<Row> ROWS = new TupleTag<Row>() {};
    private final HivePartition partition;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;

    CheckPartitionFn(HivePartition partition, BadRecordRouter router, Coder<RecordError> errorCoder) {
      this.partition = partition;
      this.router = router;
      this.errorCoder = errorCoder;
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) throws Exception {
      String why = partition.invalidPathOf(row);
      if (why != null) {
        RecordError e = partitionError(row, why);
        router.route(out, e, errorCoder, null, e.getErrorType() + ": " + why);
        return;
      }
      out.get(ROWS).output(row);
    }
  }

  /** Encodes rows as Avro binary keyed by their partition directory; routes rows without one. */
  static class EncodeRowFn extends DoFn<Row, KV<String, KV<byte[], byte[]>>> {
    static final TupleTag<KV<String, KV<byte[], byte[]>>> RECORDS =
        new TupleTag<KV<String, KV<byte[], byte[]>>>() {};
    private static final byte[] NO_KEY = new byte[0];
    private final String avroSchemaJson;
    private final HivePartition partition;
    private final BadRecordRouter router;
    private final Coder<RecordError> errorCoder;
    private final Counter written = Metrics.counter("sediment", "records_written");
    private transient org.apache.avro.Schema avro;
    private transient AvroBytes bytes;

    EncodeRowFn(
        String avroSchemaJson,
        HivePartition partition,
        BadRecordRouter router,
        Coder<RecordError> errorCoder) {
      this.avroSchemaJson = avroSchemaJson;
      this.partition = partition;
      this.router = router;
      this.errorCoder = errorCoder;
    }

    @Setup
    public void setup() {
      avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
      bytes = new AvroBytes(avro);
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) throws Exception {
      String why = partition.invalidPathOf(row);
      if (why != null) {
        RecordError e = partitionError(row, why);
        router.route(out, e, errorCoder, null, e.getErrorType() + ": " + why);
        return;
      }
      GenericRecord r = AvroUtils.toGenericRecord(row, avro);
      out.get(RECORDS).output(KV.of(partition.pathOf(row), KV.of(NO_KEY, bytes.encode(r))));
      written.inc();
    }
  }

  /** Encodes Avro records as Avro binary. */
  static class EncodeRecordFn
      extends DoFn<KV<String, GenericRecord>, KV<String, KV<byte[], byte[]>>> {
    private static final byte[] NO_KEY = new byte[0];
    private final String avroSchemaJson;
    private transient AvroBytes bytes;

    EncodeRecordFn(String avroSchemaJson) {
      this.avroSchemaJson = avroSchemaJson;
    }

    @Setup
    public void setup() {
      bytes = new AvroBytes(new org.apache.avro.Schema.Parser().parse(avroSchemaJson));
    }

    @ProcessElement
    public void process(
        @Element KV<String, GenericRecord> e, OutputReceiver<KV<String, KV<byte[], byte[]>>> out)
        throws IOException {
      out.output(KV.of(e.getKey(), KV.of(NO_KEY, bytes.encode(e.getValue()))));
    }
  }

  /** Avro binary encoding of one schema's records, reusing its buffers. */
  private static final class AvroBytes {
    private final GenericDatumWriter<GenericRecord> writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private BinaryEncoder encoder;

    AvroBytes(org.apache.avro.Schema schema) {
      this.writer = new GenericDatumWriter<>(schema);
    }

    byte[] encode(GenericRecord r) throws IOException {
      buffer.reset();
      encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
      writer.write(r, encoder);
      encoder.flush();
      return buffer.toByteArray();
    }
  }

  /** A line and its order key as UTF-8. */
  static class LineBytesFn extends DoFn<KV<String, String>, KV<String, KV<byte[], byte[]>>> {
    @ProcessElement
    public void process(
        @Element KV<String, String> e, OutputReceiver<KV<String, KV<byte[], byte[]>>> out) {
      byte[] line = e.getValue().getBytes(StandardCharsets.UTF_8);
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      // An empty key would mean "the payload is the key": keep the two apart.
      out.output(KV.of("", KV.of(key.length == 0 ? new byte[] {0} : key, line)));
    }
  }

  /** Implementation of {@link #quarantine()}: a sink for Beam's {@code BadRecordErrorHandler}. */
  @AutoValue
  public abstract static class Quarantine extends PTransform<PCollection<BadRecord>, PDone> {
    abstract @Nullable String getDirectory();

    abstract String getPrefix();

    abstract long getShardBytes();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setPrefix(String prefix);

      abstract Builder setShardBytes(long bytes);

      abstract Quarantine build();
    }

    /** The quarantine directory of the dataset (local, s3://, gs://); required. */
    public Quarantine to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    /** File names start with {@code prefix}; default {@code records}. */
    public Quarantine withPrefix(String prefix) {
      checkArgument(
          prefix != null && prefix.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
          "prefix must be letters, digits, '.', '_' or '-', not %s",
          prefix);
      return toBuilder().setPrefix(prefix).build();
    }

    /** As {@link WriteParquet#withShardBytes}, in bytes of text. */
    public Quarantine withShardBytes(long shardBytes) {
      checkShardBytes(shardBytes);
      return toBuilder().setShardBytes(shardBytes).build();
    }

    @Override
    public PDone expand(PCollection<BadRecord> input) {
      String dir = getDirectory();
      checkArgument(dir != null, "LakeIO.quarantine() needs to(directory)");
      input
          .apply("ToJson", ParDo.of(new QuarantineLineFn()))
          .setCoder(
              org.apache.beam.sdk.coders.KvCoder.of(
                  org.apache.beam.sdk.coders.StringUtf8Coder.of(),
                  org.apache.beam.sdk.coders.StringUtf8Coder.of()))
          .apply(
              "WriteQuarantine",
              writeLines().to(dir).withPrefix(getPrefix()).withShardBytes(getShardBytes()));
      return PDone.in(input.getPipeline());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .add(DisplayData.item("prefix", getPrefix()));
    }
  }

  /**
   * One quarantine line per bad record: the record's own JSON fields, then why and when; keyed by
   * all of it but the time, so reruns place and order the lines alike.
   */
  static class QuarantineLineFn extends DoFn<BadRecord, KV<String, String>> {
    private final Counter quarantined = Metrics.counter("sediment", "records_quarantined");

    @ProcessElement
    public void process(@Element BadRecord bad, OutputReceiver<KV<String, String>> out)
        throws Exception {
      ObjectNode line = MAPPER.createObjectNode();
      String human = bad.getRecord().getHumanReadableJsonRecord();
      JsonNode record = null;
      if (human != null) {
        try {
          record = MAPPER.readTree(human);
        } catch (Exception e) {
          record = MAPPER.getNodeFactory().textNode(human);
        }
      }
      if (record != null && record.isObject()) {
        line.setAll((ObjectNode) record);
      } else {
        line.set("record", record);
      }
      if (!line.has("message")) {
        line.put("reason", bad.getFailure().getDescription());
      }
      String exception = bad.getFailure().getException();
      if (exception != null && !exception.isEmpty()) {
        line.put("exception", exception);
      }
      String key = MAPPER.writeValueAsString(line);
      line.put("detected_at", Instant.now().toString());
      out.output(KV.of(key, MAPPER.writeValueAsString(line)));
      quarantined.inc();
    }
  }
}
