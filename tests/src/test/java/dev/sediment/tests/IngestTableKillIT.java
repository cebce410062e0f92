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
 * "A rerun replaces the dataset's previous output as a whole; a run killed at any moment leaves
 * the previous output or the new one visible, never a mix, and no temporary file once the next
 * run is done": {@code bin/sediment ingest-table} (its own JVM, DirectRunner) is killed with
 * SIGKILL at 3 moments spread over a run, each time on a lake that holds the output of an
 * earlier run over other input; then it is run to the end.
 *
 * <p>Compared: every file of {@code processed/trades/} by its bytes (the writer is deterministic,
 * so the rerun's Parquet files are byte-identical to an uninterrupted reference run's, not only
 * the same rows), and every file of {@code quarantine/trades/} by its lines without {@code
 * detected_at} (the time of rejection differs by design), with the same file names.
 */
public class IngestTableKillIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final int KILLS = 3;
  private static final String[] OUTPUTS = {"processed/trades", "quarantine/trades"};

  private Path work;
  private Path schema;

  private Sediment.Running ingest(Path lake, Path input) throws Exception {
    return Sediment.start(
        work,
        Map.of(),
        List.of("-Xmx768m"),
        "ingest-table",
        "--input=" + input + "/*.csv",
        "--schema=" + schema,
        "--dataset=trades",
        "--partitionBy=date",
        "--lake=" + lake);
  }

  @Test
  public void ingestTable_killedAtAnyMoment_showsOldOrNewOutput_andRerunEqualsACleanRun()
      throws Exception {
    work = tmp.getRoot().toPath();
    schema = work.resolve("trades.avsc");
    try (InputStream s = getClass().getResourceAsStream("/ingest/trades.avsc")) {
      Files.write(schema, s.readAllBytes());
    }
    Path input = work.resolve("in");
    LakeOutputs.writeTrades(input, 4, 6_000, 1);
    Path oldInput = work.resolve("old-in");
    LakeOutputs.writeTrades(oldInput, 1, 2_000, 2);

    // The reference: one uninterrupted run into an empty lake, timed to place the kills.
    Path reference = work.resolve("reference");
    List<Sediment.Result> results = new ArrayList<>();
    long[] times = LakeOutputs.timedFromStaging(ingest(reference, input), reference, "trades", results);
    Sediment.Result ref = results.get(0);
    assertThat(ref.toString(), ref.exitCode, equalTo(0));
    assertThat(
        ref.stdout,
        containsString("ingest-table trades: 24,000 records in, 23,952 written, 48 quarantined, from 4 files"));
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
                    "quarantine/trades/records-00000-of-00001.jsonl"))));
    assertThat(LakeOutputs.leftovers(reference), empty());
    // Kill moments after the run starts staging, spread over what the reference run took then.
    long[] delays = LakeOutputs.delays(0, times[1] - times[0], KILLS);
    System.out.printf(
        "reference run: staging after %d ms, ended after %d ms; kills %s ms after staging%n",
        times[0], times[1], Arrays.toString(delays));

    // The lake under test first holds the output of a run over other input.
    Path lake = work.resolve("lake");
    Sediment.Result old = ingest(lake, oldInput).await(5, TimeUnit.MINUTES);
    assertThat(old.toString(), old.exitCode, equalTo(0));
    Map<String, String> oldOutput = LakeOutputs.visible(lake, OUTPUTS);
    assertThat(oldOutput, not(equalTo(newOutput)));

    int caughtMidway = 0;
    for (int i = 0; i < KILLS; i++) {
      String where = "kill " + (i + 1) + " " + delays[i] + " ms after staging";
      boolean killed =
          LakeOutputs.killAfterStaging(ingest(lake, input), lake, "trades", delays[i], where);
      caughtMidway += killed && LakeOutputs.staging(lake, "trades") ? 1 : 0;
      Map<String, String> seen = LakeOutputs.visible(lake, OUTPUTS);
      if (!LakeOutputs.commitInProgress(lake, "trades")) {
        // Both directories from one run: the old output or the new one.
        assertThat(where, seen.equals(oldOutput) || seen.equals(newOutput), equalTo(true));
      }
      // Killed between the two directories' renames, each is still whole (the next run finishes).
      for (String dir : OUTPUTS) {
        Map<String, String> d = LakeOutputs.below(seen, dir);
        assertThat(
            where + " " + dir,
            d.equals(LakeOutputs.below(oldOutput, dir)) || d.equals(LakeOutputs.below(newOutput, dir)),
            equalTo(true));
      }
      System.out.println(
          where + ": " + (killed ? "killed" : "had finished") + ", visible: "
              + (seen.equals(oldOutput) ? "old output" : seen.equals(newOutput) ? "new output" : "committing")
              + ", left: " + LakeOutputs.leftovers(lake));
    }

    Sediment.Result rerun = ingest(lake, input).await(5, TimeUnit.MINUTES);
    assertThat(rerun.toString(), rerun.exitCode, equalTo(0));
    assertThat(
        rerun.stdout,
        containsString("ingest-table trades: 24,000 records in, 23,952 written, 48 quarantined, from 4 files"));
    assertThat(LakeOutputs.visible(lake, OUTPUTS), equalTo(newOutput));
    assertThat(LakeOutputs.leftovers(lake), empty());
    try (var s = Files.list(lake)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList(), equalTo(List.of("processed", "quarantine")));
    }
    assertThat("kills that caught a run midway", caughtMidway, greaterThan(0));
  }
}
