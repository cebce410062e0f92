package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.LocalParquetFile;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.empty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PartitionCompactorTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema BBO = Bbo.SCHEMA;
  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;

  private static GenericRecord row(long ts, long seq, double px) {
    return Bbo.row(ts, seq, px);
  }

  private Path spool(String name, List<GenericRecord> rows, Schema schema) throws Exception {
    return Bbo.write(tmp.getRoot().toPath().resolve("spool").resolve(name), rows, schema);
  }

  private static List<String> read(Path f) throws Exception {
    List<String> out = new ArrayList<>();
    try (AvroParquetRows r = SpoolFileCheck.open(LocalParquetFile.of(f))) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        out.add(rec.get("ts_event") + "/" + rec.get("seq") + "/" + rec.get("bid_px"));
      }
    }
    return out;
  }

  private PartitionCompactor.Result compact(List<Path> in, Path target, PartitionCompactor.Settings s)
      throws Exception {
    return new PartitionCompactor(s).compact(Bbo.local(in), DAY, target, tmp.newFolder().toPath());
  }

  @Test
  public void compact_overlappingUnsortedAndMidnightFiles_totalOrderOfTheDateOnly() throws Exception {
    Path a = spool("a.parquet", List.of(row(D0 - 5, 0, 1), row(D0 + 10, 1, 1), row(D0 + 30, 0, 1)), BBO);
    Path b = spool("b.parquet", List.of(row(D0 + 20, 0, 2), row(D0 + 10, 0, 2), row(D0 + 10, 1, 0.5)), BBO);
    Path c = spool("c.parquet", List.of(row(D0 + PartitionCompactor.NANOS_PER_DAY - 1, 9, 3), row(D0 + PartitionCompactor.NANOS_PER_DAY, 0, 3)), BBO);
    Path target = tmp.getRoot().toPath().resolve("out/date=20260203/data.parquet");
    PartitionCompactor.Result r = compact(List.of(c, a, b), target, new PartitionCompactor.Settings());
    assertThat(r.rejected, empty());
    assertThat(
        read(target),
        equalTo(
            List.of(
                (D0 + 10) + "/0/2.0",
                (D0 + 10) + "/1/0.5",
                (D0 + 10) + "/1/1.0",
                (D0 + 20) + "/0/2.0",
                (D0 + 30) + "/0/1.0",
                (D0 + PartitionCompactor.NANOS_PER_DAY - 1) + "/9/3.0")));
    assertThat(r.rowCount, equalTo(6L));
    assertThat(r.sortKeyMin, equalTo(D0 + 10));
    assertThat(r.sortKeyMax, equalTo(D0 + PartitionCompactor.NANOS_PER_DAY - 1));
    assertThat(r.sha256, equalTo(LakeFiles.sha256(target)));
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).collect(Collectors.toList()), equalTo(List.of("data.parquet")));
    }
  }

  @Test
  public void compact_sameRowsAnySplitNamesOrMemory_sameBytes() throws Exception {
    Random rnd = new Random(7);
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(row(D0 + rnd.nextInt(100), rnd.nextInt(3), rnd.nextInt(5)));
    }
    // Split one way, sorted files.
    List<GenericRecord> sortedAll = new ArrayList<>(rows);
    sortedAll.sort(RecordOrder.of(BBO, List.of("ts_event", "seq")));
    Path s1 = spool("x1.parquet", sortedAll.subList(0, 250), BBO);
    Path s2 = spool("x2.parquet", sortedAll.subList(250, 500), BBO);
    Path t1 = tmp.getRoot().toPath().resolve("t1/data.parquet");
    String sha1 = compact(List.of(s1, s2), t1, new PartitionCompactor.Settings()).sha256;
    // Split another way, unsorted, other names; tiny memory forces spills and merge passes.
    List<GenericRecord> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, rnd);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(spool("z" + i + ".parquet", shuffled.subList(i * 100, i * 100 + 100), BBO));
    }
    Path t2 = tmp.getRoot().toPath().resolve("t2/data.parquet");
    PartitionCompactor.Result r2 =
        compact(files, t2, new PartitionCompactor.Settings().withMaxRowsInMemory(7).withMaxOpenRuns(3));
    assertThat(r2.rowCount, equalTo(500L));
    assertThat(r2.sha256, equalTo(sha1));
    assertThat(r2.peakOpenReaders <= 3, equalTo(true));
    // No reader memory: the sorted files are spilled first instead of merged straight.
    PartitionCompactor.Result r3 =
        compact(List.of(s2, s1), tmp.getRoot().toPath().resolve("t3/data.parquet"),
            new PartitionCompactor.Settings().withReaderMemory(0));
    assertThat(r3.filesMergedDirectly, equalTo(0));
    assertThat(r3.filesSpilled, equalTo(2));
    assertThat(r3.sha256, equalTo(sha1));
  }

  @Test
  public void compact_dedupe_dropsIdenticalRowsOnly() throws Exception {
    Path a = spool("a.parquet", List.of(row(D0 + 1, 1, 1), row(D0 + 2, 1, 1)), BBO);
    Path b = spool("b.parquet", List.of(row(D0 + 1, 1, 1), row(D0 + 2, 1, 2)), BBO);
    Path t = tmp.getRoot().toPath().resolve("d/data.parquet");
    PartitionCompactor.Result kept = compact(List.of(a, b), t, new PartitionCompactor.Settings());
    assertThat(kept.rowCount, equalTo(4L));
    PartitionCompactor.Result deduped =
        compact(List.of(a, b), t, new PartitionCompactor.Settings().withDedupe(true));
    assertThat(deduped.rowCount, equalTo(3L));
    assertThat(deduped.duplicatesDropped, equalTo(1L));
    assertThat(read(t), equalTo(List.of((D0 + 1) + "/1/1.0", (D0 + 2) + "/1/1.0", (D0 + 2) + "/1/2.0")));
  }

  @Test
  public void compact_truncatedAndForeignSchemaFiles_rejectedTyped_restCompacted() throws Exception {
    Path good1 = spool("g1.parquet", List.of(row(D0 + 1, 0, 1)), BBO);
    Path good2 = spool("g2.parquet", List.of(row(D0 + 2, 0, 1)), BBO);
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Bbo\",\"fields\":["
                    + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                    + "{\"name\":\"seq\",\"type\":\"long\"}]}");
    GenericData.Record o = new GenericData.Record(other);
    o.put("ts_event", D0 + 3);
    o.put("seq", 0L);
    Path foreign = spool("f.parquet", List.of(o), other);
    Path whole = spool("t.parquet", List.of(row(D0 + 4, 0, 1)), BBO);
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(whole, java.util.Arrays.copyOf(bytes, bytes.length - 9));
    Path target = tmp.getRoot().toPath().resolve("q/data.parquet");
    PartitionCompactor.Result r =
        compact(List.of(whole, foreign, good2, good1), target, new PartitionCompactor.Settings());
    assertThat(r.rowCount, equalTo(2L));
    assertThat(
        r.rejected.stream().map(x -> x.name() + ":" + x.type).collect(Collectors.toList()),
        equalTo(List.of("f.parquet:SCHEMA_MISMATCH", "t.parquet:CORRUPT_FOOTER")));
  }
}
