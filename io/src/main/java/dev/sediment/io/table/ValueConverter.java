package dev.sediment.io.table;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sediment.schemas.ErrorType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;

/**
 * Converts text (a CSV cell) or a JSON value into the Java value a Beam {@link
 * org.apache.beam.sdk.values.Row} holds for a field type. Strict: a value is kept as written or
 * refused, never changed.
 *
 * <ul>
 *   <li>{@link ErrorType#TYPE_MISMATCH}: the text is not of the column's type, or would lose
 *       information (1.5 into an integer, 1.239 into a decimal of scale 2, a fraction of a
 *       millisecond into a DATETIME).
 *   <li>{@link ErrorType#VALUE_OUT_OF_RANGE}: a well-formed value the column cannot hold: an
 *       integer that overflows its width, a finite number that would become infinite (1e400 into a
 *       double, 1e39 into a float) or 0 (1e-400), a decimal with more integer digits than its
 *       precision leaves, a date beyond Avro's int days, a timestamp beyond a long.
 *   <li>{@link ErrorType#ENCODING}: a JSON string holding an unpaired UTF-16 surrogate
 *       ({@code "\ud800"}), which UTF-8 cannot carry (a writer would put {@code ?} in its place).
 * </ul>
 *
 * <p>Numbers are ASCII digits with an optional sign, point and exponent; Java's wider syntax
 * (hex floats, {@code 1.5d}, non-ASCII digits) is refused. The literals {@code NaN}, {@code inf}
 * and {@code Infinity} (any case, optional sign) are accepted for FLOAT and DOUBLE columns and
 * kept as NaN and infinities, since that is what the text says; JSON has no such literals. Cells
 * are trimmed of spaces and tabs, except for STRING columns.
 */
final class ValueConverter {

  static final String DATE = "beam:logical_type:date:v1";
  static final String TIME = "beam:logical_type:time:v1";
  static final String LOCAL_DATETIME = "beam:logical_type:datetime:v1";
  static final String MICROS_INSTANT = "beam:logical_type:micros_instant:v1";

  private static final java.util.regex.Pattern INTEGER =
      java.util.regex.Pattern.compile("[+-]?[0-9]+");

  /** A decimal number as text: ASCII digits, optional sign, point and exponent. */
  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  /** The non-finite literals accepted for FLOAT and DOUBLE. */
  private static final java.util.regex.Pattern NON_FINITE =
      java.util.regex.Pattern.compile("(?i)[+-]?(?:nan|inf|infinity)");

  /** Avro {@code date} is an int of days since the epoch. */
  private static final long MIN_DAY = Integer.MIN_VALUE;

  private static final long MAX_DAY = Integer.MAX_VALUE;

  private ValueConverter() {}

  /** Throws {@link IllegalArgumentException} naming the first field no converter handles. */
  static void checkSupported(Schema schema) {
    for (Schema.Field f : schema.getFields()) {
      FieldType t = f.getType();
      if (!isSupported(t)) {
        throw new IllegalArgumentException(
            "column '"
                + f.getName()
                + "' has type "
                + t
                + ", which CSV and JSON lines cannot carry; use a primitive, decimal, date or"
                + " timestamp type");
      }
    }
  }

  private static boolean isSupported(FieldType t) {
    switch (t.getTypeName()) {
      case STRING:
      case BYTE:
      case INT16:
      case INT32:
      case INT64:
      case FLOAT:
      case DOUBLE:
      case BOOLEAN:
      case DECIMAL:
      case DATETIME:
        return true;
      case LOGICAL_TYPE:
        String id = t.getLogicalType().getIdentifier();
        return DATE.equals(id)
            || TIME.equals(id)
            || LOCAL_DATETIME.equals(id)
            || MICROS_INSTANT.equals(id);
      default:
        return false;
    }
  }

  /** Converts a CSV cell. An empty cell is null. */
  static Object fromText(Schema.Field field, String text) throws RecordException {
    if (text == null || text.isEmpty()) {
      return nullOrFail(field);
    }
    FieldType t = field.getType();
    String s = t.getTypeName() == TypeName.STRING ? text : strip(text);
    try {
      String avroLogical = AvroTableSchema.logicalTypeOf(field);
      if (avroLogical != null) {
        return fromTextAvroLogical(field, s, text, avroLogical);
      }
      switch (t.getTypeName()) {
        case STRING:
          return s;
        case BYTE:
          return (byte) integer(field, s, text, Byte.MIN_VALUE, Byte.MAX_VALUE);
        case INT16:
          return (short) integer(field, s, text, Short.MIN_VALUE, Short.MAX_VALUE);
        case INT32:
          return (int) integer(field, s, text, Integer.MIN_VALUE, Integer.MAX_VALUE);
        case INT64:
          return integer(field, s, text, Long.MIN_VALUE, Long.MAX_VALUE);
        case FLOAT:
          return (float) floating(field, s, text, true);
        case DOUBLE:
          return floating(field, s, text, false);
        case BOOLEAN:
          if ("true".equalsIgnoreCase(s)) {
            return true;
          }
          if ("false".equalsIgnoreCase(s)) {
            return false;
          }
          throw mismatch(field, text, "true or false");
        case DECIMAL:
          if (!NUMBER.matcher(s).matches()) {
            throw mismatch(field, text, describe(field));
          }
          BigDecimal d;
          try {
            d = new BigDecimal(s);
          } catch (NumberFormatException e) {
            // Well-formed, but its exponent does not fit an int.
            throw outOfRange(field, text, "its exponent is too large");
          }
          return decimal(field, d, text);
        case DATETIME:
          return toJodaInstant(field, text, parseInstant(s));
        case LOGICAL_TYPE:
          return fromTextLogical(field, s, text);
        default:
          throw new IllegalStateException("unsupported type " + t);
      }
    } catch (NumberFormatException | DateTimeException e) {
      throw mismatch(field, text, describe(field));
    } catch (ArithmeticException e) {
      // Only exact arithmetic throws it: the value overflows what the column holds.
      throw outOfRange(field, text, "it does not fit " + describe(field));
    }
  }

  /** Trims spaces and tabs only: other control characters (NUL) are part of the value. */
  private static String strip(String text) {
    int from = 0;
    int to = text.length();
    while (from < to && (text.charAt(from) == ' ' || text.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (text.charAt(to - 1) == ' ' || text.charAt(to - 1) == '\t')) {
      to--;
    }
    return text.substring(from, to);
  }

  private static long integer(Schema.Field field, String s, String text, long min, long max)
      throws RecordException {
    if (!INTEGER.matcher(s).matches()) {
      throw mismatch(field, text, describe(field));
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw outOfRange(field, text, "it is outside [" + min + ", " + max + "]");
    }
    if (v < min || v > max) {
      throw outOfRange(field, text, "it is outside [" + min + ", " + max + "]");
    }
    return v;
  }

  /** A FLOAT or DOUBLE from text; a finite number that would become infinite or 0 is refused. */
  private static double floating(Schema.Field field, String s, String text, boolean isFloat)
      throws RecordException {
    if (NON_FINITE.matcher(s).matches()) {
      String lower = s.toLowerCase(java.util.Locale.ROOT);
      if (lower.endsWith("nan")) {
        return Double.NaN;
      }
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!NUMBER.matcher(s).matches()) {
      throw mismatch(field, text, describe(field));
    }
    double v = isFloat ? Float.parseFloat(s) : Double.parseDouble(s);
    checkFinite(field, text, v, isFloat, hasNonZeroDigit(s));
    return v;
  }

  private static void checkFinite(
      Schema.Field field, String text, double v, boolean isFloat, boolean nonZero)
      throws RecordException {
    String type = isFloat ? "a float (32-bit)" : "a double (64-bit)";
    if (Double.isInfinite(v)) {
      throw outOfRange(field, text, "it is too large for " + type + " and would become infinite");
    }
    if (v == 0 && nonZero) {
      throw outOfRange(field, text, "it is too small for " + type + " and would become 0");
    }
  }

  /** Whether the mantissa (the part before any exponent) has a digit other than 0. */
  private static boolean hasNonZeroDigit(String number) {
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c >= '1' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  /**
   * A decimal as the column holds it: with the column's scale when the schema came from an Avro
   * {@code decimal(precision, scale)} (1.2 becomes 1.20, the same number), refused when it needs
   * rounding (more decimal places than the scale) or has more integer digits than {@code precision
   * - scale}. The digit count is checked before any rescaling, so {@code 1e999999999} costs
   * nothing.
   */
  static BigDecimal decimal(Schema.Field field, BigDecimal value, String text)
      throws RecordException {
    Integer precision = AvroTableSchema.decimalPrecision(field);
    Integer scale = AvroTableSchema.decimalScale(field);
    if (precision == null || scale == null) {
      return value;
    }
    BigDecimal v = value;
    if (v.scale() > scale) {
      v = v.stripTrailingZeros();
      if (v.scale() > scale) {
        throw new RecordException(
            ErrorType.TYPE_MISMATCH,
            "column '"
                + field.getName()
                + "': '"
                + text
                + "' has "
                + v.scale()
                + " decimal places, but decimal("
                + precision
                + ","
                + scale
                + ") keeps "
                + scale
                + "; round it upstream or declare a larger scale");
      }
    }
    long integerDigits = v.signum() == 0 ? 0 : (long) v.precision() - v.scale();
    if (integerDigits > precision - scale) {
      throw outOfRange(
          field,
          text,
          "decimal("
              + precision
              + ","
              + scale
              + ") holds at most "
              + (precision - scale)
              + " digits before the point");
    }
    return v.setScale(scale, java.math.RoundingMode.UNNECESSARY);
  }

  /** Avro logical types Beam maps to plain types: date to DATETIME, timestamp-* to INT64. */
  private static Object fromTextAvroLogical(
      Schema.Field field, String s, String text, String avroLogical) throws RecordException {
    switch (avroLogical) {
      case "date":
        if (s.indexOf('T') < 0) {
          long day = LocalDate.parse(s).toEpochDay();
          return new org.joda.time.Instant(avroDay(field, text, day) * 86_400_000L);
        }
        org.joda.time.Instant i = toJodaInstant(field, text, parseInstant(s));
        if (i.getMillis() % 86_400_000L != 0) {
          throw mismatch(field, text, "a date such as 2026-02-03");
        }
        avroDay(field, text, i.getMillis() / 86_400_000L);
        return i;
      case "timestamp-micros":
      case "timestamp-nanos":
        if (INTEGER.matcher(s).matches()) {
          return integer(field, s, text, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        Instant t = parseInstant(s);
        long unit = avroLogical.equals("timestamp-micros") ? 1_000L : 1L;
        if (t.getNano() % unit != 0) {
          throw new RecordException(
              ErrorType.TYPE_MISMATCH,
              "column '" + field.getName() + "': '" + text + "' is finer than a microsecond");
        }
        long perSecond = 1_000_000_000L / unit;
        return Math.addExact(
            Math.multiplyExact(t.getEpochSecond(), perSecond), t.getNano() / unit);
      default:
        throw new IllegalStateException("unexpected Avro logical type " + avroLogical);
    }
  }

  private static Object fromTextLogical(Schema.Field field, String s, String text)
      throws RecordException {
    String id = field.getType().getLogicalType().getIdentifier();
    switch (id) {
      case DATE:
        LocalDate date = LocalDate.parse(s);
        avroDay(field, text, date.toEpochDay());
        return date;
      case TIME:
        return LocalTime.parse(s);
      case LOCAL_DATETIME:
        return LocalDateTime.parse(s);
      case MICROS_INSTANT:
        Instant i = parseInstant(s);
        if (i.getNano() % 1_000 != 0) {
          throw new RecordException(
              ErrorType.TYPE_MISMATCH,
              "column '" + field.getName() + "': '" + text + "' is finer than a microsecond");
        }
        return i;
      default:
        throw new IllegalStateException("unsupported logical type " + id);
    }
  }

  /** Days since the epoch as Avro {@code date} holds them (an int), or VALUE_OUT_OF_RANGE. */
  private static long avroDay(Schema.Field field, String text, long day) throws RecordException {
    if (day < MIN_DAY || day > MAX_DAY) {
      throw outOfRange(field, text, "a date column holds days since 1970 as a 32-bit integer");
    }
    return day;
  }

  /**
   * Converts a JSON value; a missing key or JSON null is null. Numbers must come from a parser
   * that keeps floating-point literals exact ({@code USE_BIG_DECIMAL_FOR_FLOATS}), so 1e400 is
   * seen as 1e400, not as an infinity.
   */
  static Object fromJson(Schema.Field field, JsonNode node) throws RecordException {
    if (node == null || node.isNull()) {
      return nullOrFail(field);
    }
    if (node.isTextual()) {
      checkSurrogates(field, node.textValue());
    }
    FieldType t = field.getType();
    switch (t.getTypeName()) {
      case STRING:
        if (!node.isTextual()) {
          throw mismatch(field, node.toString(), "a JSON string");
        }
        return node.textValue();
      case BYTE:
      case INT16:
      case INT32:
      case INT64:
        if (AvroTableSchema.logicalTypeOf(field) != null && node.isTextual()) {
          return fromText(field, node.textValue());
        }
        if (!node.isIntegralNumber()) {
          throw mismatch(field, node.toString(), "a JSON integer");
        }
        return fromText(field, node.asText());
      case FLOAT:
      case DOUBLE:
        if (!node.isNumber()) {
          throw mismatch(field, node.toString(), "a JSON number");
        }
        boolean isFloat = t.getTypeName() == TypeName.FLOAT;
        BigDecimal exact = exact(field, node);
        double v = isFloat ? exact.floatValue() : exact.doubleValue();
        checkFinite(field, node.toString(), v, isFloat, exact.signum() != 0);
        return isFloat ? (Object) (float) v : (Object) v;
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw mismatch(field, node.toString(), "true or false");
        }
        return node.booleanValue();
      case DECIMAL:
        if (node.isNumber()) {
          return decimal(field, exact(field, node), node.toString());
        }
        if (node.isTextual()) {
          return fromText(field, node.textValue());
        }
        throw mismatch(field, node.toString(), "a JSON number");
      default:
        if (!node.isTextual()) {
          throw mismatch(field, node.toString(), "an ISO-8601 string");
        }
        return fromText(field, node.textValue());
    }
  }

  /**
   * The exact value of a JSON number. Jackson hands a literal beyond a double's range (1e400) to
   * us as an infinite double even with {@code USE_BIG_DECIMAL_FOR_FLOATS}; JSON has no infinity
   * literal, so an infinite node always was such a finite literal.
   */
  private static BigDecimal exact(Schema.Field field, JsonNode node) throws RecordException {
    if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
      throw outOfRange(field, node.asText(), "it is too large for a double (64-bit)");
    }
    return node.decimalValue();
  }

  /** A lone UTF-16 surrogate (from a JSON escape such as \\ud800) cannot be written as UTF-8. */
  private static void checkSurrogates(Schema.Field field, String s) throws RecordException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new RecordException(
            ErrorType.ENCODING,
            String.format(
                "column '%s': the string holds an unpaired UTF-16 surrogate \\u%04x at character"
                    + " %d, which UTF-8 cannot carry",
                field.getName(), (int) c, i));
      }
    }
  }

  private static Object nullOrFail(Schema.Field field) throws RecordException {
    if (field.getType().getNullable()) {
      return null;
    }
    throw new RecordException(
        ErrorType.MISSING_VALUE,
        "column '" + field.getName() + "' is empty, but the schema does not allow null");
  }

  private static Instant parseInstant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      return OffsetDateTime.parse(s).toInstant();
    }
  }

  private static org.joda.time.Instant toJodaInstant(Schema.Field field, String text, Instant i)
      throws RecordException {
    if (i.getNano() % 1_000_000 != 0) {
      throw new RecordException(
          ErrorType.TYPE_MISMATCH,
          "column '"
              + field.getName()
              + "': '"
              + text
              + "' is finer than a millisecond; declare it timestamp-micros to keep it");
    }
    return new org.joda.time.Instant(i.toEpochMilli());
  }

  private static RecordException outOfRange(Schema.Field field, String value, String why) {
    return new RecordException(
        ErrorType.VALUE_OUT_OF_RANGE,
        "column '" + field.getName() + "': '" + value + "' is out of range: " + why);
  }

  private static RecordException mismatch(Schema.Field field, String value, String expected) {
    return new RecordException(
        ErrorType.TYPE_MISMATCH,
        "column '" + field.getName() + "': '" + value + "' is not " + expected);
  }

  private static String describe(Schema.Field field) {
    String avroLogical = AvroTableSchema.logicalTypeOf(field);
    if ("date".equals(avroLogical)) {
      return "a date such as 2026-02-03";
    } else if (avroLogical != null) {
      return "an integer or an ISO-8601 timestamp such as 2026-02-03T14:30:00.000001Z";
    }
    FieldType t = field.getType();
    switch (t.getTypeName()) {
      case BYTE:
        return "an 8-bit integer";
      case INT16:
        return "a 16-bit integer";
      case INT32:
        return "a 32-bit integer";
      case INT64:
        return "a 64-bit integer";
      case FLOAT:
      case DOUBLE:
        return "a number";
      case DECIMAL:
        return "a decimal";
      case DATETIME:
        return "an ISO-8601 timestamp such as 2026-02-03T14:30:00Z";
      case LOGICAL_TYPE:
        switch (t.getLogicalType().getIdentifier()) {
          case DATE:
            return "a date such as 2026-02-03";
          case TIME:
            return "a time such as 14:30:00";
          case LOCAL_DATETIME:
            return "a date-time such as 2026-02-03T14:30:00";
          default:
            return "an ISO-8601 timestamp such as 2026-02-03T14:30:00.000001Z";
        }
      default:
        return t.toString();
    }
  }
}
