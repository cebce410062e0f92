package dev.sediment.transforms.compact;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The total order compaction writes rows in: the sort keys (INT64 columns, e.g. {@code ts_event,
 * seq}) first, then the whole row as Avro orders it. Two rows compare equal only when every
 * column is equal, so the output order does not depend on input order and is deterministic.
 *
 * <p>Sort keys must be integer columns: INT64 (with or without a TIMESTAMP annotation) or INT32,
 * REQUIRED or OPTIONAL. A null key cannot be ordered: readers divert such rows before they reach
 * the order ({@link #nullKey}). Schemas with maps are rejected because Avro defines no order on
 * maps.
 */
public final class RecordOrder implements Comparator<GenericRecord>, Serializable {
  private static final long serialVersionUID = 1L;

  private final String schemaJson;
  private final int[] keyPositions;
  private transient Schema schema;

  private RecordOrder(String schemaJson, int[] keyPositions) {
    this.schemaJson = schemaJson;
    this.keyPositions = keyPositions;
  }

  /** Orders records of {@code schema} by {@code sortKeys}, then by the whole record. */
  public static RecordOrder of(Schema schema, List<String> sortKeys) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("schema must be a record, not " + schema.getType());
    }
    if (sortKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one sort key is needed");
    }
    int[] positions = new int[sortKeys.size()];
    for (int i = 0; i < positions.length; i++) {
      Schema.Field f = schema.getField(sortKeys.get(i));
      if (f == null) {
        throw new IllegalArgumentException(
            "sort key '" + sortKeys.get(i) + "' is not a column of " + schema.getFullName());
      }
      Schema t = nonNull(f.schema());
      if (t == null || (t.getType() != Schema.Type.LONG && t.getType() != Schema.Type.INT)) {
        throw new IllegalArgumentException(
            "sort key '"
                + f.name()
                + "' has type "
                + f.schema()
                + "; sort keys must be integer (INT64 or INT32) columns");
      }
      positions[i] = f.pos();
    }
    checkOrderable(schema, schema.getFullName());
    return new RecordOrder(schema.toString(), positions);
  }

  /**
   * The type of a column without its nullability: {@code s} itself, or the one non-null branch of
   * a {@code ["null", T]} union; null for any other union.
   */
  static @Nullable Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    Schema only = null;
    for (Schema t : s.getTypes()) {
      if (t.getType() == Schema.Type.NULL) {
        continue;
      }
      if (only != null) {
        return null;
      }
      only = t;
    }
    return only;
  }

  /** The name of the first sort key that is null in {@code r}, or null when none is. */
  @Nullable String nullKey(GenericRecord r) {
    for (int p : keyPositions) {
      if (r.get(p) == null) {
        return r.getSchema().getFields().get(p).name();
      }
    }
    return null;
  }

  private static void checkOrderable(Schema s, String path) {
    switch (s.getType()) {
      case MAP:
        throw new IllegalArgumentException(
            path + " is a map; Avro defines no order on maps, so rows cannot be totally ordered");
      case RECORD:
        for (Schema.Field f : s.getFields()) {
          checkOrderable(f.schema(), path + "." + f.name());
        }
        break;
      case UNION:
        for (Schema t : s.getTypes()) {
          checkOrderable(t, path);
        }
        break;
      case ARRAY:
        checkOrderable(s.getElementType(), path + "[]");
        break;
      default:
        break;
    }
  }

  @Override
  public int compare(GenericRecord a, GenericRecord b) {
    for (int p : keyPositions) {
      int c = Long.compare(((Number) a.get(p)).longValue(), ((Number) b.get(p)).longValue());
      if (c != 0) {
        return c;
      }
    }
    if (schema == null) {
      schema = new Schema.Parser().parse(schemaJson);
    }
    return GenericData.get().compare(a, b, schema);
  }
}
