package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.seismic.SeismicFiles;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TraceReader;
import dev.sediment.io.seismic.TraceRecords;
import dev.sediment.schemas.RuleFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Seismic rules on traces read from the real files of {@code shared/testdata}. */
@RunWith(JUnit4.class)
public class ValidateSeismicTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final Schema TRACE = AvroUtils.toBeamSchema(TraceRecords.SCHEMA);

  static Path testdata(String rel) {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve("shared/testdata/MANIFEST.tsv");
      if (Files.exists(c)) {
        return c.getParent().resolve(rel);
      }
    }
    throw new IllegalStateException("shared/testdata not found above " + Paths.get("").toAbsolutePath());
  }

  static List<Row> read(String rel) throws IOException {
    Path f = testdata(rel);
    List<Row> rows = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      SeismicFormat format = SeismicFiles.detect(ch, f.toString());
      try (TraceReader r = SeismicFiles.open(format, ch, f.toString())) {
        for (SeismicTrace t = r.next(); t != null; t = r.next()) {
          rows.add(AvroUtils.toBeamRowStrict(TraceRecords.toRecord(t, rel, r.fileHeaders()), TRACE));
        }
      }
    }
    return rows;
  }

  private PCollection<Row> input(List<Row> rows) {
    return p.apply("Input", Create.of(rows).withRowSchema(TRACE));
  }

  static Row with(Row r, String field, Object value) {
    return Row.fromRow(r).withFieldValue(field, value).build();
  }

  static RuleOutcome outcome(ValidationReport r, String id) {
    return ValidateTest.outcome(r, id);
  }

  static long start(Row r) {
    return r.getInt64("start_time_ns");
  }

  @Test
  public void gapsAndOverlaps_miniSeedWithGaps_flagsTheRecordAfterEachGap() throws IOException {
    List<Row> rows = read("mseed2/obspy/gaps.mseed");
    assertThat(rows.size(), equalTo(128));
    Rules rules = Rules.parse("seismic:\n  - {rule: gaps}\n  - {rule: overlaps}\n", "r.yaml");
    ValidationResult result = input(rows).apply("Validate", Validate.against(rules));
    PAssert.that(result.valid()).satisfies(v -> {
      assertThat(StreamSupport.stream(v.spliterator(), false).count(), equalTo(125L));
      return null;
    });
    PAssert.that(result.violations())
        .satisfies(
            vs -> {
              List<String> rules1 = new ArrayList<>();
              for (Violation v : vs) {
                for (RuleFailure f : v.failures()) {
                  rules1.add(f.getRule());
                }
              }
              assertThat(rules1, contains("seismic.gaps", "seismic.gaps", "seismic.gaps"));
              return null;
            });
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(outcome(r, "seismic.gaps").checked(), equalTo(128L));
                  assertThat(outcome(r, "seismic.gaps").failed(), equalTo(3L));
                  assertThat(outcome(r, "seismic.overlaps").failed(), equalTo(0L));
                  assertThat(r.recordsQuarantined(), equalTo(3L));
                  return null;
                });
    p.run();
  }

  @Test
  public void gapsAndOverlaps_recordShiftedInTime_flagsGapThenOverlap() throws IOException {
    List<Row> rows = read("mseed2/obspy/BW.BGLD.__.EHE.D.2008.001.first_10_records");
    assertThat(rows.size(), equalTo(10));
    Row shifted = with(rows.get(6), "start_time_ns", start(rows.get(6)) + 500_000_000L);
    List<Row> damaged = new ArrayList<>(rows);
    damaged.set(6, shifted);
    Rules rules =
        Rules.parse("seismic:\n  - {rule: gaps}\n  - {rule: overlaps, tolerance: 0.01}\n", "r.yaml");
    ValidationResult result = input(damaged).apply("Validate", Validate.against(rules));
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                shifted,
                List.of(
                    RuleFailure.of(
                        "seismic.gaps", null, "error", "0.5",
                        "gap of 0.5 s after the previous record of BW.BGLD..EHE (tolerance 0.0025 s)"))),
            new Violation(
                rows.get(7),
                List.of(
                    RuleFailure.of(
                        "seismic.overlaps", null, "error", "0.5",
                        "overlap of 0.5 s with the previous record of BW.BGLD..EHE (tolerance 0.01 s)"))));
    p.run();
  }

  @Test
  public void traceRules_damagedCopies_failWithTheirReasons() throws IOException {
    List<Row> rows = read("mseed2/obspy/BW.BGLD.__.EHE.D.2008.001.first_10_records");
    int n = rows.get(0).getInt32("sample_count");
    List<Double> zeros = new ArrayList<>();
    List<Double> withNaN = new ArrayList<>(rows.get(2).getArray("samples").stream().map(o -> (Double) o).collect(Collectors.toList()));
    for (int i = 0; i < n; i++) {
      zeros.add(0.0);
    }
    withNaN.set(3, Double.NaN);
    Map<String, String> noQuality = new HashMap<>(rows.get(4).getMap("headers"));
    noQuality.remove("quality");
    List<Row> damaged = new ArrayList<>(rows);
    damaged.set(1, with(rows.get(1), "samples", zeros));
    damaged.set(2, with(rows.get(2), "samples", withNaN));
    damaged.set(3, with(rows.get(3), "sample_rate_hz", 100.0));
    damaged.set(4, with(with(rows.get(4), "headers", noQuality), "station", ""));
    Rules rules =
        Rules.parse(
            "seismic:\n"
                + "  - {rule: null_trace}\n"
                + "  - {rule: amplitude, max: 1.0e6}\n"
                + "  - {rule: sample_rate, value: 200, tolerance: 0.001}\n"
                + "  - {rule: required_headers, headers: [network, station, channel, quality]}\n",
            "r.yaml");
    ValidationResult result = input(damaged).apply("Validate", Validate.against(rules));
    PAssert.that(result.valid())
        .containsInAnyOrder(rows.get(0), rows.get(5), rows.get(6), rows.get(7), rows.get(8), rows.get(9));
    PAssert.that(result.violations())
        .containsInAnyOrder(
            new Violation(
                damaged.get(1),
                List.of(
                    RuleFailure.of(
                        "seismic.null_trace", null, "error", Integer.toString(n),
                        "all " + n + " samples are 0"))),
            new Violation(
                damaged.get(2),
                List.of(
                    RuleFailure.of(
                        "seismic.amplitude", null, "error", "\"NaN\"", "sample 3 is NaN"))),
            new Violation(
                damaged.get(3),
                List.of(
                    RuleFailure.of(
                        "seismic.sample_rate", null, "error", "100.0",
                        "sample rate 100.0 Hz is not 200 ± 0.001 Hz"))),
            new Violation(
                damaged.get(4),
                List.of(
                    RuleFailure.of(
                        "seismic.required_headers", null, "error", "[\"station\",\"quality\"]",
                        "missing headers: station, quality"))));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(outcome(r, "seismic.amplitude").examples(), contains("\"NaN\""));
                  assertThat(outcome(r, "seismic.null_trace").failed(), equalTo(1L));
                  assertThat(r.recordsIn(), equalTo(10L));
                  assertThat(r.recordsQuarantined(), equalTo(4L));
                  return null;
                });
    p.run();
  }

  @Test
  public void amplitude_onSegy_realTracesPassAndLimitFails() throws IOException {
    List<Row> rows = read("segy/segyio/small.sgy");
    assertThat(rows.size(), equalTo(25));
    Rules rules =
        Rules.parse(
            "seismic:\n  - {rule: null_trace}\n  - {rule: amplitude, max: 5.2}\n"
                + "  - {rule: sample_rate, value: 250}\n",
            "r.yaml");
    ValidationResult result = input(rows).apply("Validate", Validate.against(rules));
    PAssert.thatSingleton(result.report())
        .satisfies(
            (SerializableFunction<ValidationReport, Void>)
                r -> {
                  assertThat(outcome(r, "seismic.null_trace").failed(), equalTo(0L));
                  assertThat(outcome(r, "seismic.sample_rate").failed(), equalTo(0L));
                  assertThat(outcome(r, "seismic.sample_rate").checked(), equalTo(25L));
                  assertThat(r.recordsIn(), equalTo(25L));
                  assertThat(r.recordsValid() + r.recordsQuarantined(), equalTo(25L));
                  return null;
                });
    p.run();
  }

  @Test
  public void seismicRules_onNonTraceSchema_areRejectedNamingTheField() {
    Rules rules = Rules.parse("seismic:\n  - {rule: amplitude}\n", "r.yaml");
    PCollection<Row> in =
        p.apply(
            "Input",
            Create.of(Row.withSchema(ValidateTest.TRADES).addValues(null, 1L, 1.0, "buy", "ABC").build())
                .withRowSchema(ValidateTest.TRADES));
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> in.apply("Validate", Validate.against(rules)));
    assertThat(
        e.getMessage(),
        equalTo(
            "rule 'seismic.amplitude' (r.yaml:2) needs the trace field 'samples', which is not in the schema: seismic rules read rows of SeismicTrace.avsc"));
    p.enableAbandonedNodeEnforcement(false);
  }
}
