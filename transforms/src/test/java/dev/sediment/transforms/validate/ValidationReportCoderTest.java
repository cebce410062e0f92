package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import java.util.List;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** {@link ValidationReportCoder}: exact round trips, equality, determinism, default coder. */
@RunWith(JUnit4.class)
public class ValidationReportCoderTest {
  private static final ValidationReportCoder CODER = ValidationReportCoder.of();

  private static final ValidationReport EMPTY =
      ValidationReport.of(0, 0, 0, 0, 0, List.of(), List.of());

  private static ValidationReport full() {
    return ValidationReport.of(
            2001,
            1993,
            7,
            5,
            0,
            List.of(
                RuleOutcome.of(
                    "temperature_c.min", "temperature_c", "column", "error", 2000, 3, false,
                    List.of("-99.9", "-80.0"), null, "3 of 2000 values are not >= -60"),
                RuleOutcome.of(
                    "station.regex", "station", "column", "error", 2000, 1, false,
                    List.of("\"st05\""), null, "1 of 2000 values do not match ^ST[0-9]{2}$"),
                RuleOutcome.of(
                    "dataset.completeness", null, "dataset", "error", 2000, 30, true,
                    List.of(), "0.985", "humidity_pct is 98.5% complete"),
                // Example texts kept as written: the JSON form would re-format "[1, 2]".
                RuleOutcome.of(
                    "dataset.unique", null, "dataset", "warn", 2000, 4, false,
                    List.of("[\"ST02\", \"2026-02-06T04:11:00Z\"]", "null", "\"\u00e9\uD83D\uDE00\""),
                    "2", "")),
            List.of(
                ColumnSummary.of("station", "STRING", 2000, 0, "\"ST01\"", "\"st05\""),
                ColumnSummary.of("humidity_pct", "DOUBLE", 2000, 30, "-5.0", "140.0"),
                ColumnSummary.of("raw", "BYTES", 2000, 2000, null, null)))
        .withUnparsed(1);
  }

  @Test
  public void emptyReport_roundTripsEqual() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(CODER, EMPTY);
    ValidationReport decoded = CoderUtils.clone(CODER, EMPTY);
    assertThat(decoded.rules(), equalTo(List.of()));
    assertThat(decoded.columns(), equalTo(List.of()));
  }

  @Test
  public void fullReport_nullsExamplesAndUnparsed_roundTripsEqualFieldByField() throws Exception {
    ValidationReport r = full();
    CoderProperties.coderDecodeEncodeEqual(CODER, r);
    ValidationReport decoded = CoderUtils.clone(CODER, r);
    assertThat(decoded.recordsIn(), equalTo(2002L));
    assertThat(decoded.recordsQuarantined(), equalTo(8L));
    assertThat(decoded.recordsUnparsed(), equalTo(1L));
    assertThat(decoded.recordsWarned(), equalTo(5L));
    RuleOutcome completeness = decoded.rules().get(2);
    assertThat(completeness.column(), nullValue());
    assertThat(completeness.examples(), equalTo(List.of()));
    assertThat(completeness.observed(), equalTo("0.985"));
    assertThat(decoded.rules().get(0).observed(), nullValue());
    assertThat(
        decoded.rules().get(3).examples().get(0), equalTo("[\"ST02\", \"2026-02-06T04:11:00Z\"]"));
    assertThat(decoded.rules().get(3).message(), equalTo(""));
    assertThat(decoded.columns().get(2).min(), nullValue());
    assertThat(decoded.columns().get(1).nulls(), equalTo(30L));
    assertThat(decoded.toJson(), equalTo(r.toJson()));
    CoderProperties.structuralValueDecodeEncodeEqual(CODER, r);
  }

  @Test
  public void equalReports_sameBytes_differentReports_differentBytes() throws Exception {
    CODER.verifyDeterministic();
    CoderProperties.coderDeterministic(CODER, full(), full());
    CoderProperties.coderConsistentWithEquals(CODER, full(), full());
    CoderProperties.coderConsistentWithEquals(CODER, full(), full().withUnparsed(2));
    CoderProperties.structuralValueConsistentWithEquals(CODER, full(), EMPTY);
    assertThat(
        CoderUtils.encodeToByteArray(CODER, full()),
        not(equalTo(CoderUtils.encodeToByteArray(CODER, full().withUnparsed(2)))));
  }

  @Test
  public void coder_isSerializable_andTheDefaultForValidationReport() throws Exception {
    CoderProperties.coderSerializable(CODER);
    assertThat(
        CoderRegistry.createDefault().getCoder(ValidationReport.class), sameInstance((Object) CODER));
  }
}
