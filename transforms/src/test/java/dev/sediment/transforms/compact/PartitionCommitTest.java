package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Issue 12, item 10: a rerun with {@code --force} that fails (a full disk) must leave the
 * committed partition visible and valid; a run stopped inside the swap must leave either the old
 * pair, or no meta.json (absent), never a meta.json beside data it does not describe; the next
 * run completes or undoes it.
 */
public class PartitionCommitTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String PART = "symbol=btcusdt";
  private static final String TEMP = "\\.(data\\.parquet|meta\\.json)\\.tmp-[0-9a-f-]{36}";

  private Path spool;
  private Path target;
  private Path dir;
  private String oldSha;

  /** A stop of the JVM at a chosen point: not caught by the commit's clean-up, like kill -9. */
  private static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  private void spoolFile(String name, long from, int n) throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Bbo.row(from + i, i, 1.0));
    }
    Bbo.write(spool.resolve(PART).resolve(name), rows, Bbo.SCHEMA);
  }

  private List<MatchResult.Metadata> files() throws IOException {
    return SpoolLayout.list(LakeFiles.dir(spool)).get(PART);
  }

  private CompactJob.Outcome compact(boolean force, PartitionCommit.Hook hook) throws Exception {
    return new CompactJob(new PartitionCompactor.Settings(), force, hook)
        .compact(PART, files(), Bbo.DAY, LakeFiles.dir(target), tmp.newFolder().toPath());
  }

  private JsonNode meta() throws IOException {
    return new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static PartitionCommit.Hook failAt(PartitionCommit.Step at) {
    return step -> {
      if (step == at) {
        throw new IOException("No space left on device");
      }
    };
  }

  private static PartitionCommit.Hook killAt(PartitionCommit.Step at) {
    return step -> {
      if (step == at) {
        throw new Killed();
      }
    };
  }

  /** Yesterday's committed partition: 10 rows. Then a new spool file adds 5. */
  @Before
  public void commitYesterday() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    target = tmp.newFolder("target").toPath();
    dir = CompactJob.partitionDir(target, PART, Bbo.DAY);
    spoolFile("2026-02-03_00-00-00.parquet", Bbo.D0, 10);
    assertThat(compact(false, PartitionCommit.NONE).status, equalTo(CompactJob.Status.WRITTEN));
    oldSha = meta().get("sha256").asText();
    assertThat(LakeFiles.sha256(dir.resolve("data.parquet")), equalTo(oldSha));
    spoolFile("2026-02-03_12-00-00.parquet", Bbo.D0 + 1_000_000, 5);
  }

  private void assertOldPartitionIntact(String where) throws IOException {
    assertThat(where, PartitionVerifier.verify(dir), empty());
    assertThat(where, meta().get("sha256").asText(), equalTo(oldSha));
    assertThat(where, meta().get("row_count").asLong(), equalTo(10L));
    assertThat(where, LakeFiles.sha256(dir.resolve("data.parquet")), equalTo(oldSha));
  }

  @Test
  public void forceRerun_failsBeforeTheSwap_oldPartitionStaysVisibleAndValid() throws Exception {
    for (PartitionCommit.Step step :
        List.of(
            PartitionCommit.Step.STAGE_DATA,
            PartitionCommit.Step.STAGE_META,
            PartitionCommit.Step.SET_OLD_META_ASIDE,
            PartitionCommit.Step.SWAP_DATA)) {
      IOException e = assertThrows(IOException.class, () -> compact(true, failAt(step)));
      assertThat(step.name(), e.getMessage(), equalTo("No space left on device"));
      assertOldPartitionIntact("failed at " + step);
      assertThat("failed at " + step, names(), equalTo(List.of("data.parquet", "meta.json")));
    }
  }

  @Test
  public void forceRerun_afterAFailure_replacesThePartition() throws Exception {
    assertThrows(IOException.class, () -> compact(true, failAt(PartitionCommit.Step.STAGE_DATA)));
    assertOldPartitionIntact("after the failure");
    CompactJob.Outcome o = compact(true, PartitionCommit.NONE);
    assertThat(o.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(o.rows, equalTo(15L));
    assertThat(PartitionVerifier.verify(dir), empty());
    assertThat(meta().get("row_count").asLong(), equalTo(15L));
    assertThat(meta().get("sha256").asText(), not(equalTo(oldSha)));
    assertThat(LakeFiles.sha256(dir.resolve("data.parquet")), equalTo(meta().get("sha256").asText()));
    assertThat(names(), equalTo(List.of("data.parquet", "meta.json")));
  }

  @Test
  public void failureAfterTheDataSwap_partitionAbsentNotInconsistent_nextRunCompletesIt()
      throws Exception {
    IOException e =
        assertThrows(IOException.class, () -> compact(true, failAt(PartitionCommit.Step.INSTALL_META)));
    assertThat(
        e.getMessage(),
        containsString(
            "stopped after data.parquet was replaced; the partition is absent until the next compact"
                + " of it completes the commit: No space left on device"));
    assertThat(Files.exists(dir.resolve("meta.json")), equalTo(false));
    List<String> problems = PartitionVerifier.verify(dir);
    assertThat(problems.size(), equalTo(1));
    assertThat(
        problems.get(0),
        matchesPattern(
            "an unfinished commit: meta.json is missing or does not match data.parquet, and "
                + "\\.meta\\.json\\.tmp-[0-9a-f-]{36} matches it; a compact of this partition"
                + " finishes it"));

    // The same inputs again, without --force: the stopped commit is completed, not redone.
    CompactJob.Outcome o = compact(false, PartitionCommit.NONE);
    assertThat(o.status, equalTo(CompactJob.Status.UNCHANGED));
    assertThat(o.rows, equalTo(15L));
    assertThat(PartitionVerifier.verify(dir), empty());
    assertThat(names(), equalTo(List.of("data.parquet", "meta.json")));
  }

  @Test
  public void killedAtEveryStep_neverAMismatchedMeta_recoverGivesOldOrNewPair() throws Exception {
    String newSha = null;
    for (PartitionCommit.Step step : PartitionCommit.Step.values()) {
      String where = "killed before " + step;
      assertThrows(Killed.class, () -> compact(true, killAt(step)));
      for (String f : names()) {
        if (!f.equals("data.parquet") && !f.equals("meta.json")) {
          assertThat(where, f, matchesPattern(TEMP));
        }
      }
      if (Files.exists(dir.resolve("meta.json"))) {
        // Visible: it must be the old pair, whole.
        assertOldPartitionIntact(where);
      } else {
        assertThat(where, PartitionVerifier.verify(dir).get(0), containsString("an unfinished commit: "));
      }
      String installed = PartitionCommit.recover(LakeFiles.dir(dir));
      assertThat(where, names(), equalTo(List.of("data.parquet", "meta.json")));
      assertThat(where, PartitionVerifier.verify(dir), empty());
      long rows = meta().get("row_count").asLong();
      if (step == PartitionCommit.Step.INSTALL_META) {
        assertThat(where, installed != null, equalTo(true));
        assertThat(where, rows, equalTo(15L));
        newSha = meta().get("sha256").asText();
      } else {
        assertThat(where + ": " + installed, rows, equalTo(10L));
        assertOldPartitionIntact(where + ", recovered");
      }
    }
    assertThat(newSha, not(equalTo(oldSha)));
  }

  @Test
  public void newPartition_failedCommit_leavesNoDirectory() throws Exception {
    Path other = tmp.newFolder("other").toPath();
    CompactJob job =
        new CompactJob(new PartitionCompactor.Settings(), false, failAt(PartitionCommit.Step.STAGE_META));
    assertThrows(
        IOException.class,
        () -> job.compact(PART, files(), Bbo.DAY, LakeFiles.dir(other), tmp.newFolder().toPath()));
    try (Stream<Path> s = Files.list(other)) {
      assertThat(s.collect(Collectors.toList()), empty());
    }
  }
}
