package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.lake.LakeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.values.KV;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Issue 12, item 14: planning a backfill costs per file, not per partition and date. */
public class CompactPlanTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long DAY = PartitionCompactor.NANOS_PER_DAY;
  private static final LocalDate START = LocalDate.of(2020, 1, 1);
  private static final LocalDate END = LocalDate.of(2029, 12, 31);
  private static final long DAYS = ChronoUnit.DAYS.between(START, END) + 1;

  private Path spool;

  private void file(String rel, long... ts) throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < ts.length; i++) {
      rows.add(Bbo.row(ts[i], i, 1.0));
    }
    Bbo.write(spool.resolve(rel), rows, Bbo.SCHEMA);
  }

  private static List<KV<String, String>> tasks(String partition, String... dates) {
    List<KV<String, String>> out = new ArrayList<>();
    for (String d : dates) {
      out.add(KV.of(partition, d));
    }
    return out;
  }

  private Map<String, List<MatchResult.Metadata>> listed() throws Exception {
    return SpoolLayout.list(LakeFiles.dir(spool));
  }

  @Test
  public void tenYears_footers_onlyTheDatesFilesHold() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    // A file opened on 02-02 running past midnight, one of 02-03, and one whose rows are all of
    // 02-05 although its name says 02-03 (collector restarted late).
    file("symbol=btc/2026-02-02_23-00-00.parquet", Bbo.D0 - 10, Bbo.D0 + 10);
    file("symbol=btc/2026-02-03_01-00-00.parquet", Bbo.D0 + 5);
    file("symbol=eth/2026-02-03_00-00-00.parquet", Bbo.D0 + 2 * DAY + 1, Bbo.D0 + 2 * DAY + 2);
    AtomicLong read = new AtomicLong();
    CompactPlan plan = CompactPlan.of(listed(), START, END, "ts_event", true, 4, read::set);
    List<KV<String, String>> expected = tasks("symbol=btc", "20260202", "20260203");
    expected.addAll(tasks("symbol=eth", "20260205"));
    assertThat(plan.tasks, equalTo(expected));
    assertThat(plan.withoutRows, equalTo(2 * DAYS - 3));
    assertThat(plan.footersRead, equalTo(3L));
    assertThat(read.get(), equalTo(3L));
  }

  @Test
  public void namesOnly_fromTheFirstNamedDateToTheEnd() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    file("symbol=btc/2026-02-02_23-00-00.parquet", Bbo.D0 - 10);
    file("symbol=btc/2026-02-04_00-00-00.parquet", Bbo.D0 + DAY);
    file("symbol=eth/2026-02-05_00-00-00.parquet", Bbo.D0 + 2 * DAY);
    CompactPlan plan =
        CompactPlan.of(listed(), LocalDate.of(2026, 2, 1), LocalDate.of(2026, 2, 4), "ts_event", false, 1, n -> {});
    List<KV<String, String>> expected = tasks("symbol=btc", "20260202", "20260203", "20260204");
    assertThat(plan.tasks, equalTo(expected));
    assertThat(plan.withoutRows, equalTo(5L));
    assertThat(plan.footersRead, equalTo(0L));
  }

  @Test
  public void emptyRange_ofAPartitionWithoutFilesInIt_noTasks() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    file("symbol=btc/2031-01-01_00-00-00.parquet", Bbo.D0);
    CompactPlan plan = CompactPlan.of(listed(), START, END, "ts_event", true, 2, n -> {});
    assertThat(plan.tasks, equalTo(List.of()));
    assertThat(plan.withoutRows, equalTo(DAYS));
    assertThat(plan.footersRead, equalTo(0L));
  }

  @Test
  public void unreadableOrKeylessFile_oneTaskAtItsFirstDate_whereItIsQuarantined() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    Files.createDirectories(spool.resolve("symbol=btc"));
    Files.write(spool.resolve("symbol=btc/2026-02-03_00-00-00.parquet"), new byte[] {'P', 'A', 'R', '1'});
    file("symbol=eth/part-1.parquet", Bbo.D0);
    CompactPlan plan =
        CompactPlan.of(listed(), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 1), "recv", true, 2, n -> {});
    List<KV<String, String>> expected = tasks("symbol=btc", "20260203");
    // No date in its name and no 'recv' column: the range's first date.
    expected.addAll(tasks("symbol=eth", "20260101"));
    assertThat(plan.tasks, equalTo(expected));
    assertThat(plan.withoutRows, equalTo(2 * 60L - 2));
  }

  @Test
  public void list_tellsProgress_skipsHiddenAndForeignDirectories_followsLinkedFiles() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    file("symbol=btc/a.parquet", Bbo.D0);
    file("symbol=btc/b.parquet", Bbo.D0);
    file("symbol=eth/a.parquet", Bbo.D0);
    file(".staging=1/a.parquet", Bbo.D0);
    file("_tmp/symbol=x/a.parquet", Bbo.D0);
    file("tmp/symbol=x/a.parquet", Bbo.D0);
    Path elsewhere = tmp.newFolder("elsewhere").toPath().resolve("c.parquet");
    Files.copy(spool.resolve("symbol=eth/a.parquet"), elsewhere);
    Files.createSymbolicLink(spool.resolve("symbol=eth/c.parquet"), elsewhere);
    List<String> seen = new ArrayList<>();
    Map<String, List<MatchResult.Metadata>> parts =
        SpoolLayout.list(LakeFiles.dir(spool), (files, partitions) -> seen.add(files + "/" + partitions));
    assertThat(List.copyOf(parts.keySet()), equalTo(List.of("symbol=btc", "symbol=eth")));
    assertThat(parts.get("symbol=eth").size(), equalTo(2));
    assertThat(parts.get("symbol=eth").get(1).sizeBytes(), equalTo(Files.size(elsewhere)));
    assertThat(seen.size(), equalTo(4));
    assertThat(seen.get(3), equalTo("4/2"));
  }
}
