package dev.sediment.transforms.compact;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Keeps the TIMESTAMP annotations of the spool's INT64 columns in the compacted file. Rows travel
 * as Avro records, and Avro 1.11 has no nanosecond timestamp type: without this, a
 * TIMESTAMP(NANOS) column (DuckDB's {@code TIMESTAMP_NS}, pyarrow's {@code timestamp[ns]}) would
 * be written back as a plain INT64, and readers would see a number instead of a time. MILLIS and
 * MICROS keep their {@code isAdjustedToUTC} flag as the input had it.
 *
 * <p>A top-level INT64 column gets the TIMESTAMP annotation that every input file that has the
 * column agrees on; when they disagree (one file plain, one TIMESTAMP(NANOS)), the column is
 * written as Avro's conversion gives it. The result depends only on the set of input schemas.
 */
final class TimestampColumns {
  private TimestampColumns() {}

  /** {@code converted} (Avro's conversion of the output schema) with the inputs' timestamps. */
  static MessageType restore(MessageType converted, List<MessageType> inputs) {
    if (inputs.isEmpty()) {
      return converted;
    }
    List<Type> fields = new ArrayList<>();
    boolean changed = false;
    for (Type t : converted.getFields()) {
      LogicalTypeAnnotation a = agreed(t.getName(), inputs);
      if (a != null
          && t.isPrimitive()
          && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
          && !a.equals(t.getLogicalTypeAnnotation())) {
        Types.PrimitiveBuilder<PrimitiveType> b =
            Types.primitive(PrimitiveType.PrimitiveTypeName.INT64, t.getRepetition()).as(a);
        if (t.getId() != null) {
          b.id(t.getId().intValue());
        }
        fields.add(b.named(t.getName()));
        changed = true;
      } else {
        fields.add(t);
      }
    }
    return changed ? new MessageType(converted.getName(), fields) : converted;
  }

  /** The TIMESTAMP annotation of top-level INT64 {@code column} that all inputs having it share. */
  private static LogicalTypeAnnotation agreed(String column, List<MessageType> inputs) {
    LogicalTypeAnnotation out = null;
    boolean seen = false;
    for (MessageType m : inputs) {
      if (!m.containsField(column)) {
        continue;
      }
      Type t = m.getType(column);
      if (!t.isPrimitive()
          || t.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64) {
        return null;
      }
      LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
      if (!(a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation)) {
        return null;
      }
      if (seen && !a.equals(out)) {
        return null;
      }
      out = a;
      seen = true;
    }
    return out;
  }
}
