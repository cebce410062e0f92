package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auto.value.AutoValue;
import dev.sediment.io.parquet.AvroParquetSink;
import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes to the lake: typed rows as hive-partitioned Parquet, and bad records to the quarantine.
 *
 * <pre>{@code
 * rows.apply("WriteProcessed",
 *     LakeIO.writeParquet()
 *         .to("lake/processed/trades")
 *         .withAvroSchema(avroSchemaJson)
 *         .partitionBy(List.of("date")));
 *
 * ErrorHandler<BadRecord, PDone> quarantine =
 *     p.registerBadRecordErrorHandler(LakeIO.quarantine().to("lake/quarantine/trades"));
 * }</pre>
 *
 * <p>Parquet files are named {@code DIR/k=v/.../part-SSSSS-of-NNNNN.parquet} (Snappy), one
 * directory per distinct partition value; {@code timestamp-nanos} columns are Parquet {@code
 * TIMESTAMP(NANOS)} ({@link AvroParquetSink}). Quarantine files are {@code
 * DIR/records-SSSSS-of-NNNNN.jsonl}, one JSON object per bad record with its source, line,
 * offset, {@code error_type}, {@code message}, raw {@code record} and {@code detected_at} (bad
 * records from other producers keep their {@code record} and Beam's {@code reason}).
 *
 * <p>Counters (namespace {@code sediment}): {@code records_written}, {@code records_quarantined}.
 */
public final class LakeIO {
  private LakeIO() {}

  public static WriteParquet writeParquet() {
    return new AutoValue_LakeIO_WriteParquet.Builder().setPartitionColumns(List.of()).build();
  }

  /**
   * Writes Avro records already keyed by their partition directory ({@code k=v/k2=v2}, or empty)
   * as Parquet under a dataset directory; for producers that make Avro records themselves.
   */
  public static WriteRecords writeRecords() {
    return new AutoValue_LakeIO_WriteRecords.Builder().build();
  }

  public static Quarantine quarantine() {
    return new AutoValue_LakeIO_Quarantine.Builder().build();
  }

  /** Implementation of {@link #writeParquet()}. */
  @AutoValue
  public abstract static class WriteParquet
      extends PTransform<PCollection<Row>, WriteFilesResult<String>> {
    abstract @Nullable String getDirectory();

    abstract @Nullable String getAvroSchemaJson();

    abstract List<String> getPartitionColumns();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setAvroSchemaJson(String json);

      abstract Builder setPartitionColumns(List<String> columns);

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

    /** Hive-style partition columns, outermost first; default none. */
    public WriteParquet partitionBy(List<String> columns) {
      checkArgument(columns != null, "columns can not be null");
      HivePartition.by(columns);
      return toBuilder().setPartitionColumns(List.copyOf(columns)).build();
    }

    @Override
    public WriteFilesResult<String> expand(PCollection<Row> input) {
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
      return input
          .apply("ToAvro", ParDo.of(new ToAvroFn(json, partition)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(avro)))
          .apply("WriteParquet", writeRecords().to(dir).withAvroSchema(json));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("directory", getDirectory()))
          .add(DisplayData.item("partitionBy", String.join(",", getPartitionColumns())));
    }
  }

  /** Implementation of {@link #writeRecords()}. */
  @AutoValue
  public abstract static class WriteRecords
      extends PTransform<PCollection<KV<String, GenericRecord>>, WriteFilesResult<String>> {
    abstract @Nullable String getDirectory();

    abstract @Nullable String getAvroSchemaJson();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Builder setAvroSchemaJson(String json);

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

    @Override
    public WriteFilesResult<String> expand(PCollection<KV<String, GenericRecord>> input) {
      String dir = getDirectory();
      String json = getAvroSchemaJson();
      checkArgument(dir != null, "LakeIO.writeRecords() needs to(directory)");
      checkArgument(json != null, "LakeIO.writeRecords() needs withAvroSchema(json)");
      return input.apply(
          "WriteParquet",
          FileIO.<String, KV<String, GenericRecord>>writeDynamic()
              .by(KV::getKey)
              .withDestinationCoder(StringUtf8Coder.of())
              .via(Contextful.fn(KV::getValue), AvroParquetSink.of(json))
              .to(dir)
              .withNaming(
                  key ->
                      FileIO.Write.defaultNaming(
                          key.isEmpty() ? "part" : key + "/part", ".parquet")));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.addIfNotNull(DisplayData.item("directory", getDirectory()));
    }
  }

  /** Converts rows to Avro records keyed by their partition directory. */
  static class ToAvroFn extends DoFn<Row, KV<String, GenericRecord>> {
    private final String avroSchemaJson;
    private final HivePartition partition;
    private final Counter written = Metrics.counter("sediment", "records_written");
    private transient org.apache.avro.Schema avro;

    ToAvroFn(String avroSchemaJson, HivePartition partition) {
      this.avroSchemaJson = avroSchemaJson;
      this.partition = partition;
    }

    @Setup
    public void setup() {
      avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, GenericRecord>> out) {
      out.output(KV.of(partition.pathOf(row), AvroUtils.toGenericRecord(row, avro)));
      written.inc();
    }
  }

  /** Implementation of {@link #quarantine()}: a sink for Beam's {@code BadRecordErrorHandler}. */
  @AutoValue
  public abstract static class Quarantine extends PTransform<PCollection<BadRecord>, PDone> {
    abstract @Nullable String getDirectory();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setDirectory(String directory);

      abstract Quarantine build();
    }

    /** The quarantine directory of the dataset (local, s3://, gs://); required. */
    public Quarantine to(String directory) {
      checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
      return toBuilder().setDirectory(directory).build();
    }

    @Override
    public PDone expand(PCollection<BadRecord> input) {
      String dir = getDirectory();
      checkArgument(dir != null, "LakeIO.quarantine() needs to(directory)");
      return input
          .apply("ToJson", ParDo.of(new QuarantineLineFn()))
          .setCoder(StringUtf8Coder.of())
          .apply(
              "WriteQuarantine",
              TextIO.write().to(dir.endsWith("/") ? dir + "records" : dir + "/records")
                  .withSuffix(".jsonl"));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.addIfNotNull(DisplayData.item("directory", getDirectory()));
    }
  }

  /** One quarantine line per bad record: the record's own JSON fields, then why and when. */
  static class QuarantineLineFn extends DoFn<BadRecord, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Counter quarantined = Metrics.counter("sediment", "records_quarantined");

    @ProcessElement
    public void process(@Element BadRecord bad, OutputReceiver<String> out) throws Exception {
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
      line.put("detected_at", Instant.now().toString());
      out.output(MAPPER.writeValueAsString(line));
      quarantined.inc();
    }
  }
}
