package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.table.AvroTableSchema;
import dev.sediment.schemas.RuleFailure;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** One test per column rule kind, passing and failing values, nulls skipped. */
@RunWith(JUnit4.class)
public class ValidateColumnRulesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final Schema S =
      Schema.builder()
          .addNullableField("id", Schema.FieldType.INT64)
          .addNullableField("text", Schema.FieldType.STRING)
          .addNullableField("x", Schema.FieldType.DOUBLE)
          .addNullableField("amount", Schema.FieldType.DECIMAL)
          .addNullableField("ts", Schema.FieldType.DATETIME)
          .addNullableField("tags", Schema.FieldType.array(Schema.FieldType.STRING))
          .addNullableField("flag", Schema.FieldType.BOOLEAN)
          .build();

  static Row row(Long id, String text, Double x, BigDecimal amount, Instant ts, List<String> tags, Boolean flag) {
    return Row.withSchema(S).addValues(id, text, x, amount, ts, tags, flag).build();
  }

  static Row id(long id) {
    return row(id, null, null, null, null, null, null);
  }

  private ValidationResult validate(String yaml, Row... rows) {
    PCollection<Row> in = p.apply("Input", Create.of(Arrays.asList(rows)).withRowSchema(S));
    return in.apply("Validate", Validate.against(Rules.parse(yaml, "r.yaml")));
  }

  static RuleFailure f(String rule, String column, String value, String message) {
    return RuleFailure.of(rule, column, "error", value, message);
  }

  static void assertOutcome(ValidationResult result, String id, long checked, long failed, String... examples) {
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  RuleOutcome o = ValidateTest.outcome(r, id);
                  assertThat(o.checked(), equalTo(checked));
                  assertThat(o.failed(), equalTo(failed));
                  assertThat(o.examples(), equalTo(List.of(examples)));
                  assertThat(r.recordsIn(), equalTo(r.recordsValid() + r.recordsQuarantined()));
                  return null;
                });
  }

  @Test
  public void min_onLongColumnWithFractionalBound_comparesExactly() {
    Row a = id(0);
    Row b = id(1);
    Row c = row(null, "n", null, null, null, null, null);
    ValidationResult result = validate("columns:\n  id:\n    - {rule: min, value: 0.5}\n", a, b, c);
    PAssert.that(result.valid()).containsInAnyOrder(b, c);
    PAssert.that(result.violations())
        .containsInAnyOrder(new Violation(a, List.of(f("id.min", "id", "0", "0 is not >= 0.5"))));
    assertOutcome(result, "id.min", 2, 1, "0");
    p.run();
  }

  /** A bound is the number the user wrote, in the column's type: -99.9 passes min -99.9. */
  @Test
  public void minMax_onDoubleColumn_boundEqualToValue_passes() {
    Row a = row(1L, null, -99.9, null, null, null, null);
    Row b = row(2L, null, 3.4, null, null, null, null);
    double below = Math.nextDown(-99.9);
    String text = Double.toString(below);
    Row c = row(3L, null, below, null, null, null, null);
    ValidationResult result =
        validate(
            "columns:\n  x:\n    - {rule: min, value: -99.9}\n    - {rule: max, value: 3.4}\n",
            a,
            b,
            c);
    PAssert.that(result.valid()).containsInAnyOrder(a, b);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                c,
                List.of(f("x.min", "x", text, text + " is not >= -99.9"))));
    assertOutcome(result, "x.min", 3, 1, text);
    p.run();
  }

  @Test
  public void max_onDoubleColumn_failsNaNAndExclusiveBound() {
    Row a = row(1L, null, 2.0, null, null, null, null);
    Row b = row(2L, null, Double.NaN, null, null, null, null);
    Row c = row(3L, null, 1.9999, null, null, null, null);
    ValidationResult result =
        validate("columns:\n  x:\n    - {rule: max, value: 2, exclusive: true}\n", a, b, c);
    PAssert.that(result.valid()).containsInAnyOrder(c);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(a, List.of(f("x.max", "x", "2.0", "2.0 is not < 2"))),
            new Violation(b, List.of(f("x.max", "x", "\"NaN\"", "\"NaN\" is not < 2"))));
    assertOutcome(result, "x.max", 3, 2, "\"NaN\"", "2.0");
    p.run();
  }

  @Test
  public void minMax_onDecimalAndTimestamp_compareWithBounds() {
    Row a = row(1L, null, null, new BigDecimal("10.005"), Instant.parse("2026-01-01T00:00:00Z"), null, null);
    Row b = row(2L, null, null, new BigDecimal("10.00"), Instant.parse("2025-12-31T23:59:59Z"), null, null);
    ValidationResult result =
        validate(
            "columns:\n  amount:\n    - {rule: max, value: 10.00}\n  ts:\n    - {rule: min, value: 2026-01-01}\n",
            a,
            b);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(a, List.of(f("amount.max", "amount", "10.005", "10.005 is not <= 10.00"))),
            new Violation(
                b,
                List.of(
                    f("ts.min", "ts", "\"2025-12-31T23:59:59Z\"", "\"2025-12-31T23:59:59Z\" is not >= 2026-01-01"))));
    p.run();
  }

  @Test
  public void in_convertsListedValues_andSkipsNulls() {
    Row a = row(1L, null, 1.0, null, null, null, true);
    Row b = row(2L, null, 2.5, null, null, null, false);
    Row c = row(3L, null, null, null, null, null, null);
    ValidationResult result =
        validate(
            "columns:\n  x:\n    - {rule: in, values: [1, 2, 3]}\n  flag:\n    - {rule: in, values: [true]}\n",
            a,
            b,
            c);
    PAssert.that(result.valid()).containsInAnyOrder(a, c);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                b,
                List.of(
                    f("x.in", "x", "2.5", "2.5 is not one of [1, 2, 3]"),
                    f("flag.in", "flag", "false", "false is not one of [true]"))));
    assertOutcome(result, "x.in", 2, 1, "2.5");
    p.run();
  }

  @Test
  public void regex_searchesAnywhere_andSkipsNulls() {
    Row a = row(1L, "order 42 filled", null, null, null, null, null);
    Row b = row(2L, "no digits", null, null, null, null, null);
    Row c = id(3);
    ValidationResult result = validate("columns:\n  text:\n    - {rule: regex, pattern: \"[0-9]+\"}\n", a, b, c);
    PAssert.that(result.valid()).containsInAnyOrder(a, c);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                b, List.of(f("text.regex", "text", "\"no digits\"", "\"no digits\" does not match [0-9]+"))));
    p.run();
  }

  @Test
  public void length_ofStringsAndLists() {
    Row a = row(1L, "abc", null, null, null, List.of("x"), null);
    Row b = row(2L, "abcdef", null, null, null, List.of(), null);
    ValidationResult result =
        validate(
            "columns:\n  text:\n    - {rule: length, min: 1, max: 5}\n  tags:\n    - {rule: length, min: 1}\n",
            a,
            b);
    PAssert.that(result.valid()).containsInAnyOrder(a);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                b,
                List.of(
                    f("text.length", "text", "\"abcdef\"", "length 6 is not in [1, 5]"),
                    f("tags.length", "tags", "[]", "length 0 is not in [1, any]"))));
    p.run();
  }

  @Test
  public void type_onStringAndDoubleColumns_checksEachValue_nullsPass() {
    Row a = row(1L, "12", 3.0, null, null, null, null);
    Row b = row(2L, "1.5", 2.5, null, null, null, null);
    Row c = row(3L, null, null, null, null, null, null);
    Row d = row(4L, "abc", -0.0, null, null, null, null);
    ValidationResult result =
        validate(
            "columns:\n  text:\n    - {rule: type, value: long}\n  x:\n    - {rule: type, value: long}\n"
                + "  id:\n    - {rule: type, value: double, severity: warn}\n",
            a,
            b,
            c,
            d);
    PAssert.that(result.valid()).containsInAnyOrder(a, c);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                b,
                List.of(
                    f("text.type", "text", "\"1.5\"", "\"1.5\" is not a long"),
                    f("x.type", "x", "2.5", "2.5 is not a long"))),
            new Violation(d, List.of(f("text.type", "text", "\"abc\"", "\"abc\" is not a long"))));
    assertOutcome(result, "text.type", 4, 2, "\"1.5\"", "\"abc\"");
    assertOutcome(result, "id.type", 4, 0);
    p.run();
  }

  @Test
  public void type_dateOnStringColumn_andTimestampMicrosColumn() {
    Schema s =
        Schema.builder()
            .addNullableField("day", Schema.FieldType.STRING)
            .addField(
                Schema.Field.nullable("ts", Schema.FieldType.INT64)
                    .withOptions(
                        Schema.Options.builder()
                            .setOption(AvroTableSchema.LOGICAL_TYPE_OPTION, Schema.FieldType.STRING, "timestamp-micros")))
            .build();
    Row a = Row.withSchema(s).addValues("2026-02-03", 1_700_000_000_000_000L).build();
    Row b = Row.withSchema(s).addValues("2026-02-30", 1_600_000_000_000_000L).build();
    PCollection<Row> in = p.apply("Input", Create.of(a, b).withRowSchema(s));
    ValidationResult result =
        in.apply(
            "Validate",
            Validate.against(
                Rules.parse(
                    "columns:\n  day:\n    - {rule: type, value: date}\n  ts:\n    - {rule: type, value: timestamp}\n"
                        + "    - {rule: min, value: \"2021-01-01T00:00:00Z\"}\n",
                    "r.yaml")));
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                b,
                List.of(
                    f("day.type", "day", "\"2026-02-30\"", "\"2026-02-30\" is not a date"),
                    f("ts.min", "ts", "1600000000000000", "1600000000000000 is not >= 2021-01-01T00:00:00Z"))));
    PAssert.that(result.violations())
        .satisfies(
            vs -> {
              assertThat(
                  vs.iterator().next().toJson(),
                  equalTo(
                      "{\"record\":{\"day\":\"2026-02-30\",\"ts\":\"2020-09-13T12:26:40Z\"},\"failures\":["
                          + "{\"rule\":\"day.type\",\"column\":\"day\",\"severity\":\"error\","
                          + "\"value\":\"2026-02-30\",\"message\":\"\\\"2026-02-30\\\" is not a date\"},"
                          + "{\"rule\":\"ts.min\",\"column\":\"ts\",\"severity\":\"error\","
                          + "\"value\":1600000000000000,"
                          + "\"message\":\"1600000000000000 is not >= 2021-01-01T00:00:00Z\"}]}"));
              return null;
            });
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(
                      r.columns().get(1),
                      equalTo(
                          ColumnSummary.of(
                              "ts", "INT64", 2, 0, "\"2020-09-13T12:26:40Z\"", "\"2023-11-14T22:13:20Z\"")));
                  return null;
                });
    p.run();
  }

  @Test
  public void unique_column_flagsEveryDuplicate_andKeepsOtherFailures() {
    Row a1 = row(1L, "a", 1.0, null, null, null, null);
    Row b = row(2L, "b", 1.0, null, null, null, null);
    Row a2 = row(3L, "a", -1.0, null, null, null, null);
    Row n1 = row(4L, null, 1.0, null, null, null, null);
    Row n2 = row(5L, null, 1.0, null, null, null, null);
    Row a3 = row(6L, "a", 1.0, null, null, null, null);
    ValidationResult result =
        validate(
            "columns:\n  x:\n    - {rule: min, value: 0}\n  text:\n    - {rule: unique}\n",
            a1, b, a2, n1, n2, a3);
    RuleFailure dup = f("text.unique", "text", "\"a\"", "\"a\" occurs 3 times");
    PAssert.that(result.valid()).containsInAnyOrder(b, n1, n2);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(a1, List.of(dup)),
            new Violation(a2, List.of(f("x.min", "x", "-1.0", "-1.0 is not >= 0"), dup)),
            new Violation(a3, List.of(dup)));
    assertOutcome(result, "text.unique", 4, 3, "\"a\"");
    p.run();
  }

  @Test
  public void examples_areTheSmallestByJsonText_whateverTheBundling() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 200; i++) {
      rows.add(id(-i));
    }
    PCollection<Row> in = p.apply("Input", Create.of(rows).withRowSchema(S));
    ValidationResult result =
        in.apply(
            "Validate",
            Validate.against(Rules.parse("columns:\n  id:\n    - {rule: min, value: 1}\n", "r.yaml"))
                .withMaxExamples(3));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  RuleOutcome o = ValidateTest.outcome(r, "id.min");
                  assertThat(o.failed(), equalTo(200L));
                  assertThat(o.examples(), contains("-1", "-10", "-100"));
                  return null;
                });
    p.run();
  }

  @Test
  public void freshnessAndMin_onBeamTimeLogicalTypes() {
    Schema s =
        Schema.builder()
            .addNullableField("ts", Schema.FieldType.logicalType(org.apache.beam.sdk.schemas.logicaltypes.SqlTypes.TIMESTAMP))
            .addNullableField("day", Schema.FieldType.logicalType(org.apache.beam.sdk.schemas.logicaltypes.SqlTypes.DATE))
            .build();
    Row a =
        Row.withSchema(s)
            .addValues(java.time.Instant.parse("2026-11-23T10:00:00.000001Z"), java.time.LocalDate.parse("2026-11-23"))
            .build();
    Row b =
        Row.withSchema(s)
            .addValues(java.time.Instant.parse("2026-11-20T00:00:00Z"), java.time.LocalDate.parse("2026-11-19"))
            .build();
    PCollection<Row> in = p.apply("Input", Create.of(a, b).withRowSchema(s));
    ValidationResult result =
        in.apply(
            "Validate",
            Validate.against(
                    Rules.parse(
                        "columns:\n  day:\n    - {rule: min, value: 2026-11-20}\n"
                            + "dataset:\n  - {rule: freshness, column: ts, max_age: PT3H}\n",
                        "r.yaml"))
                .withNow(Instant.parse("2026-11-23T12:00:00Z")));
    PAssert.that(result.valid()).containsInAnyOrder(a);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(b, List.of(f("day.min", "day", "\"2026-11-19\"", "\"2026-11-19\" is not >= 2026-11-20"))));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  RuleOutcome o = ValidateTest.outcome(r, "dataset.freshness");
                  assertThat(o.passed(), equalTo(true));
                  assertThat(o.observed(), equalTo("\"2026-11-23T10:00:00.000001Z\""));
                  assertThat(r.columns().get(1).min(), equalTo("\"2026-11-19T00:00:00Z\""));
                  return null;
                });
    p.run();
  }

  @Test
  public void unique_asWarn_passesRecordsButCountsThem_andEmptyInputGivesOneReport() {
    Row a1 = row(1L, "a", null, null, null, null, null);
    Row a2 = row(2L, "a", null, null, null, null, null);
    Row b = row(3L, "b", null, null, null, null, null);
    ValidationResult result =
        validate("columns:\n  text:\n    - {rule: unique, severity: warn}\n", a1, a2, b);
    PAssert.that(result.valid()).containsInAnyOrder(a1, a2, b);
    PAssert.that(result.violations()).empty();
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(r.recordsIn(), equalTo(3L));
                  assertThat(r.recordsValid(), equalTo(3L));
                  assertThat(r.recordsWarned(), equalTo(2L));
                  assertThat(r.recordsQuarantined(), equalTo(0L));
                  return null;
                });
    ValidationResult empty =
        p.apply("Empty", Create.empty(S))
            .apply(
                "ValidateEmpty",
                Validate.against(Rules.parse("columns:\n  text:\n    - {rule: unique}\n", "r.yaml")));
    PAssert.thatSingleton(empty.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(r.recordsIn(), equalTo(0L));
                  assertThat(ValidateTest.outcome(r, "text.unique").checked(), equalTo(0L));
                  assertThat(ValidateTest.outcome(r, "text.unique").passed(), equalTo(true));
                  return null;
                });
    p.run();
  }
}
