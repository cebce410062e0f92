package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.assertThrows;

import dev.sediment.schemas.RuleFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ValidateTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final Schema TRADES =
      Schema.builder()
          .addNullableField("ts_event", Schema.FieldType.DATETIME)
          .addInt64Field("seq")
          .addNullableField("price", Schema.FieldType.DOUBLE)
          .addNullableField("side", Schema.FieldType.STRING)
          .addNullableField("symbol", Schema.FieldType.STRING)
          .build();

  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  static Row trade(Instant ts, long seq, Double price, String side, String symbol) {
    return Row.withSchema(TRADES).addValues(ts, seq, price, side, symbol).build();
  }

  static RuleFailure failure(String rule, String column, String severity, String value, String message) {
    return RuleFailure.of(rule, column, severity, value, message);
  }

  private PCollection<Row> input(Schema schema, Row... rows) {
    return p.apply("Input", Create.of(Arrays.asList(rows)).withRowSchema(schema));
  }

  static RuleOutcome outcome(ValidationReport r, String id) {
    return r.rules().stream().filter(o -> o.rule().equals(id)).findFirst().get();
  }

  static final String COLUMN_RULES =
      "columns:\n"
          + "  price:\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: min, value: 0, exclusive: true}\n"
          + "    - {rule: max, value: 100, severity: warn}\n"
          + "  side:\n"
          + "    - {rule: in, values: [buy, sell]}\n"
          + "  symbol:\n"
          + "    - {rule: regex, pattern: \"^[A-Z]{3,10}$\"}\n";

  @Test
  public void columnRules_routeRecordsWithEveryFailure_andCountThem() {
    Row r1 = trade(T0, 1, 10.0, "buy", "ABC");
    Row r2 = trade(T0, 2, -5.0, "buy", "ABC");
    Row r3 = trade(T0, 3, null, "sell", "ABC");
    Row r4 = trade(T0, 4, 200.0, "buy", "ABC");
    Row r5 = trade(T0, 5, 0.0, "hold", "abc");
    Row r6 = trade(T0, 6, 150.0, "buy", "ab");
    ValidationResult result =
        input(TRADES, r1, r2, r3, r4, r5, r6)
            .apply("Validate", Validate.against(Rules.parse(COLUMN_RULES, "rules.yaml")));
    PAssert.that(result.valid()).containsInAnyOrder(r1, r4);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(r2, List.of(failure("price.min", "price", "error", "-5.0", "-5.0 is not > 0"))),
            new Violation(r3, List.of(failure("price.not_null", "price", "error", "null", "value is null"))),
            new Violation(
                r5,
                List.of(
                    failure("price.min", "price", "error", "0.0", "0.0 is not > 0"),
                    failure("side.in", "side", "error", "\"hold\"", "\"hold\" is not one of [buy, sell]"),
                    failure(
                        "symbol.regex", "symbol", "error", "\"abc\"", "\"abc\" does not match ^[A-Z]{3,10}$"))),
            new Violation(
                r6,
                List.of(
                    failure("price.max", "price", "warn", "150.0", "150.0 is not <= 100"),
                    failure(
                        "symbol.regex", "symbol", "error", "\"ab\"", "\"ab\" does not match ^[A-Z]{3,10}$"))));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(r.recordsIn(), equalTo(6L));
                  assertThat(r.recordsValid(), equalTo(2L));
                  assertThat(r.recordsQuarantined(), equalTo(4L));
                  assertThat(r.recordsWarned(), equalTo(1L));
                  assertThat(r.recordsUnparsed(), equalTo(0L));
                  assertThat(
                      r.rules().stream().map(RuleOutcome::rule).collect(Collectors.toList()),
                      contains("price.not_null", "price.min", "price.max", "side.in", "symbol.regex"));
                  assertThat(
                      outcome(r, "price.not_null"),
                      equalTo(
                          RuleOutcome.of(
                              "price.not_null", "price", "column", "error", 6, 1, false,
                              List.of("null"), null, "1 of 6 values are null")));
                  assertThat(
                      outcome(r, "price.min"),
                      equalTo(
                          RuleOutcome.of(
                              "price.min", "price", "column", "error", 5, 2, false,
                              List.of("-5.0", "0.0"), null, "2 of 5 values are not > 0")));
                  assertThat(
                      outcome(r, "price.max"),
                      equalTo(
                          RuleOutcome.of(
                              "price.max", "price", "column", "warn", 5, 2, false,
                              List.of("150.0", "200.0"), null, "2 of 5 values are not <= 100")));
                  assertThat(outcome(r, "side.in").examples(), contains("\"hold\""));
                  assertThat(outcome(r, "symbol.regex").examples(), contains("\"ab\"", "\"abc\""));
                  assertThat(r.datasetErrorFailed(), equalTo(false));
                  return null;
                });
    PipelineResult run = p.run();
    run.waitUntilFinish();
    assertThat(counter(run, "records_validated"), equalTo(6L));
    assertThat(counter(run, "records_valid"), equalTo(2L));
    assertThat(counter(run, "records_invalid"), equalTo(4L));
    assertThat(counter(run, "records_warned"), equalTo(1L));
    assertThat(counter(run, "rule_checked.price.min"), equalTo(5L));
    assertThat(counter(run, "rule_failed.price.min"), equalTo(2L));
    assertThat(counter(run, "rule_failed.symbol.regex"), equalTo(2L));
  }

  static long counter(PipelineResult run, String name) {
    MetricQueryResults q =
        run.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Validate.NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void reportJson_smallCase_isExact_andRoundTrips() {
    Schema s =
        Schema.builder()
            .addNullableField("price", Schema.FieldType.DOUBLE)
            .addNullableField("side", Schema.FieldType.STRING)
            .build();
    Rules rules =
        Rules.parse(
            "columns:\n  price:\n    - {rule: min, value: 0}\ndataset:\n  - {rule: row_count, min: 1}\n",
            "r.yaml");
    ValidationResult result =
        input(
                s,
                Row.withSchema(s).addValues(1.5, "sell").build(),
                Row.withSchema(s).addValues(-2.0, "buy").build())
            .apply("Validate", Validate.against(rules));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  String json = r.toJson();
                  assertThat(
                      json,
                      equalTo(
                          "{\"records_in\":2,\"records_valid\":1,\"records_quarantined\":1,"
                              + "\"records_warned\":0,\"records_unparsed\":0,"
                              + "\"totals\":{\"records_in\":2,\"records_valid\":1,\"records_quarantined\":1},"
                              + "\"passed\":true,\"rules\":["
                              + "{\"rule\":\"price.min\",\"column\":\"price\",\"level\":\"column\","
                              + "\"severity\":\"error\",\"checked\":2,\"failed\":1,\"passed\":false,"
                              + "\"examples\":[-2.0],\"observed\":null,\"message\":\"1 of 2 values are not >= 0\"},"
                              + "{\"rule\":\"dataset.row_count\",\"column\":null,\"level\":\"dataset\","
                              + "\"severity\":\"error\",\"checked\":2,\"failed\":0,\"passed\":true,"
                              + "\"examples\":[],\"observed\":2,\"message\":\"row count 2 is within the bounds\"}],"
                              + "\"columns\":[{\"column\":\"price\",\"type\":\"DOUBLE\",\"count\":2,\"nulls\":0,"
                              + "\"min\":-2.0,\"max\":1.5},{\"column\":\"side\",\"type\":\"STRING\",\"count\":2,"
                              + "\"nulls\":0,\"min\":\"buy\",\"max\":\"sell\"}]}"));
                  assertThat(ValidationReport.fromJson(json), equalTo(r));
                  ValidationReport withUnparsed = r.withUnparsed(3);
                  assertThat(withUnparsed.recordsIn(), equalTo(5L));
                  assertThat(withUnparsed.recordsQuarantined(), equalTo(4L));
                  assertThat(withUnparsed.recordsUnparsed(), equalTo(3L));
                  assertThat(ValidationReport.fromJson(withUnparsed.toJson()), equalTo(withUnparsed));
                  return null;
                });
    PAssert.that(result.violations())
        .satisfies(
            vs -> {
              assertThat(
                  vs.iterator().next().toJson(),
                  equalTo(
                      "{\"record\":{\"price\":-2.0,\"side\":\"buy\"},\"failures\":[{\"rule\":\"price.min\","
                          + "\"column\":\"price\",\"severity\":\"error\",\"value\":-2.0,"
                          + "\"message\":\"-2.0 is not >= 0\"}]}"));
              return null;
            });
    p.run();
  }

  @Test
  public void emptyInput_givesOneReport_andRowCountMinFails() {
    Rules rules =
        Rules.parse(
            "columns:\n  price:\n    - {rule: not_null}\n"
                + "dataset:\n  - {rule: row_count, min: 1}\n  - {rule: completeness, column: price, min: 0.9}\n",
            "r.yaml");
    ValidationResult result =
        p.apply("Input", Create.empty(TRADES)).apply("Validate", Validate.against(rules));
    PAssert.that(result.valid()).empty();
    PAssert.that(result.violations()).empty();
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(r.recordsIn(), equalTo(0L));
                  assertThat(
                      outcome(r, "dataset.row_count"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.row_count", null, "dataset", "error", 0, 1, false, List.of(),
                              "0", "row count 0 is below the minimum 1")));
                  assertThat(outcome(r, "price.not_null").checked(), equalTo(0L));
                  assertThat(outcome(r, "dataset.completeness").passed(), equalTo(true));
                  assertThat(r.datasetErrorFailed(), equalTo(true));
                  assertThat(r.columns().size(), equalTo(5));
                  assertThat(r.columns().get(2), equalTo(ColumnSummary.of("price", "DOUBLE", 0, 0, null, null)));
                  return null;
                });
    p.run();
  }

  @Test
  public void datasetRules_giveVerdictsAndObservedValues() {
    Rules rules =
        Rules.parse(
            "dataset:\n"
                + "  - {rule: row_count, min: 1, max: 3}\n"
                + "  - {rule: completeness, column: price, min: 0.75}\n"
                + "  - {rule: completeness, column: side, min: 0.9, severity: warn}\n"
                + "  - {rule: freshness, column: ts_event, max_age: PT24H}\n"
                + "  - {rule: freshness, column: ts_event, max_age: PT6H}\n"
                + "  - {rule: schema, required: [ts_event, seq, venue]}\n"
                + "  - {rule: schema, required: [ts_event, seq, price, side], exact: true}\n"
                + "  - {rule: unique, columns: [ts_event, seq]}\n",
            "r.yaml");
    Row a = trade(T0, 1, 1.0, "buy", "ABC");
    Row b = trade(T0, 1, 2.0, null, "ABC");
    Row c = trade(T0.minus(1000), 2, 3.0, "sell", "ABC");
    Row d = trade(T0.minus(1000), 2, null, "sell", "ABC");
    Row e = trade(null, 3, 5.0, "sell", "ABC");
    ValidationResult result =
        input(TRADES, a, b, c, d, e)
            .apply(
                "Validate",
                Validate.against(rules).withNow(Instant.parse("2026-11-23T12:00:00Z")));
    PAssert.that(result.valid()).containsInAnyOrder(a, b, c, d, e);
    PAssert.that(result.violations()).empty();
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(
                      outcome(r, "dataset.row_count"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.row_count", null, "dataset", "error", 5, 1, false, List.of(),
                              "5", "row count 5 is above the maximum 3")));
                  assertThat(
                      outcome(r, "dataset.completeness"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.completeness", "price", "dataset", "error", 5, 1, true, List.of(),
                              "0.8", "4 of 5 values of price are not null (0.8), at least the minimum 0.75")));
                  assertThat(outcome(r, "dataset.completeness#2").passed(), equalTo(false));
                  assertThat(outcome(r, "dataset.completeness#2").severity(), equalTo("warn"));
                  assertThat(
                      outcome(r, "dataset.freshness"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.freshness", "ts_event", "dataset", "error", 4, 0, true, List.of(),
                              "\"2026-11-23T00:00:00Z\"",
                              "the newest ts_event 2026-11-23T00:00:00Z is within PT24H before 2026-11-23T12:00:00Z")));
                  assertThat(outcome(r, "dataset.freshness#2").passed(), equalTo(false));
                  assertThat(outcome(r, "dataset.freshness#2").failed(), equalTo(1L));
                  assertThat(
                      outcome(r, "dataset.schema"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.schema", null, "dataset", "error", 5, 1, false, List.of(),
                              "[\"venue\"]", "missing columns: venue")));
                  assertThat(outcome(r, "dataset.schema#2").observed(), equalTo("[]"));
                  assertThat(
                      outcome(r, "dataset.schema#2").message(), equalTo("unexpected columns: symbol"));
                  assertThat(
                      outcome(r, "dataset.unique"),
                      equalTo(
                          RuleOutcome.of(
                              "dataset.unique", null, "dataset", "error", 5, 4, false,
                              List.of("[\"2026-11-22T23:59:59Z\",2]", "[\"2026-11-23T00:00:00Z\",1]"),
                              "2", "2 values of (ts_event, seq) occur more than once, in 4 records")));
                  assertThat(r.datasetErrorFailed(), equalTo(true));
                  assertThat(
                      r.columns().get(0),
                      equalTo(
                          ColumnSummary.of(
                              "ts_event", "DATETIME", 5, 1, "\"2026-11-22T23:59:59Z\"",
                              "\"2026-11-23T00:00:00Z\"")));
                  assertThat(r.columns().get(1), equalTo(ColumnSummary.of("seq", "INT64", 5, 0, "1", "3")));
                  assertThat(r.columns().get(2), equalTo(ColumnSummary.of("price", "DOUBLE", 5, 1, "1.0", "5.0")));
                  return null;
                });
    p.run();
  }

  @Test
  public void expand_ruleOnMissingColumn_isRejectedBeforeRunning() {
    Rules rules = Rules.parse("columns:\n  venue:\n    - {rule: not_null}\n", "r.yaml");
    PCollection<Row> in = input(TRADES, trade(T0, 1, 1.0, "buy", "ABC"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> in.apply("Validate", Validate.against(rules)));
    assertThat(
        e.getMessage(),
        equalTo(
            "rule 'venue.not_null' (r.yaml:3) names column 'venue', which is not in the schema; columns: ts_event, seq, price, side, symbol"));
    p.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void withMaxExamples_outOfRange_isRejected_andDisplayDataShowsSettings() {
    Validate.Rows t =
        Validate.against(Rules.parse(COLUMN_RULES, "rules.yaml"))
            .withNow(Instant.parse("2026-11-23T12:00:00Z"))
            .withMaxExamples(7);
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> t.withMaxExamples(-1)).getMessage(),
        equalTo("withMaxExamples(n): n must be in [0, 1000], not -1"));
    org.apache.beam.sdk.transforms.display.DisplayData d =
        org.apache.beam.sdk.transforms.display.DisplayData.from(t);
    assertThat(
        d.items().stream()
            .map(i -> i.getKey() + "=" + i.getValue())
            .sorted()
            .collect(Collectors.toList()),
        contains("maxExamples=7", "now=2026-11-23T12:00:00.000Z", "ruleCount=5", "rules=rules.yaml"));
    p.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void expand_windowedInput_isRejected() {
    PCollection<Row> in =
        input(TRADES, trade(T0, 1, 1.0, "buy", "ABC"))
            .apply(
                "Window",
                org.apache.beam.sdk.transforms.windowing.Window.into(
                    org.apache.beam.sdk.transforms.windowing.FixedWindows.of(
                        org.joda.time.Duration.standardMinutes(1))));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> in.apply("Validate", Validate.against(Rules.parse(COLUMN_RULES, "r.yaml"))));
    assertThat(
        e.getMessage(),
        equalTo(
            "Validate.against(rules) needs input in the global window, not "
                + in.getWindowingStrategy().getWindowFn()
                + "; validate before windowing"));
    p.enableAbandonedNodeEnforcement(false);
  }

  /** Every coder in a coder's tree: a Partial or report Java-serialized anywhere would show here. */
  private static void collectCoders(Coder<?> c, List<Coder<?>> out) {
    out.add(c);
    for (Coder<?> arg : c.getCoderArguments()) {
      collectCoders(arg, out);
    }
    if (c instanceof StructuredCoder) {
      for (Coder<?> comp : ((StructuredCoder<?>) c).getComponents()) {
        collectCoders(comp, out);
      }
    }
  }

  @Test
  public void expand_everyBranch_hasExplicitCoders_noSerializableCoder_andRunsWithCoderChecks() {
    // Column unique (keyed join), dataset unique (key groups) and column rules: every branch.
    Rules rules =
        Rules.parse(
            "columns:\n"
                + "  price:\n"
                + "    - {rule: min, value: 0}\n"
                + "  seq:\n"
                + "    - {rule: unique}\n"
                + "dataset:\n"
                + "  - {rule: unique, columns: [ts_event, seq], severity: warn}\n",
            "r.yaml");
    Row a = trade(T0, 1, 1.0, "buy", "ABC");
    Row b = trade(T0, 1, -2.0, "sell", "ABC");
    Row c = trade(T0, 2, 3.0, null, "ABC");
    ValidationResult result = input(TRADES, a, b, c).apply("Validate", Validate.against(rules));
    assertThat(result.report().getCoder(), sameInstance((Object) ValidationReportCoder.of()));
    List<String> partialCoders = new ArrayList<>();
    List<String> serializable = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            // Only this transform's collections: Create's own source coder is Beam's business.
            if (!(value instanceof PCollection) || !value.getName().startsWith("Validate/")) {
              return;
            }
            List<Coder<?>> coders = new ArrayList<>();
            collectCoders(((PCollection<?>) value).getCoder(), coders);
            for (Coder<?> coder : coders) {
              if (coder instanceof SerializableCoder) {
                serializable.add(value.getName() + ": " + coder);
              }
              if (coder instanceof PartialCoder) {
                partialCoders.add(value.getName());
              }
            }
          }
        });
    assertThat(serializable, empty());
    // The four kinds of parts, their flatten and the merged part (Beam's own collections inside
    // Combine.globally carry the coder too).
    assertThat(
        partialCoders,
        hasItems(
            "Validate/EvaluateRules.partials",
            "Validate/EvaluateKeyedRules.keyedPartials",
            "Validate/ClassifyRecords.joinedPartials",
            "Validate/FindDuplicateKeys/ParMultiDo(DuplicateKeys).output",
            "Validate/FlattenReportParts.out",
            "Validate/MergeReportParts/Flatten.PCollections.out"));
    PAssert.that(result.valid()).containsInAnyOrder(c);
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(r.recordsIn(), equalTo(3L));
                  assertThat(r.recordsQuarantined(), equalTo(2L));
                  assertThat(outcome(r, "seq.unique").failed(), equalTo(2L));
                  assertThat(outcome(r, "seq.unique").examples(), contains("1"));
                  assertThat(outcome(r, "dataset.unique").failed(), equalTo(2L));
                  assertThat(outcome(r, "price.min").examples(), contains("-2.0"));
                  return null;
                });
    // TestPipeline keeps the DirectRunner's checks on: every element is encoded, decoded and
    // compared, so a coder that loses a field fails here.
    p.run();
  }
}
