package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Spool files damaged inside their data pages, as a bad disk or a torn copy leaves them. */
public class DamagedSpoolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path spool(String name) throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < 20_000; i++) {
      rows.add(Bbo.row(Bbo.D0 + i, i, rnd.nextDouble()));
    }
    return Bbo.write(tmp.getRoot().toPath().resolve("spool/" + name), rows, Bbo.SCHEMA);
  }

  @Test
  public void compact_garbageInsideSnappyPages_snappyCorrupt() throws Exception {
    Path good = spool("a.parquet");
    Path bad = spool("b.parquet");
    byte[] b = Files.readAllBytes(bad);
    // Overwrite the middle of the first column chunk, past the 4-byte magic and page header.
    for (int i = 200; i < 1200; i++) {
      b[i] = (byte) (i * 31);
    }
    Files.write(bad, b);
    PartitionCompactor.Result r =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(Bbo.local(List.of(good, bad)), Bbo.DAY, tmp.getRoot().toPath().resolve("out/data.parquet"), tmp.newFolder().toPath());
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.SNAPPY_CORRUPT));
    assertThat(r.rejected.get(0).message, equalTo("a Snappy page does not decompress: IOException: FAILED_TO_UNCOMPRESS(5)"));
  }
}
