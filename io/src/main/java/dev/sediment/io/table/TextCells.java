package dev.sediment.io.table;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.ErrorType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Appends text cells (CSV fields, JSON strings) to the column builders of a batch with the exact
 * outcome of {@link ValueConverter#fromText}, without a {@code String} or boxed value per cell for
 * the common forms: ASCII integers, decimal numbers that {@code double}/{@code float} arithmetic
 * gives exactly (Clinger's fast path), {@code true}/{@code false}, dates {@code 2026-02-03} and
 * UTC timestamps {@code 2026-02-03T14:30:00.123Z}, and strings as their UTF-8 bytes.
 *
 * <p>A fast path only ever accepts text that {@link ValueConverter} turns into the very same value;
 * anything else (other forms, values out of range, errors) is declined ({@code false}) and the
 * caller converts that cell with {@link ValueConverter} itself, so every refusal keeps its type and
 * message. Values {@link ValueConverter} returns are appended with {@link #appendValue} in the
 * layout {@link BatchRows} uses for the schema.
 */
final class TextCells {
  /** How a column's text is parsed on the fast path. */
  enum Kind {
    STRING,
    INT8,
    INT16,
    INT32,
    INT64,
    /** INT64 with Avro logical type timestamp-micros: an integer or an ISO-8601 instant. */
    TS_MICROS,
    /** INT64 with Avro logical type timestamp-nanos. */
    TS_NANOS,
    FLOAT,
    DOUBLE,
    BOOLEAN,
    /** DATETIME (Avro timestamp-millis): an ISO-8601 instant, stored as millis. */
    MILLIS,
    /** DATETIME with Avro logical type date: {@code YYYY-MM-DD}, stored as days. */
    AVRO_DATE,
    /** Decimals and Beam logical types: always through {@link ValueConverter}. */
    OTHER
  }

  private static final double[] POW10 = new double[23];
  private static final float[] POW10F = new float[11];

  static {
    double d = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = d;
      d *= 10;
    }
    float f = 1;
    for (int i = 0; i < POW10F.length; i++) {
      POW10F[i] = f;
      f *= 10;
    }
  }

  private final Schema schema;
  private final BatchSchema batchSchema;
  private final Kind[] kinds;

  // Results of the fast parsers (no allocation per cell).
  private long longValue;
  private double doubleValue;
  private float floatValue;
  private long epochSecond;
  private int nanos;

  TextCells(Schema schema) {
    this.schema = schema;
    this.batchSchema = BatchRows.of(schema).batchSchema();
    kinds = new Kind[schema.getFieldCount()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = kindOf(schema.getField(i));
    }
  }

  private static Kind kindOf(Schema.Field f) {
    String avro = AvroTableSchema.logicalTypeOf(f);
    TypeName t = f.getType().getTypeName();
    if (avro != null) {
      if (t == TypeName.INT64 && "timestamp-micros".equals(avro)) {
        return Kind.TS_MICROS;
      }
      if (t == TypeName.INT64 && AvroTableSchema.TIMESTAMP_NANOS.equals(avro)) {
        return Kind.TS_NANOS;
      }
      if (t == TypeName.DATETIME && "date".equals(avro)) {
        return Kind.AVRO_DATE;
      }
      return Kind.OTHER;
    }
    switch (t) {
      case STRING:
        return Kind.STRING;
      case BYTE:
        return Kind.INT8;
      case INT16:
        return Kind.INT16;
      case INT32:
        return Kind.INT32;
      case INT64:
        return Kind.INT64;
      case FLOAT:
        return Kind.FLOAT;
      case DOUBLE:
        return Kind.DOUBLE;
      case BOOLEAN:
        return Kind.BOOLEAN;
      case DATETIME:
        return Kind.MILLIS;
      default:
        return Kind.OTHER;
    }
  }

  BatchSchema batchSchema() {
    return batchSchema;
  }

  Kind kind(int c) {
    return kinds[c];
  }

  Schema.Field field(int c) {
    return schema.getField(c);
  }

  /**
   * Appends the non-empty cell {@code b[from, to)} (valid UTF-8) to column {@code c} if a fast path
   * covers it; false (nothing appended) otherwise.
   */
  boolean text(ColumnVector.Builder col, int c, byte[] b, int from, int to) {
    Kind k = kinds[c];
    if (k == Kind.STRING) {
      ((BinaryColumn.Builder) col).append(b, from, to - from);
      return true;
    }
    if (k == Kind.OTHER) {
      return false;
    }
    // Every other type is trimmed of spaces and tabs first.
    while (from < to && (b[from] == ' ' || b[from] == '\t')) {
      from++;
    }
    while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    if (from == to) {
      return false;
    }
    switch (k) {
      case INT8:
        return parseLong(b, from, to, Byte.MIN_VALUE, Byte.MAX_VALUE)
            && appendInt(col, (int) longValue);
      case INT16:
        return parseLong(b, from, to, Short.MIN_VALUE, Short.MAX_VALUE)
            && appendInt(col, (int) longValue);
      case INT32:
        return parseLong(b, from, to, Integer.MIN_VALUE, Integer.MAX_VALUE)
            && appendInt(col, (int) longValue);
      case INT64:
        return parseLong(b, from, to, Long.MIN_VALUE, Long.MAX_VALUE) && appendLong(col, longValue);
      case TS_MICROS:
      case TS_NANOS:
        if (parseLong(b, from, to, Long.MIN_VALUE, Long.MAX_VALUE)) {
          return appendLong(col, longValue);
        }
        if (!parseInstant(b, from, to)) {
          return false;
        }
        if (k == Kind.TS_MICROS) {
          return nanos % 1_000 == 0 && appendLong(col, epochSecond * 1_000_000L + nanos / 1_000);
        }
        if (epochSecond < -9_223_372_035L || epochSecond > 9_223_372_035L) {
          return false; // beyond a long of nanoseconds: ValueConverter says VALUE_OUT_OF_RANGE
        }
        return appendLong(col, epochSecond * 1_000_000_000L + nanos);
      case MILLIS:
        return parseInstant(b, from, to)
            && nanos % 1_000_000 == 0
            && appendLong(col, epochSecond * 1_000L + nanos / 1_000_000);
      case AVRO_DATE:
        return to - from == 10 && parseDate(b, from) && appendInt(col, (int) longValue);
      case DOUBLE:
        if (parseDouble(b, from, to)) {
          ((DoubleColumn.Builder) col).append(doubleValue);
          return true;
        }
        return false;
      case FLOAT:
        if (parseFloat(b, from, to)) {
          ((FloatColumn.Builder) col).append(floatValue);
          return true;
        }
        return false;
      case BOOLEAN:
        if (asciiEqualsIgnoreCase(b, from, to, "true")) {
          ((BooleanColumn.Builder) col).append(true);
          return true;
        }
        if (asciiEqualsIgnoreCase(b, from, to, "false")) {
          ((BooleanColumn.Builder) col).append(false);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /** Appends the value of an empty or absent cell: null, or false when the column is NOT NULL. */
  boolean empty(ColumnVector.Builder col, int c) {
    if (!schema.getField(c).getType().getNullable()) {
      return false;
    }
    col.appendNull();
    return true;
  }

  /** Converts {@code text} with {@link ValueConverter} and appends the value (the slow path). */
  void convert(ColumnVector.Builder col, int c, @Nullable String text) throws RecordException {
    appendValue(col, c, ValueConverter.fromText(schema.getField(c), text));
  }

  /** Appends a value as {@link ValueConverter} returns it, in {@link BatchRows}' layout. */
  void appendValue(ColumnVector.Builder col, int c, @Nullable Object v) throws RecordException {
    if (v == null) {
      col.appendNull();
      return;
    }
    BatchField f = batchSchema.field(c);
    ColumnType t = f.type();
    if (v instanceof String) {
      ((BinaryColumn.Builder) col).append(((String) v).getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
      ((IntColumn.Builder) col).append(((Number) v).intValue());
    } else if (v instanceof Long) {
      ((LongColumn.Builder) col).append((Long) v);
    } else if (v instanceof Float) {
      ((FloatColumn.Builder) col).append((Float) v);
    } else if (v instanceof Double) {
      ((DoubleColumn.Builder) col).append((Double) v);
    } else if (v instanceof Boolean) {
      ((BooleanColumn.Builder) col).append((Boolean) v);
    } else if (v instanceof BigDecimal) {
      BigDecimal d = (BigDecimal) v;
      if (d.scale() != f.scale()) {
        d = d.setScale(f.scale(), RoundingMode.UNNECESSARY);
      }
      ((BinaryColumn.Builder) col).append(d.unscaledValue().toByteArray());
    } else if (v instanceof org.joda.time.ReadableInstant) {
      long ms = ((org.joda.time.ReadableInstant) v).getMillis();
      if (t == ColumnType.DATE) {
        ((IntColumn.Builder) col).append(Math.toIntExact(Math.floorDiv(ms, 86_400_000L)));
      } else {
        ((LongColumn.Builder) col).append(ms);
      }
    } else if (v instanceof LocalDate) {
      ((IntColumn.Builder) col).append(Math.toIntExact(((LocalDate) v).toEpochDay()));
    } else if (v instanceof LocalTime) {
      ((LongColumn.Builder) col).append(micros(f, ((LocalTime) v).toNanoOfDay(), v));
    } else if (v instanceof LocalDateTime) {
      Instant i = ((LocalDateTime) v).toInstant(ZoneOffset.UTC);
      ((LongColumn.Builder) col).append(instantMicros(f, i, v));
    } else if (v instanceof Instant) {
      ((LongColumn.Builder) col).append(instantMicros(f, (Instant) v, v));
    } else {
      throw new IllegalStateException("no column layout for " + v.getClass());
    }
  }

  /**
   * A column batch keeps times and local date-times in microseconds ({@link BatchRows}); a finer
   * value, which a Beam {@code Row} could hold, is refused rather than truncated.
   */
  private static long micros(BatchField f, long nanos, Object v) throws RecordException {
    if (nanos % 1_000 != 0) {
      throw finer(f, v);
    }
    return nanos / 1_000;
  }

  private static long instantMicros(BatchField f, Instant i, Object v) throws RecordException {
    if (i.getNano() % 1_000 != 0) {
      throw finer(f, v);
    }
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  private static RecordException finer(BatchField f, Object v) {
    return new RecordException(
        ErrorType.TYPE_MISMATCH,
        "column '" + f.name() + "': '" + v + "' is finer than a microsecond");
  }

  private static boolean appendInt(ColumnVector.Builder col, int v) {
    ((IntColumn.Builder) col).append(v);
    return true;
  }

  private static boolean appendLong(ColumnVector.Builder col, long v) {
    ((LongColumn.Builder) col).append(v);
    return true;
  }

  /** {@code [+-]?[0-9]{1,18}} within {@code [min, max]} into {@link #longValue}. */
  private boolean parseLong(byte[] b, int from, int to, long min, long max) {
    int i = from;
    boolean negative = false;
    if (b[i] == '+' || b[i] == '-') {
      negative = b[i] == '-';
      i++;
    }
    int digits = to - i;
    if (digits < 1 || digits > 18) {
      return false;
    }
    long v = 0;
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      v = v * 10 + d;
    }
    v = negative ? -v : v;
    if (v < min || v > max) {
      return false;
    }
    longValue = v;
    return true;
  }

  // The decimal number last scanned by scanNumber: value = (negative ? -1 : 1) * mantissa * 10^exp10.
  private long mantissa;
  private int exp10;
  private boolean negative;

  /**
   * Scans {@code [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?} (ValueConverter's NUMBER)
   * with at most 18 significant digits and a short exponent; false for anything else.
   */
  private boolean scanNumber(byte[] b, int from, int to) {
    int i = from;
    negative = false;
    if (b[i] == '+' || b[i] == '-') {
      negative = b[i] == '-';
      i++;
    }
    long m = 0;
    int significant = 0;
    int intDigits = 0;
    int fracDigits = 0;
    int scale = 0; // digits of the fraction taken into m
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      if (m != 0 || b[i] != '0') {
        if (++significant > 18) {
          return false;
        }
        m = m * 10 + (b[i] - '0');
      }
      intDigits++;
      i++;
    }
    if (i < to && b[i] == '.') {
      i++;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        if (m != 0 || b[i] != '0') {
          if (++significant > 18) {
            return false;
          }
          m = m * 10 + (b[i] - '0');
        }
        fracDigits++;
        scale++;
        i++;
      }
    }
    if (intDigits == 0 && fracDigits == 0) {
      return false;
    }
    int e = 0;
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean eNegative = false;
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        eNegative = b[i] == '-';
        i++;
      }
      int eDigits = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        if (++eDigits > 4) {
          return false;
        }
        e = e * 10 + (b[i] - '0');
        i++;
      }
      if (eDigits == 0) {
        return false;
      }
      e = eNegative ? -e : e;
    }
    if (i != to) {
      return false;
    }
    mantissa = m;
    exp10 = e - scale;
    return true;
  }

  /** A double exactly as {@code Double.parseDouble} gives it, where one IEEE operation does. */
  private boolean parseDouble(byte[] b, int from, int to) {
    if (!scanNumber(b, from, to)) {
      return false;
    }
    double v;
    if (mantissa == 0) {
      v = 0.0;
    } else if (mantissa > (1L << 53) || exp10 < -22 || exp10 > 22) {
      return false;
    } else {
      v = exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10];
    }
    doubleValue = negative ? -v : v;
    return true;
  }

  /** A float exactly as {@code Float.parseFloat} gives it, where one IEEE operation does. */
  private boolean parseFloat(byte[] b, int from, int to) {
    if (!scanNumber(b, from, to)) {
      return false;
    }
    float v;
    if (mantissa == 0) {
      v = 0f;
    } else if (mantissa > (1L << 24) || exp10 < -10 || exp10 > 10) {
      return false;
    } else {
      v = exp10 >= 0 ? (float) mantissa * POW10F[exp10] : (float) mantissa / POW10F[-exp10];
    }
    floatValue = negative ? -v : v;
    return true;
  }

  /** JSON numbers have no negative zero (they pass through BigDecimal); a zero is +0.0. */
  boolean jsonDouble(ColumnVector.Builder col, byte[] b, int from, int to, boolean isFloat) {
    if (isFloat) {
      if (!parseFloat(b, from, to)) {
        return false;
      }
      ((FloatColumn.Builder) col).append(floatValue == 0f ? 0f : floatValue);
    } else {
      if (!parseDouble(b, from, to)) {
        return false;
      }
      ((DoubleColumn.Builder) col).append(doubleValue == 0.0 ? 0.0 : doubleValue);
    }
    return true;
  }

  private static int digits(byte[] b, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** {@code YYYY-MM-DD} at {@code at}, a real date, into {@link #longValue} (days since 1970). */
  private boolean parseDate(byte[] b, int at) {
    int y = digits(b, at, 4);
    int m = digits(b, at + 5, 2);
    int d = digits(b, at + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || b[at + 4] != '-' || b[at + 7] != '-') {
      return false;
    }
    if (d > monthLength(y, m)) {
      return false;
    }
    longValue = epochDay(y, m, d);
    return true;
  }

  /**
   * {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z} (the form {@code Instant.parse} reads, restricted to a
   * 4-digit year, upper-case T and Z and no leap second) into {@link #epochSecond} and {@link
   * #nanos}.
   */
  private boolean parseInstant(byte[] b, int from, int to) {
    int n = to - from;
    if (n < 20 || n > 30 || b[from + 10] != 'T' || b[to - 1] != 'Z' || !parseDate(b, from)) {
      return false;
    }
    int h = digits(b, from + 11, 2);
    int mi = digits(b, from + 14, 2);
    int s = digits(b, from + 17, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59
        || b[from + 13] != ':' || b[from + 16] != ':') {
      return false;
    }
    int fraction = 0;
    if (n == 20) {
      if (b[from + 19] != 'Z') {
        return false;
      }
    } else {
      int fd = n - 21; // digits between '.' and 'Z'
      if (b[from + 19] != '.' || fd < 1 || fd > 9) {
        return false;
      }
      fraction = digits(b, from + 20, fd);
      if (fraction < 0) {
        return false;
      }
      for (int i = fd; i < 9; i++) {
        fraction *= 10;
      }
    }
    epochSecond = longValue * 86_400L + h * 3_600L + mi * 60L + s;
    nanos = fraction;
    return true;
  }

  private static int monthLength(int y, int m) {
    switch (m) {
      case 2:
        return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (as {@code LocalDate.toEpochDay}). */
  static long epochDay(int year, int month, int day) {
    long y = year;
    long m = month;
    long total = 365 * y;
    if (y >= 0) {
      total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    } else {
      total -= y / -4 - y / -100 + y / -400;
    }
    total += (367 * m - 362) / 12;
    total += day - 1;
    if (m > 2) {
      total--;
      if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        total--;
      }
    }
    return total - 719_528L;
  }

  private static boolean asciiEqualsIgnoreCase(byte[] b, int from, int to, String word) {
    if (to - from != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      int c = b[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
