package dev.sediment.transforms.compact;

import dev.sediment.io.lake.LakeFiles;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CompactJobTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;

  private Path spoolFile(Path root, String rel, long... ts) throws Exception {
    List<GenericRecord> rows = new java.util.ArrayList<>();
    for (int i = 0; i < ts.length; i++) {
      rows.add(Bbo.row(ts[i], i, 1.0));
    }
    return Bbo.write(root.resolve(rel), rows, Bbo.SCHEMA);
  }

  @Test
  public void list_partitionsAnyDepth_ignoresHiddenAndForeignDirs() throws Exception {
    Path root = tmp.newFolder("spool").toPath();
    spoolFile(root, "exchange=binance/stream=bbo/symbol=btcusdt/2026-02-03_14-30-00.parquet", D0);
    spoolFile(root, "exchange=binance/stream=bbo/symbol=btcusdt/2026-02-03_10-00-00.parquet", D0);
    spoolFile(root, "exchange=kraken/symbol=xbtusd/a.parquet", D0);
    spoolFile(root, "exchange=kraken/symbol=xbtusd/.inflight.parquet", D0);
    spoolFile(root, "tmp/x.parquet", D0);
    Map<String, List<MatchResult.Metadata>> parts = SpoolLayout.list(LakeFiles.dir(root));
    assertThat(List.copyOf(parts.keySet()), equalTo(List.of("exchange=binance/stream=bbo/symbol=btcusdt", "exchange=kraken/symbol=xbtusd")));
    assertThat(parts.get("exchange=binance/stream=bbo/symbol=btcusdt").get(0).resourceId().getFilename(), equalTo("2026-02-03_10-00-00.parquet"));
    assertThat(parts.get("exchange=kraken/symbol=xbtusd").size(), equalTo(1));
  }

  @Test
  public void mayHold_onlyFilesOpenedAfterTheDateAreSkipped() {
    assertThat(SpoolLayout.mayHold("2026-02-04_00-00-01.parquet", DAY), equalTo(false));
    assertThat(SpoolLayout.mayHold("20260203T2359.parquet", DAY), equalTo(true));
    assertThat(SpoolLayout.mayHold("2026-02-01_23-00-00.parquet", DAY), equalTo(true));
    assertThat(SpoolLayout.mayHold("part-0001.parquet", DAY), equalTo(true));
  }

  @Test
  public void compact_rerunSkipsUnchanged_forceAndChangedInputsRewriteSameBytes() throws Exception {
    Path root = tmp.newFolder("spool").toPath();
    Path target = tmp.newFolder("target").toPath();
    String part = "symbol=btcusdt";
    spoolFile(root, part + "/2026-02-03_00-00-00.parquet", D0 + 5, D0 + 9);
    spoolFile(root, part + "/2026-02-04_00-00-00.parquet", D0 + PartitionCompactor.NANOS_PER_DAY + 1);
    List<MatchResult.Metadata> files = SpoolLayout.list(LakeFiles.dir(root)).get(part);
    ResourceId targetRoot = LakeFiles.dir(target);
    Path work = tmp.newFolder("work").toPath();

    CompactJob.Outcome first = new CompactJob(new PartitionCompactor.Settings(), false).compact(part, files, DAY, targetRoot, work);
    assertThat(first.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(first.rows, equalTo(2L));
    Path dir = CompactJob.partitionDir(target, part, DAY);
    assertThat(dir, equalTo(target.resolve("symbol=btcusdt/date=20260203")));
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
    assertThat(meta.get("source_files").asInt(), equalTo(1));
    String sha = meta.get("sha256").asText();

    CompactJob.Outcome again = new CompactJob(new PartitionCompactor.Settings(), false).compact(part, files, DAY, targetRoot, work);
    assertThat(again.status, equalTo(CompactJob.Status.UNCHANGED));

    CompactJob.Outcome forced = new CompactJob(new PartitionCompactor.Settings(), true).compact(part, files, DAY, targetRoot, work);
    assertThat(forced.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(LakeFiles.sha256(dir.resolve("data.parquet")), equalTo(sha));

    // A damaged data.parquet is not "unchanged": the rerun repairs it to the same bytes.
    Files.write(dir.resolve("data.parquet"), new byte[] {1, 2, 3});
    CompactJob.Outcome repaired = new CompactJob(new PartitionCompactor.Settings(), false).compact(part, files, DAY, targetRoot, work);
    assertThat(repaired.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(PartitionVerifier.verify(dir), equalTo(List.of()));
    assertThat(LakeFiles.sha256(dir.resolve("data.parquet")), equalTo(sha));
  }

  @Test
  public void compact_badFile_copiedToQuarantineWithErrorJson() throws Exception {
    Path root = tmp.newFolder("spool").toPath();
    Path target = tmp.newFolder("target").toPath();
    String part = "exchange=binance/symbol=ethusdt";
    spoolFile(root, part + "/a.parquet", D0 + 1);
    Path bad = spoolFile(root, part + "/b.parquet", D0 + 2);
    byte[] bytes = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(bytes, 20));
    CompactJob.Outcome o =
        new CompactJob(new PartitionCompactor.Settings(), false)
            .compact(part, SpoolLayout.list(LakeFiles.dir(root)).get(part), DAY, LakeFiles.dir(target), tmp.newFolder().toPath());
    assertThat(o.rows, equalTo(1L));
    assertThat(o.quarantined.size(), equalTo(1));
    Path q = target.resolve("QUARANTINE/exchange=binance/symbol=ethusdt/date=20260203");
    assertThat(Files.readAllBytes(q.resolve("b.parquet")).length, equalTo(20));
    JsonNode err = new ObjectMapper().readTree(q.resolve("error.json").toFile());
    assertThat(err.get("error_type").asText(), equalTo("CORRUPT_FOOTER"));
    assertThat(err.get("source").asText(), equalTo(bad.toString()));
    assertThat(err.get("message").asText().startsWith("the Parquet footer does not read"), equalTo(true));
    assertThat(err.get("detected_at").asText().endsWith("Z"), equalTo(true));
    assertThat(err.get("files").size(), equalTo(1));
  }
}
