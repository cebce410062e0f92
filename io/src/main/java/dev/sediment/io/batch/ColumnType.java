package dev.sediment.io.batch;

/**
 * The logical type of a batch column, and the vector class that stores it.
 *
 * <table>
 *   <caption>Storage</caption>
 *   <tr><th>type</th><th>vector</th><th>value</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@link BooleanColumn}</td><td></td></tr>
 *   <tr><td>INT8, INT16, INT32</td><td>{@link IntColumn}</td><td>the integer</td></tr>
 *   <tr><td>DATE</td><td>{@link IntColumn}</td><td>days since 1970-01-01</td></tr>
 *   <tr><td>INT64</td><td>{@link LongColumn}</td><td>the integer</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link LongColumn}</td><td>{@link BatchField#unit()}s since the
 *       epoch (UTC when {@link BatchField#utc()}, else local date-time)</td></tr>
 *   <tr><td>TIME</td><td>{@link LongColumn}</td><td>{@link BatchField#unit()}s since
 *       midnight</td></tr>
 *   <tr><td>FLOAT</td><td>{@link FloatColumn}</td><td></td></tr>
 *   <tr><td>DOUBLE</td><td>{@link DoubleColumn}</td><td></td></tr>
 *   <tr><td>STRING</td><td>{@link BinaryColumn}</td><td>UTF-8 bytes</td></tr>
 *   <tr><td>BYTES</td><td>{@link BinaryColumn}</td><td>the bytes</td></tr>
 *   <tr><td>DECIMAL</td><td>{@link BinaryColumn}</td><td>the unscaled value, big-endian two's
 *       complement (as Parquet stores it); {@link BatchField#precision()} and {@link
 *       BatchField#scale()} give the rest</td></tr>
 *   <tr><td>LIST</td><td>{@link ListColumn}</td><td>a list of {@link BatchField#elementType()}
 *       (INT32, INT64, FLOAT or DOUBLE; elements are never null)</td></tr>
 * </table>
 */
public enum ColumnType {
  BOOLEAN,
  INT8,
  INT16,
  INT32,
  DATE,
  INT64,
  TIMESTAMP,
  TIME,
  FLOAT,
  DOUBLE,
  STRING,
  BYTES,
  DECIMAL,
  LIST;

  /** True for the types stored in an {@link IntColumn}. */
  public boolean isIntStored() {
    return this == INT8 || this == INT16 || this == INT32 || this == DATE;
  }

  /** True for the types stored in a {@link LongColumn}. */
  public boolean isLongStored() {
    return this == INT64 || this == TIMESTAMP || this == TIME;
  }

  /** True for the types stored in a {@link BinaryColumn}. */
  public boolean isBinaryStored() {
    return this == STRING || this == BYTES || this == DECIMAL;
  }

  /** True for the element types a {@link ListColumn} may hold. */
  public boolean isListElement() {
    return this == INT32 || this == INT64 || this == FLOAT || this == DOUBLE;
  }
}
