package dev.sediment.io.batch;

import java.io.Serializable;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One column of a {@link BatchSchema}: name, {@link ColumnType}, nullability and the type's
 * parameters (time unit and UTC adjustment, decimal precision and scale, list element type).
 * Immutable.
 */
public final class BatchField implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final ColumnType type;
  private final boolean nullable;
  private final @Nullable TimeUnit unit;
  private final boolean utc;
  private final int precision;
  private final int scale;
  private final @Nullable ColumnType elementType;

  private BatchField(
      String name,
      ColumnType type,
      boolean nullable,
      @Nullable TimeUnit unit,
      boolean utc,
      int precision,
      int scale,
      @Nullable ColumnType elementType) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a column needs a name");
    }
    this.name = name;
    this.type = Objects.requireNonNull(type, "type");
    this.nullable = nullable;
    this.unit = unit;
    this.utc = utc;
    this.precision = precision;
    this.scale = scale;
    this.elementType = elementType;
  }

  /** A column of a type without parameters (not TIMESTAMP, TIME, DECIMAL or LIST). */
  public static BatchField of(String name, ColumnType type, boolean nullable) {
    if (type == ColumnType.TIMESTAMP
        || type == ColumnType.TIME
        || type == ColumnType.DECIMAL
        || type == ColumnType.LIST) {
      throw new IllegalArgumentException(
          "column '" + name + "': " + type + " needs parameters; use the factory for it");
    }
    return new BatchField(name, type, nullable, null, false, 0, 0, null);
  }

  /** A TIMESTAMP column in {@code unit}s since the epoch; UTC-adjusted or local date-time. */
  public static BatchField timestamp(String name, TimeUnit unit, boolean utc, boolean nullable) {
    return new BatchField(
        name, ColumnType.TIMESTAMP, nullable, Objects.requireNonNull(unit, "unit"), utc, 0, 0, null);
  }

  /** A TIME column in {@code unit}s since midnight. */
  public static BatchField time(String name, TimeUnit unit, boolean nullable) {
    return new BatchField(
        name, ColumnType.TIME, nullable, Objects.requireNonNull(unit, "unit"), false, 0, 0, null);
  }

  /** A DECIMAL column; {@code 1 <= precision}, {@code 0 <= scale <= precision}. */
  public static BatchField decimal(String name, int precision, int scale, boolean nullable) {
    if (precision < 1 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException(
          "column '"
              + name
              + "': decimal("
              + precision
              + ", "
              + scale
              + ") needs 1 <= precision and 0 <= scale <= precision");
    }
    return new BatchField(name, ColumnType.DECIMAL, nullable, null, false, precision, scale, null);
  }

  /** A LIST column of non-null {@code elementType} values (INT32, INT64, FLOAT or DOUBLE). */
  public static BatchField list(String name, ColumnType elementType, boolean nullable) {
    if (elementType == null || !elementType.isListElement()) {
      throw new IllegalArgumentException(
          "column '" + name + "': lists hold INT32, INT64, FLOAT or DOUBLE, not " + elementType);
    }
    return new BatchField(name, ColumnType.LIST, nullable, null, false, 0, 0, elementType);
  }

  public String name() {
    return name;
  }

  public ColumnType type() {
    return type;
  }

  public boolean nullable() {
    return nullable;
  }

  /** The unit of a TIMESTAMP or TIME column. */
  public TimeUnit unit() {
    if (unit == null) {
      throw new IllegalStateException("column '" + name + "' of type " + type + " has no unit");
    }
    return unit;
  }

  /** For TIMESTAMP: true if values are instants (UTC-adjusted), false for local date-times. */
  public boolean utc() {
    return utc;
  }

  public int precision() {
    return precision;
  }

  public int scale() {
    return scale;
  }

  /** The element type of a LIST column. */
  public ColumnType elementType() {
    if (elementType == null) {
      throw new IllegalStateException("column '" + name + "' of type " + type + " is not a list");
    }
    return elementType;
  }

  /** This field with another nullability. */
  public BatchField withNullable(boolean nullable) {
    return nullable == this.nullable
        ? this
        : new BatchField(name, type, nullable, unit, utc, precision, scale, elementType);
  }

  /** This field under another name. */
  public BatchField withName(String name) {
    return new BatchField(name, type, nullable, unit, utc, precision, scale, elementType);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof BatchField)) {
      return false;
    }
    BatchField f = (BatchField) o;
    return name.equals(f.name)
        && type == f.type
        && nullable == f.nullable
        && unit == f.unit
        && utc == f.utc
        && precision == f.precision
        && scale == f.scale
        && elementType == f.elementType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, nullable, unit, utc, precision, scale, elementType);
  }

  /** For example {@code ts TIMESTAMP(MICROS, UTC) NOT NULL}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name).append(' ').append(type);
    if (type == ColumnType.TIMESTAMP) {
      b.append('(').append(unit).append(utc ? ", UTC" : ", local").append(')');
    } else if (type == ColumnType.TIME) {
      b.append('(').append(unit).append(')');
    } else if (type == ColumnType.DECIMAL) {
      b.append('(').append(precision).append(", ").append(scale).append(')');
    } else if (type == ColumnType.LIST) {
      b.append('<').append(elementType).append('>');
    }
    return nullable ? b.toString() : b.append(" NOT NULL").toString();
  }
}
