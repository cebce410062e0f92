package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.sediment.io.lake.LakeFiles;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.schema.MessageType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The columnar merge writes exactly the bytes the record merge writes, for the same spool and
 * settings: rows in the same total order (including ties broken on strings, bytes, nulls and
 * descending columns), the same pages, row groups and footer. Each case compacts once with
 * {@code withColumnar(false)} and once with the default, and compares the files byte for byte.
 */
public class ColumnarMergeTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema WIDE =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Wide\",\"namespace\":\"t\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"int\"},"
                  + "{\"name\":\"sym\",\"type\":\"string\"},"
                  + "{\"name\":\"raw\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
                  + "{\"name\":\"px\",\"type\":[\"double\",\"null\"]},"
                  + "{\"name\":\"sz\",\"type\":\"float\",\"order\":\"descending\"},"
                  + "{\"name\":\"live\",\"type\":\"boolean\"},"
                  + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null,\"order\":\"ignore\"}]}");

  private static GenericRecord wide(Random r, long ts) {
    GenericData.Record g = new GenericData.Record(WIDE);
    g.put("ts_event", ts);
    g.put("seq", r.nextInt(3));
    // Few distinct values, so ties go down to the later columns.
    g.put("sym", new Utf8(new String[] {"a", "b", "\u00e9", "ab", ""}[r.nextInt(5)]));
    g.put("raw", r.nextInt(4) == 0 ? null : ByteBuffer.wrap(new byte[] {(byte) (r.nextInt(3) - 1), (byte) r.nextInt(200)}));
    g.put("px", r.nextInt(5) == 0 ? null : (double) r.nextInt(3) - 0.5);
    g.put("sz", (float) r.nextInt(3));
    g.put("live", r.nextBoolean());
    g.put("note", r.nextInt(3) == 0 ? null : new Utf8("n" + r.nextInt(2)));
    return g;
  }

  /** Sorted (by ts only, as a collector writes) or shuffled files of {@code rows} rows each. */
  private List<Path> wideSpool(String dir, int files, int rows, boolean sorted, long seed) throws Exception {
    Random r = new Random(seed);
    List<Path> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<GenericRecord> rs = new ArrayList<>();
      long ts = Bbo.D0 - 50;
      for (int i = 0; i < rows; i++) {
        ts += r.nextInt(3); // many equal keys across files
        rs.add(wide(r, sorted ? ts : Bbo.D0 - 50 + r.nextInt(rows * 2)));
      }
      out.add(Bbo.write(tmp.getRoot().toPath().resolve(dir).resolve("f" + f + ".parquet"), rs, WIDE));
    }
    return out;
  }

  private byte[][] both(List<Path> in, PartitionCompactor.Settings s) throws Exception {
    byte[][] out = new byte[2][];
    for (int k = 0; k < 2; k++) {
      Path target = tmp.newFolder().toPath().resolve("data.parquet");
      PartitionCompactor.Result r =
          new PartitionCompactor(s.withColumnar(k == 1))
              .compact(Bbo.local(in), Bbo.DAY, target, tmp.newFolder().toPath());
      assertThat(r.rejected.toString(), r.rejected.size(), equalTo(0));
      assertThat(r.sha256, equalTo(LakeFiles.sha256(target)));
      out[k] = Files.readAllBytes(target);
    }
    return out;
  }

  private void assertSameBytes(List<Path> in, PartitionCompactor.Settings s) throws Exception {
    byte[][] b = both(in, s);
    assertThat(b[1].length, equalTo(b[0].length));
    assertThat(LakeFiles.sha256(write(b[1])), equalTo(LakeFiles.sha256(write(b[0]))));
  }

  private Path write(byte[] bytes) throws Exception {
    Path p = tmp.newFile().toPath();
    Files.write(p, bytes);
    return p;
  }

  @Test
  public void wideRows_sortedOverlappingFiles_mergedStraight_sameBytes() throws Exception {
    assertSameBytes(wideSpool("a", 4, 3000, true, 1), new PartitionCompactor.Settings());
  }

  @Test
  public void wideRows_unsortedFiles_spilledInSortedRuns_sameBytes() throws Exception {
    assertSameBytes(
        wideSpool("b", 3, 2500, false, 2),
        new PartitionCompactor.Settings().withMaxRowsInMemory(700));
  }

  @Test
  public void wideRows_everyFileSpilled_runsMergedInGroups_sameBytes() throws Exception {
    assertSameBytes(
        wideSpool("c", 6, 1500, true, 3),
        new PartitionCompactor.Settings().withReaderMemory(0).withMaxOpenRuns(2).withMaxRowsInMemory(400));
  }

  @Test
  public void wideRows_dedupe_sameBytesAndDuplicatesCounted() throws Exception {
    List<Path> a = wideSpool("d", 2, 2000, true, 4);
    // The same file twice under another name: every row is a duplicate.
    Path copy = a.get(0).resolveSibling("copy.parquet");
    Files.copy(a.get(0), copy);
    List<Path> in = List.of(a.get(0), a.get(1), copy);
    assertSameBytes(in, new PartitionCompactor.Settings().withDedupe(true));
    PartitionCompactor.Result[] r = new PartitionCompactor.Result[2];
    for (int k = 0; k < 2; k++) {
      r[k] =
          new PartitionCompactor(new PartitionCompactor.Settings().withDedupe(true).withColumnar(k == 1))
              .compact(Bbo.local(in), Bbo.DAY, tmp.newFolder().toPath().resolve("x.parquet"), tmp.newFolder().toPath());
    }
    assertThat(r[1].duplicatesDropped, equalTo(r[0].duplicatesDropped));
    assertThat(r[1].rowCount + r[1].duplicatesDropped, equalTo(r[1].rowsRead));
    // Every row of the copy (its rows of the date: a third of those read) is dropped, and more.
    assertThat(r[1].duplicatesDropped >= r[1].rowsRead / 3, equalTo(true));
  }

  @Test
  public void bboRows_largeEnoughForSeveralPages_sameBytes() throws Exception {
    Random r = new Random(5);
    List<Path> in = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      List<GenericRecord> rows = new ArrayList<>();
      long ts = Bbo.D0;
      for (int i = 0; i < 60_000; i++) {
        ts += 1 + r.nextInt(1000);
        rows.add(Bbo.row(ts, i, 100 + r.nextInt(50) / 4.0));
      }
      in.add(Bbo.write(tmp.getRoot().toPath().resolve("e/" + f + ".parquet"), rows, Bbo.SCHEMA));
    }
    assertSameBytes(in, new PartitionCompactor.Settings());
    assertSameBytes(in, new PartitionCompactor.Settings().withReaderMemory(0));
  }

  @Test
  public void duckdbSpool_nullableTimestampMicrosKeysAndNullKeys_sameBytesAndQuarantine() throws Exception {
    Path dir = tmp.getRoot().toPath().resolve("g");
    Files.createDirectories(dir);
    String us = "TIMESTAMP '2026-02-03 00:00:00' + INTERVAL (i % 5000) MICROSECOND";
    List<Path> in = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (int f = 0; f < 2; f++) {
        Path p = dir.resolve("bbo_20260203_" + f + ".parquet");
        st.execute(
            "COPY (SELECT CASE WHEN i % 997 = 3 THEN NULL ELSE " + us + " END AS ts_event, "
                + "(i * 7 + " + f + ") % 11 AS seq, CASE WHEN i % 13 = 0 THEN NULL ELSE 'x' || (i % 4) END AS sym, "
                + "(i % 9) / 4.0 AS px FROM range(" + (4000 + f * 500) + ") t(i) ORDER BY ts_event, seq) "
                + "TO '" + p + "' (FORMAT parquet)");
        in.add(p);
      }
    }
    PartitionCompactor.Result[] r = new PartitionCompactor.Result[2];
    byte[][] data = new byte[2][];
    for (int k = 0; k < 2; k++) {
      Path target = tmp.newFolder().toPath().resolve("data.parquet");
      r[k] =
          new PartitionCompactor(new PartitionCompactor.Settings().withColumnar(k == 1))
              .compact(Bbo.local(in), Bbo.DAY, target, tmp.newFolder().toPath());
      data[k] = Files.readAllBytes(target);
    }
    assertThat(r[1].rowCount, equalTo(r[0].rowCount));
    assertThat(r[1].rowsQuarantined, equalTo(r[0].rowsQuarantined));
    assertThat(r[1].rowsQuarantined, equalTo(10L));
    assertThat(r[1].rowCount + r[1].rowsQuarantined, equalTo(8500L));
    assertThat(r[1].sha256, equalTo(r[0].sha256));
    assertThat(data[1].length, equalTo(data[0].length));
    assertThat(r[1].quarantinedRows.size(), equalTo(1));
    assertThat(
        LakeFiles.sha256(r[1].quarantinedRows.get(0).file),
        equalTo(LakeFiles.sha256(r[0].quarantinedRows.get(0).file)));
  }

  @Test
  public void of_nestedOrEnumColumns_recordPath() {
    Schema nested =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"ts_event\",\"type\":\"long\"},"
                    + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}]}");
    assertThat(BatchOrder.of(nested, List.of("ts_event"), List.<MessageType>of()), nullValue());
    assertThat(BatchOrder.of(Bbo.SCHEMA, List.of("ts_event", "seq"), List.<MessageType>of()), notNullValue());
  }
}
