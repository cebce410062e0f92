package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertThrows;

import dev.sediment.schemas.RuleFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The bucketed, sorted groupings of keyed rules, dataset unique and the failure join. */
@RunWith(JUnit4.class)
public class ValidateKeyBucketsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final Schema KEYS =
      Schema.builder()
          .addInt64Field("id")
          .addNullableField("a", Schema.FieldType.STRING)
          .addNullableField("b", Schema.FieldType.INT64)
          .addInt64Field("x")
          .build();

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static Row keys(long id, String a, Long b, long x) {
    return Row.withSchema(KEYS).addValues(id, a, b, x).build();
  }

  private PCollection<Row> input(String name, Schema schema, List<Row> rows) {
    return p.apply(name, Create.of(rows).withRowSchema(schema));
  }

  static PCollection<String> tagged(String tag, PCollection<Violation> vs) {
    return vs.apply(
        "Json" + tag,
        MapElements.into(TypeDescriptors.strings()).via(v -> tag + "\t" + v.toJson()));
  }

  /** Asserts that every tag has the same sorted elements, and {@code size} of them. */
  static SerializableFunction<Iterable<String>, Void> sameUnderEveryTag(int tags, int size) {
    return all -> {
      java.util.Map<String, List<String>> byTag = new java.util.TreeMap<>();
      for (String s : all) {
        int tab = s.indexOf('\t');
        byTag.computeIfAbsent(s.substring(0, tab), k -> new ArrayList<>()).add(s.substring(tab + 1));
      }
      assertThat(byTag.size(), equalTo(tags));
      List<String> first = null;
      for (List<String> l : byTag.values()) {
        Collections.sort(l);
        assertThat(l.size(), equalTo(size));
        if (first == null) {
          first = l;
        }
        assertThat(l, equalTo(first));
      }
      return null;
    };
  }

  @Test
  public void datasetUnique_duplicatesSpreadOverSeveralBuckets_countsEveryGroup() {
    // Keys (k0, 0) .. (k9, 9) occur twice, (k10, 10) .. (k29, 29) once.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(keys(i, "k" + (i % 30), (long) (i % 30), 1));
    }
    Set<Integer> buckets = new HashSet<>();
    for (int k = 0; k < 10; k++) {
      byte[] key = SortKeys.ruleValue(0, Json.text(List.of("k" + k, (long) k)));
      buckets.add(SortKeys.bucket(key, key.length, 4));
    }
    assertThat(buckets.size(), greaterThan(1));
    Rules rules = Rules.parse("dataset:\n  - {rule: unique, columns: [a, b]}\n", "r.yaml");
    ValidationResult result =
        input("Input", KEYS, rows)
            .apply("Validate", Validate.against(rules).withNow(NOW).withKeyBuckets(4));
    PAssert.that(result.violations()).empty();
    PAssert.thatSingleton(result.report())
        .satisfies(
            r -> {
              assertThat(
                  ValidateTest.outcome(r, "dataset.unique"),
                  equalTo(
                      RuleOutcome.of(
                          "dataset.unique", null, "dataset", "error", 40, 20, false,
                          List.of("[\"k0\",0]", "[\"k1\",1]", "[\"k2\",2]", "[\"k3\",3]", "[\"k4\",4]"),
                          "10", "10 values of (a, b) occur more than once, in 20 records")));
              assertThat(r.recordsValid(), equalTo(40L));
              return null;
            });
    p.run();
  }

  @Test
  public void keyBucketsAndSortMemory_oneDefaultMaximumAndSpilled_giveIdenticalResults() {
    // a: a0..a19 twice, a20..a39 once; b: 0..24 twice, 25..34 once; x < 0 for every 7th id.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(keys(i, "a" + (i < 40 ? i : i - 40), (long) (i % 35), i % 7 == 0 ? -1 : 1));
    }
    rows.add(keys(60, null, null, 1));
    Rules rules =
        Rules.parse(
            "columns:\n"
                + "  a:\n    - {rule: unique}\n"
                + "  x:\n    - {rule: min, value: 0}\n"
                + "  b:\n    - {rule: unique, severity: warn}\n"
                + "dataset:\n  - {rule: unique, columns: [a, b]}\n",
            "r.yaml");
    PCollection<Row> in = input("Input", KEYS, rows);
    List<PCollection<String>> reports = new ArrayList<>();
    List<PCollection<String>> violations = new ArrayList<>();
    // The last: one bucket sorted with 1 byte of memory, so every entry is a run of its own on
    // disk (122 keyed entries: more runs than one merge opens) before the scan.
    int[] bucketCounts = {1, Validate.DEFAULT_KEY_BUCKETS, Validate.MAX_KEY_BUCKETS, 1};
    long[] sortMemory = {64L << 20, 64L << 20, 64L << 20, 1};
    for (int v = 0; v < bucketCounts.length; v++) {
      int n = v;
      ValidationResult r =
          in.apply(
              "Validate" + n,
              Validate.against(rules)
                  .withNow(NOW)
                  .withKeyBuckets(bucketCounts[v])
                  .withSortMemoryBytes(sortMemory[v]));
      reports.add(
          r.report()
              .apply(
                  "ReportJson" + n,
                  MapElements.into(TypeDescriptors.strings()).via(rep -> n + "\t" + rep.toJson())));
      violations.add(tagged(String.valueOf(n), r.violations()));
      PAssert.thatSingleton("Report" + n, r.report())
          .satisfies(
              rep -> {
                assertThat(ValidateTest.outcome(rep, "a.unique").failed(), equalTo(40L));
                assertThat(ValidateTest.outcome(rep, "b.unique").failed(), equalTo(50L));
                assertThat(ValidateTest.outcome(rep, "x.min").failed(), equalTo(9L));
                assertThat(ValidateTest.outcome(rep, "dataset.unique").failed(), equalTo(0L));
                // Duplicate a (ids 0..19, 40..59) or x < 0 (also 21, 28, 35); b only warns
                // (valid ids 20, 22..24, 36..39).
                assertThat(rep.recordsQuarantined(), equalTo(43L));
                assertThat(rep.recordsValid(), equalTo(18L));
                assertThat(rep.recordsWarned(), equalTo(8L));
                return null;
              });
    }
    PAssert.that(PCollectionList.of(reports).apply("FlattenReports", Flatten.pCollections()))
        .satisfies(sameUnderEveryTag(4, 1));
    PAssert.that(PCollectionList.of(violations).apply("FlattenViolations", Flatten.pCollections()))
        .satisfies(sameUnderEveryTag(4, 43));
    p.run();
  }

  @Test
  public void join_recordWithFailuresOfTwoKeyedRulesAndAStatelessRule_getsAllInRulesOrder() {
    Row r1 = keys(1, "d", 1L, -1);
    Row r2 = keys(2, "d", 2L, 1);
    Row r3 = keys(3, "e", 1L, 1);
    Row r4 = keys(4, "f", 3L, 1);
    Rules rules =
        Rules.parse(
            "columns:\n"
                + "  a:\n    - {rule: unique}\n"
                + "  x:\n    - {rule: min, value: 0}\n"
                + "  b:\n    - {rule: unique}\n",
            "r.yaml");
    ValidationResult result =
        input("Input", KEYS, List.of(r1, r2, r3, r4))
            .apply("Validate", Validate.against(rules).withNow(NOW).withKeyBuckets(2));
    RuleFailure dupA = RuleFailure.of("a.unique", "a", "error", "\"d\"", "\"d\" occurs 2 times");
    RuleFailure dupB = RuleFailure.of("b.unique", "b", "error", "1", "1 occurs 2 times");
    PAssert.that(result.valid()).containsInAnyOrder(r4);
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                r1, List.of(dupA, RuleFailure.of("x.min", "x", "error", "-1", "-1 is not >= 0"), dupB)),
            new Violation(r2, List.of(dupA)),
            new Violation(r3, List.of(dupB)));
    PAssert.thatSingleton(result.report())
        .satisfies(
            r -> {
              assertThat(r.recordsQuarantined(), equalTo(3L));
              assertThat(r.recordsValid(), equalTo(1L));
              assertThat(ValidateTest.outcome(r, "a.unique").examples(), contains("\"d\""));
              assertThat(ValidateTest.outcome(r, "b.unique").examples(), contains("1"));
              return null;
            });
    p.run();
  }

  @Test
  public void keyedAndDatasetRules_emptyInput_giveOneEmptyReport() {
    Rules rules =
        Rules.parse(
            "columns:\n  a:\n    - {rule: unique}\ndataset:\n  - {rule: unique, columns: [a, b]}\n",
            "r.yaml");
    ValidationResult result =
        input("Input", KEYS, List.of())
            .apply("Validate", Validate.against(rules).withNow(NOW).withKeyBuckets(3));
    PAssert.that(result.valid()).empty();
    PAssert.that(result.violations()).empty();
    PAssert.thatSingleton(result.report())
        .satisfies(
            r -> {
              assertThat(r.recordsIn(), equalTo(0L));
              assertThat(ValidateTest.outcome(r, "a.unique").checked(), equalTo(0L));
              assertThat(ValidateTest.outcome(r, "a.unique").failed(), equalTo(0L));
              assertThat(ValidateTest.outcome(r, "dataset.unique").failed(), equalTo(0L));
              assertThat(ValidateTest.outcome(r, "dataset.unique").passed(), equalTo(true));
              return null;
            });
    p.run();
  }

  @Test
  public void gaps_channelRecordsOutOfOrder_giveTheSameViolationsAsInOrder() throws IOException {
    List<Row> rows = ValidateSeismicTest.read("mseed2/obspy/gaps.mseed");
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(7));
    List<Row> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);
    Rules rules = Rules.parse("seismic:\n  - {rule: gaps}\n  - {rule: overlaps}\n", "r.yaml");
    List<PCollection<String>> out = new ArrayList<>();
    String[] tags = {"inOrder", "shuffled", "reversed"};
    List<List<Row>> inputs = List.of(rows, shuffled, reversed);
    for (int i = 0; i < 3; i++) {
      ValidationResult r =
          input("Input" + tags[i], ValidateSeismicTest.TRACE, inputs.get(i))
              .apply(
                  "Validate" + tags[i],
                  Validate.against(rules).withNow(NOW).withKeyBuckets(i == 0 ? 64 : 3));
      out.add(tagged(tags[i], r.violations()));
    }
    PAssert.that(PCollectionList.of(out).apply(Flatten.pCollections()))
        .satisfies(sameUnderEveryTag(3, 3));
    p.run();
  }

  @Test
  public void gaps_negativeStartTimesOutOfOrder_sortBeforePositive() throws IOException {
    Row proto = ValidateSeismicTest.read("mseed2/obspy/gaps.mseed").get(0);
    long s = 1_000_000_000L;
    long[] starts = {s / 2, -s, -3 * s, -2 * s};
    List<Row> rows = new ArrayList<>();
    for (long t : starts) {
      rows.add(
          Row.fromRow(proto)
              .withFieldValue("network", "XX")
              .withFieldValue("station", "NEG")
              .withFieldValue("location", null)
              .withFieldValue("channel", "HHZ")
              .withFieldValue("start_time_ns", t)
              .withFieldValue("sample_rate_hz", 100.0)
              .withFieldValue("sample_count", 100)
              .build());
    }
    Rules rules = Rules.parse("seismic:\n  - {rule: gaps}\n  - {rule: overlaps}\n", "r.yaml");
    ValidationResult result =
        input("Input", ValidateSeismicTest.TRACE, rows)
            .apply("Validate", Validate.against(rules).withNow(NOW).withKeyBuckets(2));
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                rows.get(0),
                List.of(
                    RuleFailure.of(
                        "seismic.gaps", null, "error", "0.5",
                        "gap of 0.5 s after the previous record of XX.NEG..HHZ (tolerance 0.005 s)"))));
    PAssert.thatSingleton(result.report())
        .satisfies(
            r -> {
              assertThat(ValidateTest.outcome(r, "seismic.gaps").checked(), equalTo(4L));
              assertThat(ValidateTest.outcome(r, "seismic.overlaps").failed(), equalTo(0L));
              return null;
            });
    p.run();
  }

  @Test
  public void withKeyBuckets_outOfRange_isRejected_andDisplayDataShowsIt() {
    Validate.Rows t =
        Validate.against(Rules.parse("columns:\n  a:\n    - {rule: unique}\n", "r.yaml"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> t.withKeyBuckets(0)).getMessage(),
        equalTo("withKeyBuckets(n): n must be in [1, 65536], not 0"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> t.withKeyBuckets(65537)).getMessage(),
        equalTo("withKeyBuckets(n): n must be in [1, 65536], not 65537"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> t.withSortMemoryBytes(0)).getMessage(),
        equalTo("withSortMemoryBytes(bytes): bytes must be at least 1, not 0"));
    List<String> items =
        DisplayData.from(t.withKeyBuckets(8)).items().stream()
            .map(i -> i.getKey() + "=" + i.getValue())
            .filter(i -> i.startsWith("keyBuckets"))
            .collect(Collectors.toList());
    assertThat(items, contains("keyBuckets=8"));
    p.enableAbandonedNodeEnforcement(false);
  }
}
