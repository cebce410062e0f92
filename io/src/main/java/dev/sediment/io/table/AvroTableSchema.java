package dev.sediment.io.table;

import java.util.List;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The Beam schema of an Avro record schema, as {@link AvroUtils} makes it, plus the one thing it
 * loses that text formats need: Avro {@code date} becomes a Beam {@code DATETIME} and {@code
 * timestamp-micros}/{@code -nanos} become {@code INT64}, so the field keeps its Avro logical type
 * in the field option {@value #LOGICAL_TYPE_OPTION}. Parsers then accept {@code 2026-02-03} for a
 * date and an ISO-8601 instant for a timestamp-micros column, and partition paths print dates as
 * dates.
 *
 * <p>Avro 1.11 (Beam 2.62's) does not know {@code timestamp-nanos} (it came in Avro 1.12): its
 * parser leaves the logical type off and keeps {@code "logicalType": "timestamp-nanos"} as a plain
 * property of the {@code long}. This class reads that property, so such a column keeps its logical
 * type here too, and {@link dev.sediment.io.parquet.AvroParquetSink} writes it as Parquet {@code
 * TIMESTAMP(NANOS)}.
 */
public final class AvroTableSchema {
  /** Field option holding the Avro logical type name of a field, where Beam's type hides it. */
  public static final String LOGICAL_TYPE_OPTION = "sediment:avroLogicalType";

  /** The Avro logical type Avro 1.11 does not know. */
  public static final String TIMESTAMP_NANOS = "timestamp-nanos";

  private static final String LOGICAL_TYPE_PROP = "logicalType";

  /** Field option holding the precision of an Avro {@code decimal}, which Beam's DECIMAL lacks. */
  public static final String DECIMAL_PRECISION_OPTION = "sediment:decimalPrecision";

  /** Field option holding the scale of an Avro {@code decimal}, which Beam's DECIMAL lacks. */
  public static final String DECIMAL_SCALE_OPTION = "sediment:decimalScale";

  private static final List<String> KEPT = List.of("date", "timestamp-micros", TIMESTAMP_NANOS);

  private AvroTableSchema() {}

  public static Schema toBeamSchema(String avroSchemaJson) {
    org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
    Schema beam = AvroUtils.toBeamSchema(avro);
    Schema.Builder b = Schema.builder();
    for (Schema.Field f : beam.getFields()) {
      org.apache.avro.Schema fieldSchema = avro.getField(f.getName()).schema();
      String logical = logicalTypeOf(fieldSchema);
      if (logical != null && KEPT.contains(logical)) {
        f =
            f.withOptions(
                Schema.Options.builder()
                    .setOption(LOGICAL_TYPE_OPTION, Schema.FieldType.STRING, logical));
      }
      org.apache.avro.LogicalType decimal = nonNull(fieldSchema).getLogicalType();
      if (decimal instanceof org.apache.avro.LogicalTypes.Decimal) {
        // Kept so a value with more digits than the column holds is refused when it is parsed,
        // not by the Avro writer, which would fail the whole job.
        org.apache.avro.LogicalTypes.Decimal d = (org.apache.avro.LogicalTypes.Decimal) decimal;
        f =
            f.withOptions(
                Schema.Options.builder()
                    .setOption(DECIMAL_PRECISION_OPTION, Schema.FieldType.INT32, d.getPrecision())
                    .setOption(DECIMAL_SCALE_OPTION, Schema.FieldType.INT32, d.getScale()));
      }
      b.addField(f);
    }
    return b.build();
  }

  private static org.apache.avro.Schema nonNull(org.apache.avro.Schema s) {
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      for (org.apache.avro.Schema t : s.getTypes()) {
        if (t.getType() != org.apache.avro.Schema.Type.NULL) {
          return t;
        }
      }
    }
    return s;
  }

  /** The precision of a decimal field from an Avro schema, or null when unknown. */
  public static @Nullable Integer decimalPrecision(Schema.Field field) {
    Schema.Options o = field.getOptions();
    return o.hasOption(DECIMAL_PRECISION_OPTION)
        ? o.getValue(DECIMAL_PRECISION_OPTION, Integer.class)
        : null;
  }

  /** The scale of a decimal field from an Avro schema, or null when unknown. */
  public static @Nullable Integer decimalScale(Schema.Field field) {
    Schema.Options o = field.getOptions();
    return o.hasOption(DECIMAL_SCALE_OPTION) ? o.getValue(DECIMAL_SCALE_OPTION, Integer.class) : null;
  }

  /** The Avro logical type a field kept, or null. */
  public static @Nullable String logicalTypeOf(Schema.Field field) {
    Schema.Options o = field.getOptions();
    return o.hasOption(LOGICAL_TYPE_OPTION) ? o.getValue(LOGICAL_TYPE_OPTION, String.class) : null;
  }

  /**
   * The logical type name of an Avro schema, looking through a nullable union; {@code
   * timestamp-nanos} also where this Avro version left it a plain property.
   */
  public static @Nullable String logicalTypeOf(org.apache.avro.Schema s) {
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      for (org.apache.avro.Schema t : s.getTypes()) {
        if (t.getType() != org.apache.avro.Schema.Type.NULL) {
          return logicalTypeOf(t);
        }
      }
      return null;
    }
    if (s.getLogicalType() != null) {
      return s.getLogicalType().getName();
    }
    return TIMESTAMP_NANOS.equals(s.getProp(LOGICAL_TYPE_PROP)) ? TIMESTAMP_NANOS : null;
  }
}
