package dev.sediment.io.batch;

import dev.sediment.io.table.AvroTableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Converts between Beam {@link Row}s of a schema and {@link ColumnBatch}es, for library users who
 * work row by row ({@code Validate.against(rules)} on a {@code PCollection<Row>}) and for the
 * few places that need one row (a quarantined record).
 *
 * <p>Column types follow the Beam types Sediment's readers produce:
 *
 * <ul>
 *   <li>BYTE, INT16, INT32, INT64, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES as themselves;
 *   <li>DECIMAL as DECIMAL with the precision and scale of the field options {@link
 *       AvroTableSchema#DECIMAL_PRECISION_OPTION} and {@link AvroTableSchema#DECIMAL_SCALE_OPTION}
 *       (a DECIMAL field without them is refused, not guessed);
 *   <li>DATETIME as TIMESTAMP(MILLIS, UTC), or as DATE when the field carries the Avro logical
 *       type option {@code date}; INT64 with option {@code timestamp-micros} or {@code
 *       timestamp-nanos} as TIMESTAMP(MICROS|NANOS, UTC);
 *   <li>the logical types date ({@link LocalDate}), time ({@link LocalTime}, as TIME(MICROS)),
 *       datetime ({@link LocalDateTime}, as local TIMESTAMP(MICROS)) and micros_instant ({@link
 *       Instant}, as TIMESTAMP(MICROS, UTC));
 *   <li>ARRAY of non-null INT32, INT64, FLOAT or DOUBLE as LIST.
 * </ul>
 *
 * <p>Conversion is exact both ways; a time or local date-time finer than a microsecond is refused
 * with an {@link IllegalArgumentException} rather than truncated.
 */
public final class BatchRows {
  static final String DATE = "beam:logical_type:date:v1";
  static final String TIME = "beam:logical_type:time:v1";
  static final String LOCAL_DATETIME = "beam:logical_type:datetime:v1";
  static final String MICROS_INSTANT = "beam:logical_type:micros_instant:v1";

  private final Schema rowSchema;
  private final BatchSchema batchSchema;
  private final Kind[] kinds;

  /** How a Beam field's Java values map to vector values. */
  private enum Kind {
    BYTE, INT16, INT32, INT64, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES, DECIMAL,
    JODA_MILLIS, JODA_DATE, LOCAL_DATE, LOCAL_TIME, LOCAL_DATETIME, INSTANT_MICROS, LIST
  }

  private BatchRows(Schema rowSchema) {
    this.rowSchema = rowSchema;
    List<BatchField> fields = new ArrayList<>();
    kinds = new Kind[rowSchema.getFieldCount()];
    for (int i = 0; i < kinds.length; i++) {
      Schema.Field f = rowSchema.getField(i);
      String name = f.getName();
      FieldType t = f.getType();
      boolean nullable = Boolean.TRUE.equals(t.getNullable());
      String avroLogical = AvroTableSchema.logicalTypeOf(f);
      Kind k;
      BatchField bf;
      switch (t.getTypeName()) {
        case BYTE:
          k = Kind.BYTE;
          bf = BatchField.of(name, ColumnType.INT8, nullable);
          break;
        case INT16:
          k = Kind.INT16;
          bf = BatchField.of(name, ColumnType.INT16, nullable);
          break;
        case INT32:
          k = Kind.INT32;
          bf = BatchField.of(name, ColumnType.INT32, nullable);
          break;
        case INT64:
          k = Kind.INT64;
          if ("timestamp-micros".equals(avroLogical)) {
            bf = BatchField.timestamp(name, TimeUnit.MICROS, true, nullable);
          } else if (AvroTableSchema.TIMESTAMP_NANOS.equals(avroLogical)) {
            bf = BatchField.timestamp(name, TimeUnit.NANOS, true, nullable);
          } else {
            bf = BatchField.of(name, ColumnType.INT64, nullable);
          }
          break;
        case FLOAT:
          k = Kind.FLOAT;
          bf = BatchField.of(name, ColumnType.FLOAT, nullable);
          break;
        case DOUBLE:
          k = Kind.DOUBLE;
          bf = BatchField.of(name, ColumnType.DOUBLE, nullable);
          break;
        case BOOLEAN:
          k = Kind.BOOLEAN;
          bf = BatchField.of(name, ColumnType.BOOLEAN, nullable);
          break;
        case STRING:
          k = Kind.STRING;
          bf = BatchField.of(name, ColumnType.STRING, nullable);
          break;
        case BYTES:
          k = Kind.BYTES;
          bf = BatchField.of(name, ColumnType.BYTES, nullable);
          break;
        case DECIMAL:
          Integer precision = AvroTableSchema.decimalPrecision(f);
          Integer scale = AvroTableSchema.decimalScale(f);
          if (precision == null || scale == null) {
            throw new IllegalArgumentException(
                "column '" + name + "' is a DECIMAL without precision and scale; a column batch"
                    + " needs both (field options " + AvroTableSchema.DECIMAL_PRECISION_OPTION
                    + " and " + AvroTableSchema.DECIMAL_SCALE_OPTION + ")");
          }
          k = Kind.DECIMAL;
          bf = BatchField.decimal(name, precision, scale, nullable);
          break;
        case DATETIME:
          if ("date".equals(avroLogical)) {
            k = Kind.JODA_DATE;
            bf = BatchField.of(name, ColumnType.DATE, nullable);
          } else {
            k = Kind.JODA_MILLIS;
            bf = BatchField.timestamp(name, TimeUnit.MILLIS, true, nullable);
          }
          break;
        case LOGICAL_TYPE:
          String id = t.getLogicalType().getIdentifier();
          if (DATE.equals(id)) {
            k = Kind.LOCAL_DATE;
            bf = BatchField.of(name, ColumnType.DATE, nullable);
          } else if (TIME.equals(id)) {
            k = Kind.LOCAL_TIME;
            bf = BatchField.time(name, TimeUnit.MICROS, nullable);
          } else if (LOCAL_DATETIME.equals(id)) {
            k = Kind.LOCAL_DATETIME;
            bf = BatchField.timestamp(name, TimeUnit.MICROS, false, nullable);
          } else if (MICROS_INSTANT.equals(id)) {
            k = Kind.INSTANT_MICROS;
            bf = BatchField.timestamp(name, TimeUnit.MICROS, true, nullable);
          } else {
            throw unsupported(f);
          }
          break;
        case ARRAY:
          FieldType e = t.getCollectionElementType();
          if (e == null || Boolean.TRUE.equals(e.getNullable())) {
            throw unsupported(f);
          }
          ColumnType et;
          switch (e.getTypeName()) {
            case INT32:
              et = ColumnType.INT32;
              break;
            case INT64:
              et = ColumnType.INT64;
              break;
            case FLOAT:
              et = ColumnType.FLOAT;
              break;
            case DOUBLE:
              et = ColumnType.DOUBLE;
              break;
            default:
              throw unsupported(f);
          }
          k = Kind.LIST;
          bf = BatchField.list(name, et, nullable);
          break;
        default:
          throw unsupported(f);
      }
      kinds[i] = k;
      fields.add(bf);
    }
    batchSchema = BatchSchema.of(fields);
  }

  private static IllegalArgumentException unsupported(Schema.Field f) {
    return new IllegalArgumentException(
        "column '" + f.getName() + "' has type " + f.getType() + ", which a column batch cannot"
            + " hold; use a primitive, decimal, date, time or timestamp type, or an array of"
            + " non-null numbers");
  }

  /** The converter for rows of {@code schema}; an {@link IllegalArgumentException} if a type cannot be held. */
  public static BatchRows of(Schema schema) {
    return new BatchRows(schema);
  }

  public Schema rowSchema() {
    return rowSchema;
  }

  public BatchSchema batchSchema() {
    return batchSchema;
  }

  /** A batch of {@code rows}, all from {@code source}, at row indexes 0, 1, ... */
  public ColumnBatch toBatch(List<Row> rows, String source) {
    ColumnBatch.Builder b = ColumnBatch.builder(batchSchema, Math.max(1, rows.size()), Long.MAX_VALUE);
    b.source(source);
    long index = 0;
    for (Row r : rows) {
      append(b, r);
      b.endRow(index++, -1, -1);
    }
    return b.build();
  }

  /** Appends the values of {@code row} to the column builders of {@code b} (then call endRow). */
  public void append(ColumnBatch.Builder b, Row row) {
    for (int c = 0; c < kinds.length; c++) {
      Object v = row.getValue(c);
      ColumnVector.Builder col = b.column(c);
      if (v == null) {
        col.appendNull();
        continue;
      }
      switch (kinds[c]) {
        case BYTE:
          ((IntColumn.Builder) col).append((Byte) v);
          break;
        case INT16:
          ((IntColumn.Builder) col).append((Short) v);
          break;
        case INT32:
          ((IntColumn.Builder) col).append((Integer) v);
          break;
        case INT64:
          ((LongColumn.Builder) col).append((Long) v);
          break;
        case FLOAT:
          ((FloatColumn.Builder) col).append((Float) v);
          break;
        case DOUBLE:
          ((DoubleColumn.Builder) col).append((Double) v);
          break;
        case BOOLEAN:
          ((BooleanColumn.Builder) col).append((Boolean) v);
          break;
        case STRING:
          ((BinaryColumn.Builder) col).appendString((String) v);
          break;
        case BYTES:
          ((BinaryColumn.Builder) col).append((byte[]) v);
          break;
        case DECIMAL:
          BatchField f = batchSchema.field(c);
          BigDecimal d = (BigDecimal) v;
          if (d.scale() != f.scale()) {
            d = d.setScale(f.scale(), java.math.RoundingMode.UNNECESSARY);
          }
          ((BinaryColumn.Builder) col).append(d.unscaledValue().toByteArray());
          break;
        case JODA_MILLIS:
          ((LongColumn.Builder) col).append(((org.joda.time.ReadableInstant) v).getMillis());
          break;
        case JODA_DATE:
          long ms = ((org.joda.time.ReadableInstant) v).getMillis();
          ((IntColumn.Builder) col).append(Math.toIntExact(Math.floorDiv(ms, 86_400_000L)));
          break;
        case LOCAL_DATE:
          ((IntColumn.Builder) col).append(Math.toIntExact(((LocalDate) v).toEpochDay()));
          break;
        case LOCAL_TIME:
          long nanos = ((LocalTime) v).toNanoOfDay();
          ((LongColumn.Builder) col).append(micros(batchSchema.field(c), nanos, v));
          break;
        case LOCAL_DATETIME:
          Instant at = ((LocalDateTime) v).toInstant(ZoneOffset.UTC);
          ((LongColumn.Builder) col).append(instantMicros(batchSchema.field(c), at, v));
          break;
        case INSTANT_MICROS:
          ((LongColumn.Builder) col).append(instantMicros(batchSchema.field(c), (Instant) v, v));
          break;
        case LIST:
          appendList((ListColumn.Builder) col, batchSchema.field(c).elementType(), (Iterable<?>) v);
          break;
      }
    }
  }

  private static long micros(BatchField f, long nanos, Object v) {
    if (nanos % 1_000 != 0) {
      throw new IllegalArgumentException(
          "column '" + f.name() + "': " + v + " is finer than a microsecond");
    }
    return nanos / 1_000;
  }

  private static long instantMicros(BatchField f, Instant i, Object v) {
    if (i.getNano() % 1_000 != 0) {
      throw new IllegalArgumentException(
          "column '" + f.name() + "': " + v + " is finer than a microsecond");
    }
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  private static void appendList(ListColumn.Builder b, ColumnType et, Iterable<?> values) {
    List<Object> list = new ArrayList<>();
    values.forEach(list::add);
    int n = list.size();
    switch (et) {
      case INT32:
        int[] ints = new int[n];
        for (int i = 0; i < n; i++) {
          ints[i] = (Integer) list.get(i);
        }
        b.appendInts(ints, 0, n);
        break;
      case INT64:
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
          longs[i] = (Long) list.get(i);
        }
        b.appendLongs(longs, 0, n);
        break;
      case FLOAT:
        float[] floats = new float[n];
        for (int i = 0; i < n; i++) {
          floats[i] = (Float) list.get(i);
        }
        b.appendFloats(floats, 0, n);
        break;
      default:
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
          doubles[i] = (Double) list.get(i);
        }
        b.appendDoubles(doubles, 0, n);
        break;
    }
  }

  /** Row {@code i} of {@code batch} (which must have {@link #batchSchema()}). */
  public Row toRow(ColumnBatch batch, int i) {
    Object[] values = new Object[kinds.length];
    for (int c = 0; c < kinds.length; c++) {
      values[c] = value(batch.column(c), c, i);
    }
    return Row.withSchema(rowSchema).attachValues(values);
  }

  /** Every row of {@code batch}, in order. */
  public List<Row> toRows(ColumnBatch batch) {
    List<Row> out = new ArrayList<>(batch.rowCount());
    for (int i = 0; i < batch.rowCount(); i++) {
      out.add(toRow(batch, i));
    }
    return out;
  }

  /** The value of column {@code c} in row {@code i} of {@code batch} as a {@link Row} holds it. */
  public @Nullable Object value(ColumnBatch batch, int c, int i) {
    return value(batch.column(c), c, i);
  }

  private @Nullable Object value(ColumnVector v, int c, int i) {
    if (v.isNull(i)) {
      return null;
    }
    switch (kinds[c]) {
      case BYTE:
        return (byte) ((IntColumn) v).get(i);
      case INT16:
        return (short) ((IntColumn) v).get(i);
      case INT32:
        return ((IntColumn) v).get(i);
      case INT64:
        return ((LongColumn) v).get(i);
      case FLOAT:
        return ((FloatColumn) v).get(i);
      case DOUBLE:
        return ((DoubleColumn) v).get(i);
      case BOOLEAN:
        return ((BooleanColumn) v).get(i);
      case STRING:
        return ((BinaryColumn) v).getString(i);
      case BYTES:
        return ((BinaryColumn) v).getBytes(i);
      case DECIMAL:
        return new BigDecimal(new BigInteger(((BinaryColumn) v).getBytes(i)), batchSchema.field(c).scale());
      case JODA_MILLIS:
        return new org.joda.time.Instant(((LongColumn) v).get(i));
      case JODA_DATE:
        return new org.joda.time.Instant(((IntColumn) v).get(i) * 86_400_000L);
      case LOCAL_DATE:
        return LocalDate.ofEpochDay(((IntColumn) v).get(i));
      case LOCAL_TIME:
        return LocalTime.ofNanoOfDay(((LongColumn) v).get(i) * 1_000L);
      case LOCAL_DATETIME:
        return LocalDateTime.ofEpochSecond(
            Math.floorDiv(((LongColumn) v).get(i), 1_000_000L),
            (int) Math.floorMod(((LongColumn) v).get(i), 1_000_000L) * 1_000,
            ZoneOffset.UTC);
      case INSTANT_MICROS:
        long us = ((LongColumn) v).get(i);
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
      case LIST:
        ListColumn l = (ListColumn) v;
        ColumnVector e = l.elements();
        List<Object> out = new ArrayList<>(l.length(i));
        for (int k = l.start(i); k < l.start(i) + l.length(i); k++) {
          if (e instanceof IntColumn) {
            out.add(((IntColumn) e).get(k));
          } else if (e instanceof LongColumn) {
            out.add(((LongColumn) e).get(k));
          } else if (e instanceof FloatColumn) {
            out.add(((FloatColumn) e).get(k));
          } else {
            out.add(((DoubleColumn) e).get(k));
          }
        }
        return out;
    }
    throw new IllegalStateException("unreachable");
  }
}
