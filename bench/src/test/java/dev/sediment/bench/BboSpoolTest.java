package dev.sediment.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import dev.sediment.io.parquet.LocalParquetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BboSpoolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void generate_exactRowCount_sortedFiles_overlappingWindows_oneDate() throws Exception {
    Path spool = tmp.newFolder("spool").toPath();
    List<Path> files = BboSpool.generate(spool, 8_003, 8, 7, 2);

    assertThat(files.size(), equalTo(8));
    long dayStart = BboSpool.DATE.toEpochDay() * BboSpool.NANOS_PER_DAY;
    long total = 0;
    Set<String> keys = new HashSet<>();
    List<long[]> ranges = new ArrayList<>();
    for (Path f : files) {
      assertThat(f.getParent(), equalTo(spool.resolve(BboSpool.PARTITION)));
      long prevTs = Long.MIN_VALUE;
      long prevSeq = Long.MIN_VALUE;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(LocalParquetFile.of(f)).build()) {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          long ts = (Long) rec.get("ts_event");
          long seq = (Long) rec.get("seq");
          assertThat("sorted by (ts_event, seq) in " + f, ts > prevTs || (ts == prevTs && seq > prevSeq), equalTo(true));
          assertThat((Double) rec.get("ask_px"), greaterThan((Double) rec.get("bid_px")));
          keys.add(ts + "/" + seq);
          prevTs = ts;
          prevSeq = seq;
          min = Math.min(min, ts);
          max = Math.max(max, ts);
          total++;
        }
      }
      assertThat(min >= dayStart && max < dayStart + BboSpool.NANOS_PER_DAY, equalTo(true));
      ranges.add(new long[] {min, max});
    }
    assertThat(total, equalTo(8_003L));
    assertThat("(ts_event, seq) unique", keys.size(), equalTo(8_003));
    for (int i = 1; i < ranges.size(); i++) {
      assertThat("file " + i + " starts before file " + (i - 1) + " ends", ranges.get(i)[0], lessThan(ranges.get(i - 1)[1]));
    }
  }

  @Test
  public void generate_sameSeed_sameBytes_whateverTheThreads() throws Exception {
    List<Path> a = BboSpool.generate(tmp.newFolder("a").toPath(), 4_000, 4, 11, 1);
    List<Path> b = BboSpool.generate(tmp.newFolder("b").toPath(), 4_000, 4, 11, 3);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).getFileName(), equalTo(b.get(i).getFileName()));
      assertThat(sha256(a.get(i)), equalTo(sha256(b.get(i))));
    }
  }

  @Test
  public void rowsOf_sharesSumToTotal() {
    long sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += BboSpool.rowsOf(i, 8, 20_000_007L);
    }
    assertThat(sum, equalTo(20_000_007L));
  }

  private static String sha256(Path p) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
