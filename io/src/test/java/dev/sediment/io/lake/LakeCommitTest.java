package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link LakeCommit} on a local lake: replace as a whole, abort, and recovery after a kill. */
public class LakeCommitTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path lake;
  private String processed;
  private String quarantine;
  private String report;

  @Before
  public void setUp() {
    lake = tmp.getRoot().toPath().resolve("lake");
    processed = lake.resolve("processed/trades").toString();
    quarantine = lake.resolve("quarantine/trades").toString();
    report = lake.resolve("reports/validation/r1").toString();
  }

  private static void write(String dir, String relative, String text) throws IOException {
    Path f = Path.of(dir).resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  /** Every file below {@code root} with its text. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** A first run's output: two partitions and a quarantine file. */
  private void firstRun() throws IOException {
    LakeCommit c = LakeCommit.start(lake.toString(), "trades", "r0");
    String p = c.stage(processed);
    String q = c.stage(quarantine);
    write(p, "date=2026-02-02/part-00000-of-00001.parquet", "old-2");
    write(p, "date=2026-02-03/part-00000-of-00002.parquet", "old-3a");
    write(p, "date=2026-02-03/part-00001-of-00002.parquet", "old-3b");
    write(q, "records-00000-of-00001.jsonl", "old-bad\n");
    c.commit();
  }

  @Test
  public void commit_replacesEveryOutputAsAWhole_andLeavesNoStagingArea() throws Exception {
    firstRun();
    assertThat(
        tree(Path.of(processed)),
        equalTo(
            Map.of(
                "_SUCCESS", "",
                "date=2026-02-02/part-00000-of-00001.parquet", "old-2",
                "date=2026-02-03/part-00000-of-00002.parquet", "old-3a",
                "date=2026-02-03/part-00001-of-00002.parquet", "old-3b")));

    LakeCommit c = LakeCommit.start(lake.toString(), "trades", "r1");
    String p = c.stage(processed);
    String q = c.stage(quarantine);
    String r = c.stageWithMarker(report, "report.json");
    write(p, "date=2026-02-03/part-00000-of-00001.parquet", "new-3");
    write(r, "report.html", "<html>");
    write(r, "report.json", "{}");
    // While the run writes, readers see the previous output only.
    assertThat(tree(Path.of(processed)).get("date=2026-02-02/part-00000-of-00001.parquet"), equalTo("old-2"));
    c.commit();

    assertThat(
        tree(Path.of(processed)),
        equalTo(Map.of("_SUCCESS", "", "date=2026-02-03/part-00000-of-00001.parquet", "new-3")));
    assertThat(tree(Path.of(quarantine)), equalTo(Map.of("_SUCCESS", "")));
    assertThat(tree(Path.of(report)), equalTo(Map.of("report.html", "<html>", "report.json", "{}")));
    assertThat(Files.exists(lake.resolve(LakeCommit.STAGING)), equalTo(false));
  }

  @Test
  public void abort_keepsThePreviousOutput_andDeletesTheStagedOne() throws Exception {
    firstRun();
    Map<String, String> before = tree(lake);
    LakeCommit c = LakeCommit.start(lake.toString(), "trades", "r1");
    write(c.stage(processed), "part-00000-of-00001.parquet", "new");
    c.abort();
    assertThat(tree(lake), equalTo(before));
    assertThat(Files.exists(lake.resolve(LakeCommit.STAGING)), equalTo(false));
  }

  @Test
  public void commit_missingMarker_publishesNothing_andCleansUp() throws Exception {
    firstRun();
    Map<String, String> before = tree(lake);
    LakeCommit c = LakeCommit.start(lake.toString(), "trades", "r1");
    write(c.stage(processed), "part-00000-of-00001.parquet", "new");
    c.stageWithMarker(report, "report.json");
    IOException e = assertThrows(IOException.class, c::commit);
    assertThat(e.getMessage(), containsString("report.json; nothing of it was published"));
    assertThat(tree(lake), equalTo(before));
  }

  @Test
  public void recover_runKilledBeforeItsCommitPoint_isDeleted() throws Exception {
    firstRun();
    Map<String, String> before = tree(lake);
    LakeCommit killed = LakeCommit.start(lake.toString(), "trades", "r1");
    write(killed.stage(processed), "part-00000-of-00001.parquet", "half");
    write(killed.stage(quarantine), ".records-00000-of-00001.jsonl.tmp-x", "");
    // No commit: the JVM died here.
    assertThat(LakeCommit.recover(LakeCommit.stagingRoot(lake.toString(), "trades")), equalTo(List.of()));
    assertThat(tree(lake), equalTo(before));
  }

  @Test
  public void recover_runKilledBetweenItsRenames_isFinished() throws Exception {
    firstRun();
    LakeCommit killed = LakeCommit.start(lake.toString(), "trades", "r1");
    String p = killed.stage(processed);
    String q = killed.stage(quarantine);
    write(p, "part-00000-of-00001.parquet", "new");
    write(q, "records-00000-of-00001.jsonl", "new-bad\n");
    write(p, "_SUCCESS", "");
    write(q, "_SUCCESS", "");
    Path run = lake.resolve(LakeCommit.STAGING).resolve("trades/r1");
    Files.writeString(
        run.resolve(LakeCommit.JOURNAL),
        "{\"format_version\":1,\"run_id\":\"r1\",\"moves\":["
            + "{\"staged\":\"" + p + "/\",\"live\":\"" + processed + "/\",\"marker\":\"_SUCCESS\"},"
            + "{\"staged\":\"" + q + "/\",\"live\":\"" + quarantine + "/\",\"marker\":\"_SUCCESS\"}]}");
    // The kill came after processed/ was renamed away and before the staged one took its place.
    Files.move(Path.of(processed), run.resolve("old-0"));

    assertThat(LakeCommit.recover(LakeCommit.stagingRoot(lake.toString(), "trades")), equalTo(List.of("r1")));
    assertThat(
        tree(Path.of(processed)),
        equalTo(Map.of("_SUCCESS", "", "part-00000-of-00001.parquet", "new")));
    assertThat(
        tree(Path.of(quarantine)),
        equalTo(Map.of("_SUCCESS", "", "records-00000-of-00001.jsonl", "new-bad\n")));
    assertThat(Files.exists(lake.resolve(LakeCommit.STAGING)), equalTo(false));
  }

  @Test
  public void start_finishesAJournalledRun_thenStagesAfresh() throws Exception {
    firstRun();
    LakeCommit killed = LakeCommit.start(lake.toString(), "trades", "r1");
    String p = killed.stage(processed);
    write(p, "part-00000-of-00001.parquet", "new");
    write(p, "_SUCCESS", "");
    Files.writeString(
        lake.resolve(LakeCommit.STAGING).resolve("trades/r1").resolve(LakeCommit.JOURNAL),
        "{\"format_version\":1,\"run_id\":\"r1\",\"moves\":["
            + "{\"staged\":\"" + p + "/\",\"live\":\"" + processed + "/\",\"marker\":\"_SUCCESS\"}]}");

    LakeCommit next = LakeCommit.start(lake.toString(), "trades", "r1");
    assertThat(
        tree(Path.of(processed)),
        equalTo(Map.of("_SUCCESS", "", "part-00000-of-00001.parquet", "new")));
    assertThat(Files.exists(Path.of(next.stage(processed))), equalTo(false));
  }

  @Test
  public void stage_sameDirectoryTwice_rejected() throws Exception {
    LakeCommit c = LakeCommit.start(lake.toString(), "trades", "r1");
    c.stage(processed);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.stage(processed + "/"));
    assertThat(e.getMessage(), containsString("is staged twice"));
  }
}
