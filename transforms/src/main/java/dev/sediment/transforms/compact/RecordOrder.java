package dev.sediment.transforms.compact;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The total order compaction writes rows in: the sort keys (INT64 columns, e.g. {@code ts_event,
 * seq}) first, then the whole row as Avro orders it. Two rows compare equal only when every
 * column is equal, so the output order does not depend on input order and is deterministic.
 *
 * <p>Sort keys must be non-null {@code long} columns; schemas with maps are rejected because Avro
 * defines no order on maps.
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
      if (f.schema().getType() != Schema.Type.LONG) {
        throw new IllegalArgumentException(
            "sort key '"
                + f.name()
                + "' has type "
                + f.schema()
                + "; sort keys must be non-null long (INT64) columns");
      }
      positions[i] = f.pos();
    }
    checkOrderable(schema, schema.getFullName());
    return new RecordOrder(schema.toString(), positions);
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
      int c = Long.compare((Long) a.get(p), (Long) b.get(p));
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
