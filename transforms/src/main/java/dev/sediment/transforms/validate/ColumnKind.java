package dev.sediment.transforms.validate;

import dev.sediment.io.table.AvroTableSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.beam.sdk.schemas.Schema;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/** How the rules see a column's type. */
enum ColumnKind {
  STRING,
  INTEGRAL,
  FLOAT,
  DOUBLE,
  DECIMAL,
  BOOLEAN,
  /** Beam DATETIME, Avro date carried as DATETIME, or a Beam time logical type. */
  TIME,
  /** INT64 with Avro logical type timestamp-micros. */
  TS_MICROS,
  /** INT64 with Avro logical type timestamp-nanos. */
  TS_NANOS,
  BYTES,
  COLLECTION,
  MAP,
  OTHER;

  static ColumnKind of(Schema.Field field) {
    Schema.FieldType t = field.getType();
    switch (t.getTypeName()) {
      case STRING:
        return STRING;
      case BYTE:
      case INT16:
      case INT32:
        return INTEGRAL;
      case INT64:
        String logical = AvroTableSchema.logicalTypeOf(field);
        if ("timestamp-micros".equals(logical)) {
          return TS_MICROS;
        }
        if ("timestamp-nanos".equals(logical)) {
          return TS_NANOS;
        }
        return INTEGRAL;
      case FLOAT:
        return FLOAT;
      case DOUBLE:
        return DOUBLE;
      case DECIMAL:
        return DECIMAL;
      case BOOLEAN:
        return BOOLEAN;
      case DATETIME:
        return TIME;
      case BYTES:
        return BYTES;
      case ARRAY:
      case ITERABLE:
        return COLLECTION;
      case MAP:
        return MAP;
      case LOGICAL_TYPE:
        Schema.LogicalType<?, ?> lt = t.getLogicalType();
        Class<?> c = lt == null ? null : lt.getIdentifier() == null ? null : javaTypeOf(lt);
        if (c != null
            && (Instant.class.isAssignableFrom(c)
                || LocalDate.class.isAssignableFrom(c)
                || LocalDateTime.class.isAssignableFrom(c)
                || ReadableInstant.class.isAssignableFrom(c))) {
          return TIME;
        }
        return OTHER;
      default:
        return OTHER;
    }
  }

  private static @Nullable Class<?> javaTypeOf(Schema.LogicalType<?, ?> lt) {
    String id = lt.getIdentifier();
    if (id.contains("instant") || id.contains("timestamp")) {
      return Instant.class;
    }
    if (id.endsWith(":date:v1") || id.equals("beam:logical_type:date:v1")) {
      return LocalDate.class;
    }
    if (id.contains("datetime")) {
      return LocalDateTime.class;
    }
    return null;
  }

  boolean isNumeric() {
    return this == INTEGRAL || this == FLOAT || this == DOUBLE || this == DECIMAL;
  }

  boolean isTime() {
    return this == TIME || this == TS_MICROS || this == TS_NANOS;
  }

  boolean isOrderable() {
    return isNumeric() || isTime() || this == STRING;
  }

  /** A time value of a TIME column as nanoseconds since the epoch, or null if it is none. */
  static @Nullable Long epochNanos(Object v) {
    Instant i;
    if (v instanceof ReadableInstant) {
      return ((ReadableInstant) v).getMillis() * 1_000_000L;
    } else if (v instanceof Instant) {
      i = (Instant) v;
    } else if (v instanceof LocalDate) {
      i = ((LocalDate) v).atStartOfDay(ZoneOffset.UTC).toInstant();
    } else if (v instanceof LocalDateTime) {
      i = ((LocalDateTime) v).toInstant(ZoneOffset.UTC);
    } else {
      return null;
    }
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  /** A value of a time column of this kind as epoch nanoseconds. */
  long nanosOf(Object v) {
    if (this == TS_MICROS) {
      return Math.multiplyExact(((Number) v).longValue(), 1000L);
    }
    if (this == TS_NANOS) {
      return ((Number) v).longValue();
    }
    Long n = epochNanos(v);
    if (n == null) {
      throw new IllegalArgumentException("not a time value: " + v.getClass().getName());
    }
    return n;
  }

  static String isoOfNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }
}
