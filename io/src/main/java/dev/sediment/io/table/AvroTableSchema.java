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
 */
public final class AvroTableSchema {
  /** Field option holding the Avro logical type name of a field, where Beam's type hides it. */
  public static final String LOGICAL_TYPE_OPTION = "sediment:avroLogicalType";

  private static final List<String> KEPT = List.of("date", "timestamp-micros", "timestamp-nanos");

  private AvroTableSchema() {}

  public static Schema toBeamSchema(String avroSchemaJson) {
    org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
    Schema beam = AvroUtils.toBeamSchema(avro);
    Schema.Builder b = Schema.builder();
    for (Schema.Field f : beam.getFields()) {
      String logical = logicalTypeOf(avro.getField(f.getName()).schema());
      if (logical != null && KEPT.contains(logical)) {
        f =
            f.withOptions(
                Schema.Options.builder()
                    .setOption(LOGICAL_TYPE_OPTION, Schema.FieldType.STRING, logical));
      }
      b.addField(f);
    }
    return b.build();
  }

  /** The Avro logical type a field kept, or null. */
  public static @Nullable String logicalTypeOf(Schema.Field field) {
    Schema.Options o = field.getOptions();
    return o.hasOption(LOGICAL_TYPE_OPTION) ? o.getValue(LOGICAL_TYPE_OPTION, String.class) : null;
  }

  private static @Nullable String logicalTypeOf(org.apache.avro.Schema s) {
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      for (org.apache.avro.Schema t : s.getTypes()) {
        if (t.getType() != org.apache.avro.Schema.Type.NULL) {
          return logicalTypeOf(t);
        }
      }
      return null;
    }
    return s.getLogicalType() == null ? null : s.getLogicalType().getName();
  }
}
