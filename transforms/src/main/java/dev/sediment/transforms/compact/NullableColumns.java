package dev.sediment.transforms.compact;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * Spool files that differ only in the nullability of their columns belong together: pyarrow,
 * DuckDB, Spark and polars write every column OPTIONAL (an Avro {@code ["null", T]} union), other
 * writers REQUIRED. Files are grouped by their {@link #key} (the columns, with every top-level
 * column made non-null, under one record name: a file without an Avro schema is named after its
 * writer's Parquet message, e.g. {@code duckdb_schema}), and the partition's schema is {@link
 * #merge}: a column is nullable if it is nullable in any file.
 */
final class NullableColumns {
  private NullableColumns() {}

  /** What files that belong together share: their {@link #shape} under the record name "row". */
  static String key(Schema schema) {
    Schema shape = shape(schema);
    if (shape.getType() != Schema.Type.RECORD) {
      return shape.toString();
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : shape.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord("row", null, null, false, fields).toString();
  }

  /** {@code schema} with each top-level {@code ["null", T]} column replaced by {@code T}. */
  static Schema shape(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD || nullable(schema).isEmpty()) {
      return schema;
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      Schema t = isNullable(f.schema()) ? RecordOrder.nonNull(f.schema()) : f.schema();
      fields.add(
          isNullable(f.schema())
              ? new Schema.Field(f.name(), t, f.doc(), (Object) null, f.order())
              : new Schema.Field(f, f.schema()));
    }
    return copy(schema, fields);
  }

  /**
   * The schema of files of one {@link #key}: the schema itself when they all have the same one
   * (so a spool of one writer compacts exactly as before), otherwise the shape of the one whose
   * text is smallest with {@code ["null", T]} (default null) for every column nullable in any of
   * them. The result depends only on the set of schemas, not on their order.
   */
  static Schema merge(List<Schema> schemas) {
    Schema first = schemas.get(0);
    for (Schema s : schemas) {
      if (s.toString().compareTo(first.toString()) < 0) {
        first = s;
      }
    }
    boolean same = true;
    Set<String> nullable = new HashSet<>();
    for (Schema s : schemas) {
      same &= s.toString().equals(first.toString());
      nullable.addAll(nullable(s));
    }
    if (same) {
      return first;
    }
    Schema shape = shape(first);
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : shape.getFields()) {
      fields.add(
          nullable.contains(f.name())
              ? new Schema.Field(
                  f.name(),
                  Schema.createUnion(Schema.create(Schema.Type.NULL), f.schema()),
                  f.doc(),
                  JsonProperties.NULL_VALUE,
                  f.order())
              : new Schema.Field(f, f.schema()));
    }
    return copy(shape, fields);
  }

  private static Set<String> nullable(Schema s) {
    Set<String> out = new HashSet<>();
    if (s.getType() == Schema.Type.RECORD) {
      for (Schema.Field f : s.getFields()) {
        if (isNullable(f.schema())) {
          out.add(f.name());
        }
      }
    }
    return out;
  }

  private static boolean isNullable(Schema s) {
    if (s.getType() != Schema.Type.UNION || RecordOrder.nonNull(s) == null) {
      return false;
    }
    for (Schema t : s.getTypes()) {
      if (t.getType() == Schema.Type.NULL) {
        return true;
      }
    }
    return false;
  }

  private static Schema copy(Schema record, List<Schema.Field> fields) {
    Schema out =
        Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(), fields);
    record.getObjectProps().forEach(out::addProp);
    for (String alias : record.getAliases()) {
      out.addAlias(alias);
    }
    return out;
  }
}
