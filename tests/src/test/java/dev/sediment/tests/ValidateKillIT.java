package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * "The report is the run's commit marker": {@code bin/sediment validate} (its own JVM,
 * DirectRunner) is killed with SIGKILL at 3 moments spread over a run, on a lake holding the
 * output of an earlier validation of other input. After every kill, {@code
 * reports/validation/kill/report.json} exists only if the valid rows and the violations of that
 * run are completely in place, and both are either the earlier run's or this input's, never a mix;
 * the rerun's output equals an uninterrupted reference run's and leaves no temporary file.
 *
 * <p>Compared as in {@link IngestTableKillIT}: Parquet files and markers by their bytes,
 * quarantine lines without {@code detected_at}, the report without {@code started_at} and {@code
 * finished_at}.
 */
public class ValidateKillIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final int KILLS = 3;
  private static final String REPORT = "reports/validation/kill";
  private static final String[] OUTPUTS = {"processed/trades", "quarantine/trades", REPORT};
  private static final String SUMMARY =
      "validate trades: validated against %s: 24,000 records in, 23,858 valid, 142 quarantined"
          + " (48 unparsed, 94 breaking error rules)";

  private Path work;
  private Path schema;
  private Path rules;

  private Sediment.Running validate(Path lake, Path input, String runId) throws Exception {
    return Sediment.start(
        work,
        Map.of(),
        List.of("-Xmx768m"),
        "validate",
        "--rules=" + rules,
        "--input=" + input + "/*.csv",
        "--format=csv",
        "--schema=" + schema,
        "--dataset=trades",
        "--partitionBy=date",
        "--runId=" + runId,
        "--lake=" + lake);
  }

  /** The valid rows and the quarantine, without the report. */
  private static Map<String, String> data(Map<String, String> visible) {
    Map<String, String> out = new java.util.TreeMap<>(LakeOutputs.below(visible, OUTPUTS[0]));
    out.putAll(LakeOutputs.below(visible, OUTPUTS[1]));
    return out;
  }

  @Test
  public void validate_killedAtAnyMoment_reportOnlyAfterItsData_andRerunEqualsACleanRun()
      throws Exception {
    work = tmp.getRoot().toPath();
    schema = work.resolve("trades.avsc");
    try (InputStream s = getClass().getResourceAsStream("/ingest/trades.avsc")) {
      Files.write(schema, s.readAllBytes());
    }
    rules = work.resolve("trades.rules.yaml");
    Files.writeString(
        rules,
        "columns:\n"
            + "  price:\n"
            + "    - {rule: min, value: 0, exclusive: true}\n"
            + "  side:\n"
            + "    - {rule: in, values: [buy, sell]}\n"
            + "dataset:\n"
            + "  - {rule: row_count, min: 1}\n");
    Path input = work.resolve("in");
    LakeOutputs.writeTrades(input, 4, 6_000, 1);
    Path oldInput = work.resolve("old-in");
    LakeOutputs.writeTrades(oldInput, 1, 2_000, 2);

    Path reference = work.resolve("reference");
    List<Sediment.Result> results = new ArrayList<>();
    long[] times =
        LakeOutputs.timedFromStaging(validate(reference, input, "kill"), reference, "trades", results);
    Sediment.Result ref = results.get(0);
    assertThat(ref.toString(), ref.exitCode, equalTo(0));
    assertThat(ref.stdout, containsString(String.format(SUMMARY, rules)));
    Map<String, String> newOutput = LakeOutputs.visible(reference, OUTPUTS);
    assertThat(
        newOutput.keySet(),
        equalTo(
            new java.util.TreeSet<>(
                List.of(
                    "processed/trades/_SUCCESS",
                    "processed/trades/date=2026-02-03/part-00000-of-00001.parquet",
                    "processed/trades/date=2026-02-04/part-00000-of-00001.parquet",
                    "processed/trades/date=2026-02-05/part-00000-of-00001.parquet",
                    "quarantine/trades/_SUCCESS",
                    "quarantine/trades/records-00000-of-00001.jsonl",
                    "quarantine/trades/violations-00000-of-00001.jsonl",
                    REPORT + "/report.html",
                    REPORT + "/report.json"))));
    assertThat(LakeOutputs.leftovers(reference), empty());
    // Kill moments after the run starts staging, spread over what the reference run took then.
    long[] delays = LakeOutputs.delays(0, times[1] - times[0], KILLS);
    System.out.printf(
        "reference run: staging after %d ms, ended after %d ms; kills %s ms after staging%n",
        times[0], times[1], Arrays.toString(delays));

    Path lake = work.resolve("lake");
    Sediment.Result old = validate(lake, oldInput, "old").await(5, TimeUnit.MINUTES);
    assertThat(old.toString(), old.exitCode, equalTo(0));
    Map<String, String> oldData = data(LakeOutputs.visible(lake, OUTPUTS));
    assertThat(oldData, not(equalTo(data(newOutput))));

    int caughtMidway = 0;
    for (int i = 0; i < KILLS; i++) {
      String where = "kill " + (i + 1) + " " + delays[i] + " ms after staging";
      boolean killed =
          LakeOutputs.killAfterStaging(validate(lake, input, "kill"), lake, "trades", delays[i], where);
      caughtMidway += killed && LakeOutputs.staging(lake, "trades") ? 1 : 0;
      Map<String, String> seen = LakeOutputs.visible(lake, OUTPUTS);
      Map<String, String> report = LakeOutputs.below(seen, REPORT);
      if (!report.isEmpty()) {
        // The commit marker: present only with its run's complete data, and complete itself.
        assertThat(where, data(seen), equalTo(data(newOutput)));
        assertThat(where, report, equalTo(LakeOutputs.below(newOutput, REPORT)));
      } else if (!LakeOutputs.commitInProgress(lake, "trades")) {
        assertThat(where, data(seen), equalTo(oldData));
      }
      for (String dir : new String[] {OUTPUTS[0], OUTPUTS[1]}) {
        Map<String, String> d = LakeOutputs.below(seen, dir);
        assertThat(
            where + " " + dir,
            d.equals(LakeOutputs.below(oldData, dir)) || d.equals(LakeOutputs.below(newOutput, dir)),
            equalTo(true));
      }
      System.out.println(
          where + ": " + (killed ? "killed" : "had finished") + ", visible: "
              + (report.isEmpty() ? "old output, no report" : "new output with its report")
              + ", left: " + LakeOutputs.leftovers(lake));
    }

    Sediment.Result rerun = validate(lake, input, "kill").await(5, TimeUnit.MINUTES);
    assertThat(rerun.toString(), rerun.exitCode, equalTo(0));
    assertThat(rerun.stdout, containsString(String.format(SUMMARY, rules)));
    assertThat(LakeOutputs.visible(lake, OUTPUTS), equalTo(newOutput));
    assertThat(LakeOutputs.leftovers(lake), empty());
    try (var s = Files.list(lake.resolve("reports/validation"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList(), equalTo(List.of("kill", "old")));
    }
    try (var s = Files.list(lake)) {
      assertThat(
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          equalTo(List.of("processed", "quarantine", "reports")));
    }
    assertThat("kills that caught a run midway", caughtMidway, greaterThan(0));
  }
}
