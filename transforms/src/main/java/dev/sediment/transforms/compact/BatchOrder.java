package dev.sediment.transforms.compact;

import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link RecordOrder} over rows of {@link ColumnBatch}es: the sort keys, then every column as
 * Avro's {@code GenericData.compare} orders the record (field order ASCENDING, DESCENDING or
 * IGNORE; a null before or after a value as its union branch says; strings as unsigned bytes,
 * bytes as signed ones, as Avro's {@code Utf8} and {@code ByteBuffer} compare them). So a merge
 * over batches puts rows in exactly the order a merge over records does, and writes the same
 * bytes.
 *
 * <p>Only flat rows are ordered here: every column an Avro {@code int}, {@code long}, {@code
 * float}, {@code double}, {@code boolean}, {@code string} or {@code bytes} (alone or in a union
 * with null), stored in the spool files as the matching Parquet primitive. {@link #of} returns
 * null for any other schema, and the compactor keeps its record path for it.
 */
final class BatchOrder {
  enum Kind {
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    BOOLEAN,
    STRING,
    BYTES
  }

  private final Schema schema;
  private final String[] names;
  private final Kind[] kinds;
  private final boolean[] nullable;
  /** Per column: 1 ascending, -1 descending, 0 ignored. */
  private final int[] sign;
  /** Per column: whether null is the union's first branch (sorts before every value). */
  private final boolean[] nullFirst;
  private final int[] keys;
  /** Columns compared after the keys, in schema order, keys left out (they are equal by then). */
  private final int[] rest;
  /** The STRING and BYTES columns. */
  private final int[] binary;

  private BatchOrder(Schema schema, Kind[] kinds, boolean[] nullable, int[] sign, boolean[] nullFirst, int[] keys) {
    this.schema = schema;
    this.kinds = kinds;
    this.nullable = nullable;
    this.sign = sign;
    this.nullFirst = nullFirst;
    this.keys = keys;
    this.names = new String[kinds.length];
    int[] r = new int[kinds.length];
    int n = 0;
    for (int c = 0; c < kinds.length; c++) {
      names[c] = schema.getFields().get(c).name();
      boolean isKey = false;
      for (int k : keys) {
        isKey |= k == c;
      }
      if (!isKey && sign[c] != 0) {
        r[n++] = c;
      }
    }
    this.rest = Arrays.copyOf(r, n);
    int b = 0;
    int[] bs = new int[kinds.length];
    for (int c = 0; c < kinds.length; c++) {
      if (kinds[c] == Kind.STRING || kinds[c] == Kind.BYTES) {
        bs[b++] = c;
      }
    }
    this.binary = Arrays.copyOf(bs, b);
  }

  /**
   * The order of rows of {@code schema} by {@code sortKeys} when every column is flat and every
   * file's Parquet schema in {@code files} stores it as the matching primitive; else null.
   */
  static @Nullable BatchOrder of(Schema schema, List<String> sortKeys, List<MessageType> files) {
    if (schema.getType() != Schema.Type.RECORD) {
      return null;
    }
    List<Schema.Field> fields = schema.getFields();
    int n = fields.size();
    Kind[] kinds = new Kind[n];
    boolean[] nullable = new boolean[n];
    int[] sign = new int[n];
    boolean[] nullFirst = new boolean[n];
    for (int c = 0; c < n; c++) {
      Schema.Field f = fields.get(c);
      Schema s = f.schema();
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes();
        if (branches.size() != 2) {
          return null;
        }
        int nullAt = branches.get(0).getType() == Schema.Type.NULL ? 0 : branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
        if (nullAt < 0) {
          return null;
        }
        nullable[c] = true;
        nullFirst[c] = nullAt == 0;
        s = branches.get(1 - nullAt);
      }
      Kind k = kind(s);
      if (k == null) {
        return null;
      }
      kinds[c] = k;
      sign[c] =
          f.order() == Schema.Field.Order.IGNORE ? 0 : f.order() == Schema.Field.Order.DESCENDING ? -1 : 1;
    }
    int[] keys = new int[sortKeys.size()];
    for (int i = 0; i < keys.length; i++) {
      Schema.Field f = schema.getField(sortKeys.get(i));
      if (f == null || (kinds[f.pos()] != Kind.LONG && kinds[f.pos()] != Kind.INT)) {
        return null;
      }
      keys[i] = f.pos();
    }
    for (MessageType m : files) {
      if (m.getFieldCount() != n) {
        return null;
      }
      for (int c = 0; c < n; c++) {
        Type t = m.getType(c);
        if (!t.getName().equals(fields.get(c).name())
            || !t.isPrimitive()
            || t.isRepetition(Type.Repetition.REPEATED)
            || !stores(t.asPrimitiveType(), kinds[c])) {
          return null;
        }
      }
    }
    return new BatchOrder(schema, kinds, nullable, sign, nullFirst, keys);
  }

  private static @Nullable Kind kind(Schema s) {
    LogicalType lt = s.getLogicalType();
    String name = lt == null ? null : lt.getName();
    switch (s.getType()) {
      case INT:
        return name == null || name.equals("date") ? Kind.INT : null;
      case LONG:
        return name == null || name.startsWith("timestamp-") || name.startsWith("local-timestamp-")
            ? Kind.LONG
            : null;
      case FLOAT:
        return name == null ? Kind.FLOAT : null;
      case DOUBLE:
        return name == null ? Kind.DOUBLE : null;
      case BOOLEAN:
        return name == null ? Kind.BOOLEAN : null;
      case STRING:
        return name == null ? Kind.STRING : null;
      case BYTES:
        return name == null ? Kind.BYTES : null;
      default:
        return null;
    }
  }

  /** Whether the batch reader decodes {@code p} into the vector {@code k} is compared on. */
  private static boolean stores(PrimitiveType p, Kind k) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    switch (p.getPrimitiveTypeName()) {
      case INT32:
        return k == Kind.INT
            && (a == null
                || a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
                || (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                    && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).isSigned()));
      case INT64:
        return k == Kind.LONG
            && (a == null
                || a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                || (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                    && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).isSigned()));
      case FLOAT:
        return k == Kind.FLOAT && a == null;
      case DOUBLE:
        return k == Kind.DOUBLE && a == null;
      case BOOLEAN:
        return k == Kind.BOOLEAN && a == null;
      case BINARY:
        return (k == Kind.STRING
                && (a == null || a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation))
            || (k == Kind.BYTES && a == null);
      default:
        return false;
    }
  }

  Schema schema() {
    return schema;
  }

  int columns() {
    return kinds.length;
  }

  Kind kind(int c) {
    return kinds[c];
  }

  String name(int c) {
    return names[c];
  }

  boolean nullable(int c) {
    return nullable[c];
  }

  /** The STRING and BYTES columns, in schema order. */
  int[] binaryColumns() {
    return binary;
  }

  int[] keys() {
    return keys;
  }

  /** Sort key {@code k} of row {@code i}, as a long (never null here). */
  long key(ColumnBatch b, int k, int i) {
    ColumnVector v = b.column(keys[k]);
    return v instanceof LongColumn ? ((LongColumn) v).values()[i] : ((IntColumn) v).values()[i];
  }

  /** Sort key {@code k} of every row of {@code b}, as longs. */
  long[] keyValues(ColumnBatch b, int k) {
    ColumnVector v = b.column(keys[k]);
    int n = b.rowCount();
    if (v instanceof LongColumn) {
      return ((LongColumn) v).values();
    }
    int[] a = ((IntColumn) v).values();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = a[i];
    }
    return out;
  }

  /** The name of the first sort key that is null in row {@code i}, or null when none is. */
  @Nullable String nullKey(ColumnBatch b, int i) {
    for (int k : keys) {
      if (b.column(k).isNull(i)) {
        return names[k];
      }
    }
    return null;
  }

  /** Whether some row of {@code b} has a null sort key. */
  boolean anyNullKey(ColumnBatch b) {
    for (int k : keys) {
      if (b.column(k).hasNulls()) {
        return true;
      }
    }
    return false;
  }

  /** {@link RecordOrder#compare} of row {@code i} of {@code a} and row {@code j} of {@code b}. */
  int compare(ColumnBatch a, int i, ColumnBatch b, int j) {
    for (int k = 0; k < keys.length; k++) {
      int c = Long.compare(key(a, k, i), key(b, k, j));
      if (c != 0) {
        return c;
      }
    }
    return compareRest(a, i, b, j);
  }

  /** The order of two rows whose sort keys are equal. */
  int compareRest(ColumnBatch a, int i, ColumnBatch b, int j) {
    for (int c : rest) {
      int r = compareColumn(c, a.column(c), i, b.column(c), j);
      if (r != 0) {
        return sign[c] * r;
      }
    }
    return 0;
  }

  private int compareColumn(int c, ColumnVector x, int i, ColumnVector y, int j) {
    if (nullable[c]) {
      boolean nx = x.isNull(i);
      boolean ny = y.isNull(j);
      if (nx || ny) {
        if (nx && ny) {
          return 0;
        }
        // Avro compares union branch indexes first.
        return nx == nullFirst[c] ? -1 : 1;
      }
    }
    switch (kinds[c]) {
      case INT:
        return Integer.compare(((IntColumn) x).values()[i], ((IntColumn) y).values()[j]);
      case LONG:
        return Long.compare(((LongColumn) x).values()[i], ((LongColumn) y).values()[j]);
      case FLOAT:
        return Float.compare(((FloatColumn) x).values()[i], ((FloatColumn) y).values()[j]);
      case DOUBLE:
        return Double.compare(((DoubleColumn) x).values()[i], ((DoubleColumn) y).values()[j]);
      case BOOLEAN:
        return Boolean.compare(((BooleanColumn) x).get(i), ((BooleanColumn) y).get(j));
      case STRING:
        return ((BinaryColumn) x).compare(i, (BinaryColumn) y, j);
      default:
        {
          BinaryColumn bx = (BinaryColumn) x;
          BinaryColumn by = (BinaryColumn) y;
          // ByteBuffer.compareTo: signed bytes, then length.
          return Arrays.compare(
              bx.data(), bx.start(i), bx.start(i) + bx.length(i),
              by.data(), by.start(j), by.start(j) + by.length(j));
        }
    }
  }

  /** Row {@code i} of {@code b} as an Avro record of {@link #schema()}, as parquet-avro reads it. */
  GenericRecord toRecord(ColumnBatch b, int i) {
    GenericData.Record r = new GenericData.Record(schema);
    for (int c = 0; c < kinds.length; c++) {
      ColumnVector v = b.column(c);
      if (v.isNull(i)) {
        continue;
      }
      switch (kinds[c]) {
        case INT:
          r.put(c, ((IntColumn) v).values()[i]);
          break;
        case LONG:
          r.put(c, ((LongColumn) v).values()[i]);
          break;
        case FLOAT:
          r.put(c, ((FloatColumn) v).values()[i]);
          break;
        case DOUBLE:
          r.put(c, ((DoubleColumn) v).values()[i]);
          break;
        case BOOLEAN:
          r.put(c, ((BooleanColumn) v).get(i));
          break;
        case STRING:
          r.put(c, new Utf8(((BinaryColumn) v).getBytes(i)));
          break;
        default:
          r.put(c, ByteBuffer.wrap(((BinaryColumn) v).getBytes(i)));
          break;
      }
    }
    return r;
  }
}
