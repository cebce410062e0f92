package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.schemas.ErrorType;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.junit.Test;

public class ValueConverterTest {
  static final String AVRO =
      "{\"type\":\"record\",\"name\":\"V\",\"fields\":["
          + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
          + "\"precision\":10,\"scale\":2}},"
          + "{\"name\":\"f\",\"type\":\"float\"},"
          + "{\"name\":\"d\",\"type\":\"double\"},"
          + "{\"name\":\"i\",\"type\":\"int\"},"
          + "{\"name\":\"l\",\"type\":\"long\"},"
          + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
          + "{\"name\":\"us\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
          + "{\"name\":\"s\",\"type\":\"string\"}]}";
  static final Schema SCHEMA = AvroTableSchema.toBeamSchema(AVRO);
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static Schema.Field f(String name) {
    return SCHEMA.getField(name);
  }

  private static ErrorType textError(String field, String text) {
    return assertThrows(RecordException.class, () -> ValueConverter.fromText(f(field), text))
        .type();
  }

  private static ErrorType jsonError(String field, String json) {
    return assertThrows(
            RecordException.class, () -> ValueConverter.fromJson(f(field), JSON.readTree(json)))
        .type();
  }

  private static Object json(String field, String json) throws Exception {
    JsonNode n = JSON.readTree(json);
    return ValueConverter.fromJson(f(field), n);
  }

  @Test
  public void schema_keepsDecimalPrecisionAndScale() {
    assertThat(AvroTableSchema.decimalPrecision(f("amount")), equalTo(10));
    assertThat(AvroTableSchema.decimalScale(f("amount")), equalTo(2));
    assertThat(AvroTableSchema.decimalScale(f("d")), equalTo(null));
  }

  @Test
  public void decimal_fitting_keptWithTheColumnScale() throws Exception {
    assertThat(ValueConverter.fromText(f("amount"), "1.23"), equalTo(new BigDecimal("1.23")));
    assertThat(ValueConverter.fromText(f("amount"), "1.2"), equalTo(new BigDecimal("1.20")));
    assertThat(ValueConverter.fromText(f("amount"), "1.230"), equalTo(new BigDecimal("1.23")));
    assertThat(
        ValueConverter.fromText(f("amount"), "-99999999.99"),
        equalTo(new BigDecimal("-99999999.99")));
    assertThat(ValueConverter.fromText(f("amount"), "1e2"), equalTo(new BigDecimal("100.00")));
    assertThat(json("amount", "1.239e1"), equalTo(new BigDecimal("12.39")));
    assertThat(json("amount", "\"0.5\""), equalTo(new BigDecimal("0.50")));
  }

  @Test
  public void decimal_moreScaleThanColumn_typeMismatchNotRounded() {
    assertThat(textError("amount", "1.239"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(jsonError("amount", "1.239"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(textError("amount", "1e-3"), equalTo(ErrorType.TYPE_MISMATCH));
    RecordException e =
        assertThrows(RecordException.class, () -> ValueConverter.fromText(f("amount"), "1.239"));
    assertThat(
        e.getMessage(),
        equalTo(
            "column 'amount': '1.239' has 3 decimal places, but decimal(10,2) keeps 2; round it"
                + " upstream or declare a larger scale"));
  }

  @Test
  public void decimal_tooManyDigits_valueOutOfRange() {
    assertThat(textError("amount", "123456789.00"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("amount", "1e400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    // Checked before rescaling: no 10^999999999 is ever built.
    assertThat(textError("amount", "1e999999999"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("amount", "1e99999999999"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
  }

  @Test
  public void decimal_notANumber_typeMismatch() {
    assertThat(textError("amount", "0x10"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(textError("amount", "\u0661"), equalTo(ErrorType.TYPE_MISMATCH)); // Arabic-Indic 1
  }

  @Test
  public void double_finiteOverflowOrUnderflow_valueOutOfRange() {
    assertThat(textError("d", "1e400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("d", "-1e400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("d", "1e-400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("d", "1e400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("d", "1e-400"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
  }

  @Test
  public void float_finiteOverflowOrUnderflow_valueOutOfRange() {
    assertThat(textError("f", "1e39"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("f", "1e-50"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("f", "1e39"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("f", "-3.5e38"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
  }

  @Test
  public void floating_inRange_exactlyAsJavaParsesIt() throws Exception {
    assertThat(ValueConverter.fromText(f("f"), "3.4e38"), equalTo(3.4e38f));
    assertThat(ValueConverter.fromText(f("d"), " 1.7976931348623157e308\t"), equalTo(Double.MAX_VALUE));
    assertThat(ValueConverter.fromText(f("d"), "0"), equalTo(0.0));
    assertThat(ValueConverter.fromText(f("d"), "-0.0e5"), equalTo(-0.0));
    assertThat(ValueConverter.fromText(f("d"), "4.9e-324"), equalTo(Double.MIN_VALUE));
    assertThat(json("d", "0.1"), equalTo(0.1));
    assertThat(json("f", "0.1"), equalTo(0.1f));
    assertThat(json("d", "12345678901234567890"), equalTo(1.2345678901234567e19));
  }

  @Test
  public void floating_nonFiniteLiterals_keptAsWritten() throws Exception {
    assertThat(ValueConverter.fromText(f("d"), "NaN"), equalTo(Double.NaN));
    assertThat(ValueConverter.fromText(f("d"), "Infinity"), equalTo(Double.POSITIVE_INFINITY));
    assertThat(ValueConverter.fromText(f("d"), "-inf"), equalTo(Double.NEGATIVE_INFINITY));
    assertThat(ValueConverter.fromText(f("f"), "+INF"), equalTo(Float.POSITIVE_INFINITY));
    assertThat(ValueConverter.fromText(f("f"), "nan"), equalTo(Float.NaN));
  }

  @Test
  public void floating_javaOnlySyntax_typeMismatch() {
    assertThat(textError("d", "1.5d"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(textError("d", "0x1p3"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(textError("f", "2f"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(textError("d", "1\u0000"), equalTo(ErrorType.TYPE_MISMATCH));
  }

  @Test
  public void integer_overflow_valueOutOfRange_garbage_typeMismatch() throws Exception {
    assertThat(ValueConverter.fromText(f("i"), "+2147483647"), equalTo(Integer.MAX_VALUE));
    assertThat(textError("i", "2147483648"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("l", "9223372036854775808"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("l", "-99999999999999999999999"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("l", "9223372036854775808"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(jsonError("i", "2147483648"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("i", "\u0663"), equalTo(ErrorType.TYPE_MISMATCH)); // Arabic-Indic 3
    assertThat(textError("i", "1.5"), equalTo(ErrorType.TYPE_MISMATCH));
    assertThat(jsonError("i", "1e400"), equalTo(ErrorType.TYPE_MISMATCH));
  }

  @Test
  public void dates_beyondAvroIntDays_valueOutOfRange() throws Exception {
    assertThat(
        ((org.joda.time.Instant) ValueConverter.fromText(f("day"), "+5881580-07-11")).getMillis(),
        equalTo(Integer.MAX_VALUE * 86_400_000L));
    assertThat(textError("day", "+5881580-07-12"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("day", "+999999999-12-31"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(
        textError("day", "+999999999-12-31T00:00:00Z"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("day", "2026-02-30"), equalTo(ErrorType.TYPE_MISMATCH));
  }

  @Test
  public void beamDate_beyondAvroIntDays_valueOutOfRange() throws Exception {
    Schema s = Schema.builder().addLogicalTypeField("d", SqlTypes.DATE).build();
    assertThat(
        ValueConverter.fromText(s.getField("d"), "2026-02-03"), equalTo(LocalDate.of(2026, 2, 3)));
    assertThat(
        assertThrows(
                RecordException.class,
                () -> ValueConverter.fromText(s.getField("d"), "+999999999-01-01"))
            .type(),
        equalTo(ErrorType.VALUE_OUT_OF_RANGE));
  }

  @Test
  public void timestamps_beyondALong_valueOutOfRange() throws Exception {
    assertThat(textError("us", "+300000-01-01T00:00:00Z"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(textError("us", "9223372036854775808"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(
        textError("ts", "+1000000000-01-01T00:00:00Z"), equalTo(ErrorType.VALUE_OUT_OF_RANGE));
    assertThat(ValueConverter.fromText(f("us"), "-1"), equalTo(-1L));
    assertThat(
        ((org.joda.time.Instant) ValueConverter.fromText(f("ts"), "+200000-01-01T00:00:00Z"))
            .getMillis(),
        equalTo(java.time.Instant.parse("+200000-01-01T00:00:00Z").toEpochMilli()));
  }

  @Test
  public void jsonString_loneSurrogate_encodingError_pairKept() throws Exception {
    assertThat(jsonError("s", "\"a\\ud800b\""), equalTo(ErrorType.ENCODING));
    assertThat(jsonError("s", "\"\\udc00\""), equalTo(ErrorType.ENCODING));
    assertThat(jsonError("s", "\"x\\ud83d\""), equalTo(ErrorType.ENCODING));
    assertThat(json("s", "\"\\ud83d\\ude00\""), equalTo("\uD83D\uDE00"));
    RecordException e =
        assertThrows(
            RecordException.class,
            () -> ValueConverter.fromJson(f("s"), JSON.readTree("\"a\\ud800b\"")));
    assertThat(
        e.getMessage(),
        equalTo(
            "column 's': the string holds an unpaired UTF-16 surrogate \\ud800 at character 1,"
                + " which UTF-8 cannot carry"));
  }
}
