package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Memory does not grow with the partition: 6,000,000 rows (in memory as Avro records several
 * times the heap) compact through the CLI with {@code -Xmx192m}, the same bytes as with a large
 * heap. The 20,000,000-row figure of the README comes from {@code bench/run-compaction-bench}.
 */
public class CompactBoundedMemoryIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate D = LocalDate.of(2026, 2, 3);
  private static final String PART = "exchange=binance/stream=bbo/symbol=btcusdt";

  @Test
  public void compact_6MillionRows_at192MbHeap_sameBytesAsWithLargeHeap() throws Exception {
    long step = 10_000_000L; // 100 rows per second
    List<BboSpool.SpoolFile> files =
        List.of(
            new BboSpool.SpoolFile(PART, "2026-02-03_00-00-00", BboSpool.at(D, 0, 0), step, 1_900_000, 0, true),
            new BboSpool.SpoolFile(PART, "2026-02-03_00-00-01", BboSpool.at(D, 0, 0) + step / 2, step, 1_900_000, 5_000_000, true),
            new BboSpool.SpoolFile(PART, "2026-02-03_05-00-00", BboSpool.at(D, 5, 0) + step / 3, step, 2_000_000, 9_000_000, true),
            new BboSpool.SpoolFile(PART, "2026-02-03_12-00-00", BboSpool.at(D, 12, 0) + 7, step * 3, 200_000, 20_000_000, false));
    Path work = tmp.getRoot().toPath();
    Path spool = BboSpool.write(work.resolve("spool"), files);
    long rows = BboSpool.rowsOn(files, PART, D);
    assertThat(rows, equalTo(6_000_000L));

    String sha = null;
    for (String heap : List.of("-Xmx192m", "-Xmx2g")) {
      Path target = work.resolve("target" + heap);
      Sediment.Result r;
      try (Sediment.Running run =
          Sediment.start(
              work, Map.of(), List.of(heap),
              "compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203")) {
        r = run.await(10, TimeUnit.MINUTES);
      }
      assertThat(heap + ": " + r, r.exitCode, equalTo(0));
      assertThat(
          r.stdout,
          containsString("compact: 1 partitions written, 0 unchanged, 0 without rows; 6,000,000 rows; 0 files quarantined"));
      Path dir = target.resolve(PART).resolve("date=20260203");
      JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
      assertThat(meta.get("row_count").asLong(), equalTo(rows));
      // The data is far bigger than the small heap: rows cannot all have been held at once.
      assertThat(Files.size(dir.resolve("data.parquet")), greaterThan(100L << 20));
      if (sha == null) {
        sha = meta.get("sha256").asText();
      } else {
        assertThat(heap, meta.get("sha256").asText(), equalTo(sha));
      }
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()).sorted().toList(), equalTo(List.of("data.parquet", "meta.json")));
      }
    }
  }
}
