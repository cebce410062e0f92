package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.values.KV;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Issue 12, item 11: compaction work directories never outlive their run. */
public class WorkDirsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static long startOf(ProcessHandle h) {
    return h.info().startInstant().orElseThrow().toEpochMilli();
  }

  private static String name(String ns, long pid, long start) {
    return WorkDirs.PREFIX + ns + "-" + pid + "-" + start + "-0123456789abcdef0123456789abcdef";
  }

  @Test
  public void create_namesTheOwningProcess_deleteRemovesEverythingInIt() throws Exception {
    Path root = tmp.newFolder("tmp").toPath();
    Path work = WorkDirs.create(root);
    assertThat(
        work.getFileName().toString(),
        matchesPattern(
            "sediment-compact-"
                + WorkDirs.namespace()
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + startOf(ProcessHandle.current())
                + "-[0-9a-f]{32}"));
    Files.write(Files.createDirectories(work.resolve("spill-1")).resolve("run-1.avro"), new byte[100]);
    Files.write(work.resolve("data-1.parquet"), new byte[10]);
    WorkDirs.delete(work);
    assertThat(names(root), empty());
    WorkDirs.delete(work);
  }

  @Test
  public void removeAbandoned_removesOnlyDirectoriesWhoseOwnerIsGone() throws Exception {
    Path root = tmp.newFolder("tmp").toPath();
    String ns = WorkDirs.namespace();
    Process gone = new ProcessBuilder("sleep", "60").start();
    long gonePid = gone.pid();
    long goneStart = startOf(gone.toHandle());
    gone.destroyForcibly();
    gone.waitFor();
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      long me = ProcessHandle.current().pid();
      Path killed = Files.createDirectory(root.resolve(name(ns, gonePid, goneStart)));
      Files.write(Files.createDirectory(killed.resolve("spill-x")).resolve("run.avro"), new byte[1000]);
      // The id of a live process, but that process started an hour after the owner: reused.
      Files.createDirectory(root.resolve(name(ns, me, startOf(ProcessHandle.current()) - 3_600_000)));
      Path live = Files.createDirectory(root.resolve(name(ns, other.pid(), startOf(other.toHandle()))));
      Path mine = WorkDirs.create(root);
      Path otherNamespace = Files.createDirectory(root.resolve(name(ns + "7", gonePid, goneStart)));
      Path legacy = Files.createDirectory(root.resolve("sediment-compact-4213598342175"));
      Path foreign = Files.createDirectory(root.resolve("something-else"));

      assertThat(WorkDirs.removeAbandoned(root), equalTo(2));
      assertThat(
          names(root),
          equalTo(
              Stream.of(live, mine, otherNamespace, legacy, foreign)
                  .map(p -> p.getFileName().toString())
                  .sorted()
                  .collect(Collectors.toList())));
      WorkDirs.delete(mine);
    } finally {
      other.destroyForcibly();
      other.waitFor();
    }
  }

  @Test
  public void compactTask_failure_leavesNoWorkDirectory() throws Exception {
    Path spool = tmp.newFolder("spool").toPath();
    Bbo.write(spool.resolve("symbol=btcusdt/a.parquet"), List.of(Bbo.row(Bbo.D0 + 1, 1, 1.0)), Bbo.SCHEMA);
    // The partition's directory cannot be made: a file is where the target's partition goes.
    Path target = tmp.newFolder("target").toPath();
    Files.write(target.resolve("symbol=btcusdt"), new byte[] {1});
    Path root = tmp.newFolder("tmp").toPath();
    Compact.CompactFn fn =
        new Compact.CompactFn(Compact.sortedMerge().from(spool.toString()).to(target.toString()));
    assertThrows(IOException.class, () -> fn.compactOne(KV.of("symbol=btcusdt", "20260203"), root));
    assertThat(names(root), empty());

    Files.delete(target.resolve("symbol=btcusdt"));
    assertThat(
        fn.compactOne(KV.of("symbol=btcusdt", "20260203"), root),
        equalTo("WRITTEN symbol=btcusdt date=20260203 rows=1 quarantined=0"));
    assertThat(names(root), empty());
    assertThat(PartitionVerifier.verify(LakeFiles.dir(target.resolve("symbol=btcusdt/date=20260203"))), empty());
  }
}
