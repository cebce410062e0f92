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
 * org.apache.beam.sdk.values.Row} holds for a field type. Strict: a value that would lose
 * information (1.5 into an integer, a fraction of a millisecond into a DATETIME) is a {@link
 * ErrorType#TYPE_MISMATCH}, never rounded silently.
 */
final class ValueConverter {

  static final String DATE = "beam:logical_type:date:v1";
  static final String TIME = "beam:logical_type:time:v1";
  static final String LOCAL_DATETIME = "beam:logical_type:datetime:v1";
  static final String MICROS_INSTANT = "beam:logical_type:micros_instant:v1";

  private static final java.util.regex.Pattern INTEGER =
      java.util.regex.Pattern.compile("-?[0-9]+");

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
    String s = t.getTypeName() == TypeName.STRING ? text : text.trim();
    try {
      String avroLogical = AvroTableSchema.logicalTypeOf(field);
      if (avroLogical != null) {
        return fromTextAvroLogical(field, s, text, avroLogical);
      }
      switch (t.getTypeName()) {
        case STRING:
          return s;
        case BYTE:
          return Byte.parseByte(s);
        case INT16:
          return Short.parseShort(s);
        case INT32:
          return Integer.parseInt(s);
        case INT64:
          return Long.parseLong(s);
        case FLOAT:
          return Float.parseFloat(s);
        case DOUBLE:
          return Double.parseDouble(s);
        case BOOLEAN:
          if ("true".equalsIgnoreCase(s)) {
            return true;
          }
          if ("false".equalsIgnoreCase(s)) {
            return false;
          }
          throw mismatch(field, text, "true or false");
        case DECIMAL:
          return new BigDecimal(s);
        case DATETIME:
          return toJodaInstant(field, text, parseInstant(s));
        case LOGICAL_TYPE:
          return fromTextLogical(field, s, text);
        default:
          throw new IllegalStateException("unsupported type " + t);
      }
    } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
      throw mismatch(field, text, describe(field));
    }
  }

  /** Avro logical types Beam maps to plain types: date to DATETIME, timestamp-* to INT64. */
  private static Object fromTextAvroLogical(
      Schema.Field field, String s, String text, String avroLogical) throws RecordException {
    switch (avroLogical) {
      case "date":
        if (s.length() == 10) {
          return new org.joda.time.Instant(LocalDate.parse(s).toEpochDay() * 86_400_000L);
        }
        org.joda.time.Instant i = toJodaInstant(field, text, parseInstant(s));
        if (i.getMillis() % 86_400_000L != 0) {
          throw mismatch(field, text, "a date such as 2026-02-03");
        }
        return i;
      case "timestamp-micros":
      case "timestamp-nanos":
        if (INTEGER.matcher(s).matches()) {
          return Long.parseLong(s);
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
        return LocalDate.parse(s);
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

  /** Converts a JSON value; a missing key or JSON null is null. */
  static Object fromJson(Schema.Field field, JsonNode node) throws RecordException {
    if (node == null || node.isNull()) {
      return nullOrFail(field);
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
        return t.getTypeName() == TypeName.FLOAT ? (Object) node.floatValue() : node.doubleValue();
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw mismatch(field, node.toString(), "true or false");
        }
        return node.booleanValue();
      case DECIMAL:
        if (node.isNumber()) {
          return node.decimalValue();
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
