package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.LocalParquetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.values.KV;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Rows whose sort key is null, in spools written by DuckDB: each such row is quarantined as a row
 * (source file, 0-based row index, {@code NULL_SORT_KEY}) in the quarantine directory of its
 * file's name date, exactly once, and the rest of its file compacts.
 */
public class NullSortKeyRowsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;
  private static final long DAY_NS = PartitionCompactor.NANOS_PER_DAY;
  private static final String PART = "symbol=s";

  private Path spool() {
    return tmp.getRoot().toPath().resolve("spool");
  }

  /** Writes the rows of {@code select} with DuckDB (every column OPTIONAL) to spool/PART/name. */
  private Path duckdb(String name, String select) throws Exception {
    Path f = spool().resolve(PART).resolve(name);
    Files.createDirectories(f.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + f + "' (FORMAT parquet)");
    }
    return f;
  }

  /** (ts_event, seq, bid_px) rows, e.g. {@code "1::BIGINT, 0::BIGINT, 1.0::DOUBLE"}. */
  private static String values(String... rows) {
    return "SELECT * FROM (VALUES ("
        + String.join("), (", rows)
        + ")) t(ts_event, seq, bid_px)";
  }

  private static List<String> duck(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> v = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          v.add(rs.getString(i));
        }
        out.add(String.join("|", v));
      }
    }
    return out;
  }

  private static List<String> read(Path f, String... columns) throws Exception {
    List<String> out = new ArrayList<>();
    try (AvroParquetRows r = SpoolFileCheck.open(LocalParquetFile.of(f))) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        List<String> v = new ArrayList<>();
        for (String c : columns) {
          v.add(String.valueOf(rec.get(c)));
        }
        out.add(String.join("/", v));
      }
    }
    return out;
  }

  private static String uri(Path f) throws Exception {
    return LakeFiles.metadata(f).resourceId().toString();
  }

  private List<MatchResult.Metadata> files() throws Exception {
    return SpoolLayout.list(LakeFiles.dir(spool())).get(PART);
  }

  private Path target() {
    return tmp.getRoot().toPath().resolve("target");
  }

  private CompactJob.Outcome job(LocalDate day, PartitionCompactor.Settings s) throws Exception {
    return new CompactJob(s, true)
        .compact(PART, files(), day, LakeFiles.dir(target()), tmp.newFolder().toPath());
  }

  private Path quarantine(String date) {
    return target().resolve("QUARANTINE").resolve(PART).resolve("date=" + date);
  }

  private static JsonNode json(Path f) throws Exception {
    return new ObjectMapper().readTree(f.toFile());
  }

  /** Two dated files with null ts_event at known rows; one row of b is of the next day. */
  private Path[] twoFilesWithNulls() throws Exception {
    Path a =
        duckdb(
            "2026-02-03_00-00-00.parquet",
            values(
                (D0 + 50) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE",
                "NULL, 1, 2.0",
                (D0 + 10) + ", 2, 3.0",
                "NULL, 3, NULL",
                (D0 + 30) + ", 4, 5.0"));
    Path b =
        duckdb(
            "2026-02-03_12-00-00.parquet",
            values(
                (D0 + 20) + "::BIGINT, 0::BIGINT, 6.0::DOUBLE",
                (D0 + DAY_NS + 5) + ", 1, 7.0",
                "NULL, 2, 8.0"));
    return new Path[] {a, b};
  }

  @Test
  public void nullTsEvent_rowsQuarantinedWithSourceAndRow_restCompactsInOrder() throws Exception {
    Path[] in = twoFilesWithNulls();
    CompactJob.Outcome o = job(DAY, new PartitionCompactor.Settings());
    assertThat(o.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(o.rows, equalTo(4L));
    assertThat(o.rowsRead, equalTo(4L));
    assertThat(o.rowsQuarantined, equalTo(3L));
    assertThat(o.quarantined, empty());
    Path data = target().resolve(PART).resolve("date=20260203/data.parquet");
    assertThat(
        read(data, "ts_event", "seq", "bid_px"),
        equalTo(
            List.of(
                (D0 + 10) + "/2/3.0", (D0 + 20) + "/0/6.0", (D0 + 30) + "/4/5.0", (D0 + 50) + "/0/1.0")));
    assertThat(PartitionVerifier.verify(LakeFiles.dir(data.getParent())), empty());
    JsonNode meta = json(data.resolveSibling("meta.json"));
    assertThat(meta.get("row_count").asLong(), equalTo(4L));
    assertThat(meta.get("rows_quarantined").asLong(), equalTo(3L));

    Path rows = quarantine("20260203").resolve("_rows.parquet");
    assertThat(
        o.outputFiles,
        equalTo(List.of(uri(data), LakeFiles.dir(quarantine("20260203")) + "_rows.parquet")));
    assertThat(o.bytesWritten, equalTo(Files.size(data)));
    // Read back by DuckDB: every column of the spool, then where each row came from.
    assertThat(
        duck(
            "SELECT ts_event, seq, bid_px, _source_file, _row_index, _error_type FROM read_parquet('"
                + rows
                + "')"),
        equalTo(
            List.of(
                "null|1|2.0|" + uri(in[0]) + "|1|NULL_SORT_KEY",
                "null|3|null|" + uri(in[0]) + "|3|NULL_SORT_KEY",
                "null|2|8.0|" + uri(in[1]) + "|2|NULL_SORT_KEY")));
    JsonNode err = json(quarantine("20260203").resolve("error.json"));
    assertThat(err.get("error_type").asText(), equalTo("NULL_SORT_KEY"));
    assertThat(err.get("source").asText(), equalTo(uri(in[0])));
    assertThat(err.get("files").size(), equalTo(0));
    assertThat(err.get("rows").size(), equalTo(2));
    assertThat(err.get("rows").get(0).get("row_count").asLong(), equalTo(2L));
    assertThat(err.get("rows").get(0).get("first_row").asLong(), equalTo(1L));
    assertThat(err.get("rows").get(0).get("rows_file").asText(), equalTo("_rows.parquet"));
    assertThat(
        err.get("rows").get(0).get("message").asText(),
        equalTo(
            "sort key 'ts_event' is null in 2 rows, the first at row 1; rows with a null sort key"
                + " have no place in the order and are quarantined as rows in _rows.parquet, the"
                + " rest of the file is compacted"));
    assertThat(err.get("rows").get(1).get("source").asText(), equalTo(uri(in[1])));
    assertThat(err.get("rows").get(1).get("row_count").asLong(), equalTo(1L));
    assertThat(err.get("rows").get(1).get("first_row").asLong(), equalTo(2L));

    // The next day reads b again (its row of 02-04) but leaves b's null row to 02-03's task.
    String before = LakeFiles.sha256(rows);
    CompactJob.Outcome next = job(DAY.plusDays(1), new PartitionCompactor.Settings());
    assertThat(next.rows, equalTo(1L));
    assertThat(next.rowsQuarantined, equalTo(0L));
    assertThat(Files.exists(quarantine("20260204")), equalTo(false));
    assertThat(LakeFiles.sha256(rows), equalTo(before));
  }

  @Test
  public void spilledOrMergedStraight_sameRowsQuarantinedOnce_sameBytes() throws Exception {
    // Unsorted: merged straight, found unsorted, spilled and read again; with readerMemory 0
    // spilled at once. Either way each null row is quarantined once, with the same bytes.
    Path f =
        duckdb(
            "2026-02-03_00-00-00.parquet",
            values(
                (D0 + 9) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE",
                "NULL, 1, 2.0",
                (D0 + 3) + ", 2, 3.0",
                "NULL, 3, 4.0",
                (D0 + 1) + ", 4, 5.0"));
    duckdb("2026-02-03_01-00-00.parquet", values((D0 + 2) + "::BIGINT, 0::BIGINT, NULL::DOUBLE", "NULL, 7, 1.5"));
    List<String> shas = new ArrayList<>();
    List<String> dataShas = new ArrayList<>();
    for (PartitionCompactor.Settings s :
        List.of(
            new PartitionCompactor.Settings(),
            new PartitionCompactor.Settings().withReaderMemory(0).withMaxRowsInMemory(1))) {
      Path out = tmp.newFolder().toPath().resolve("data.parquet");
      List<MatchResult.Metadata> files = new ArrayList<>(files());
      java.util.Collections.reverse(files);
      PartitionCompactor.Result r =
          new PartitionCompactor(s).compact(files, DAY, out, tmp.newFolder().toPath());
      assertThat(r.rejected, empty());
      assertThat(r.rowCount, equalTo(4L));
      assertThat(r.rowsRead, equalTo(4L));
      assertThat(r.rowsQuarantined, equalTo(3L));
      assertThat(r.quarantinedRows.size(), equalTo(1));
      Path q = r.quarantinedRows.get(0).file;
      assertThat(
          read(q, "seq", "_row_index"), equalTo(List.of("1/1", "3/3", "7/1")));
      assertThat(read(q, "_source_file").get(0), equalTo(uri(f)));
      shas.add(LakeFiles.sha256(q));
      dataShas.add(r.sha256);
    }
    assertThat(shas.get(1), equalTo(shas.get(0)));
    assertThat(dataShas.get(1), equalTo(dataShas.get(0)));
  }

  @Test
  public void wholeFileAllNull_everyRowQuarantined_otherFilesCompact() throws Exception {
    Path good = duckdb("2026-02-03_00-00-00.parquet", values((D0 + 4) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE"));
    Path allNull =
        duckdb(
            "2026-02-03_06-00-00.parquet",
            values("NULL::BIGINT, 0::BIGINT, 1.0::DOUBLE", "NULL, 1, 2.0", "NULL, 2, 3.0"));
    CompactJob.Outcome o = job(DAY, new PartitionCompactor.Settings());
    assertThat(o.status, equalTo(CompactJob.Status.WRITTEN));
    assertThat(o.rows, equalTo(1L));
    assertThat(o.rowsQuarantined, equalTo(3L));
    assertThat(o.quarantined, empty());
    JsonNode meta = json(target().resolve(PART).resolve("date=20260203/meta.json"));
    assertThat(meta.get("source_file_names").toString(), equalTo("[\"2026-02-03_00-00-00.parquet\"]"));
    assertThat(
        read(quarantine("20260203").resolve("_rows.parquet"), "seq", "_row_index", "_source_file"),
        equalTo(
            List.of("0/0/" + uri(allNull), "1/1/" + uri(allNull), "2/2/" + uri(allNull))));
    assertThat(read(target().resolve(PART).resolve("date=20260203/data.parquet"), "ts_event"), equalTo(List.of(Long.toString(D0 + 4))));

    // Without the good file nothing is left to compact: no partition, the rows still quarantined.
    Files.delete(good);
    Files.delete(quarantine("20260203").resolve("_rows.parquet"));
    CompactJob.Outcome alone = job(DAY, new PartitionCompactor.Settings());
    assertThat(alone.status, equalTo(CompactJob.Status.NO_ROWS));
    assertThat(alone.rowsQuarantined, equalTo(3L));
    assertThat(read(quarantine("20260203").resolve("_rows.parquet"), "_row_index"), equalTo(List.of("0", "1", "2")));
  }

  @Test
  public void nullSecondarySortKey_rowQuarantined_namesTheKey() throws Exception {
    Path f =
        duckdb(
            "2026-02-03_00-00-00.parquet",
            values((D0 + 4) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE", (D0 + 2) + ", NULL, 2.0", (D0 + 3) + ", 1, 3.0"));
    CompactJob.Outcome o = job(DAY, new PartitionCompactor.Settings().withSortKeys(List.of("ts_event", "seq")));
    assertThat(o.rows, equalTo(2L));
    assertThat(o.rowsQuarantined, equalTo(1L));
    assertThat(
        read(target().resolve(PART).resolve("date=20260203/data.parquet"), "ts_event", "seq"),
        equalTo(List.of((D0 + 3) + "/1", (D0 + 4) + "/0")));
    assertThat(
        read(quarantine("20260203").resolve("_rows.parquet"), "ts_event", "seq", "_row_index", "_source_file"),
        equalTo(List.of((D0 + 2) + "/null/1/" + uri(f))));
    assertThat(
        json(quarantine("20260203").resolve("error.json")).get("message").asText(),
        equalTo(
            "sort key 'seq' is null in 1 row, the first at row 1; rows with a null sort key have no"
                + " place in the order and are quarantined as rows in _rows.parquet, the rest of"
                + " the file is compacted"));
  }

  @Test
  public void undatedFile_nullRowsGoToDateUnknown_onlyFromTheTaskThatTakesThem() throws Exception {
    Path u = duckdb("u.parquet", values((D0 + 1) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE", "NULL, 1, 2.0"));
    CompactJob.Outcome other = job(DAY, new PartitionCompactor.Settings().withUndatedNullKeys(false));
    assertThat(other.rows, equalTo(1L));
    assertThat(other.rowsQuarantined, equalTo(0L));
    assertThat(Files.exists(target().resolve("QUARANTINE")), equalTo(false));

    CompactJob.Outcome first = job(DAY, new PartitionCompactor.Settings());
    assertThat(first.rows, equalTo(1L));
    assertThat(first.rowsQuarantined, equalTo(1L));
    assertThat(
        read(quarantine("unknown").resolve("_rows.parquet"), "seq", "_row_index", "_source_file"),
        equalTo(List.of("1/1/" + uri(u))));
    assertThat(json(quarantine("unknown").resolve("error.json")).get("source").asText(), equalTo(uri(u)));
  }

  @Test
  public void plan_fileThatMayHoldNullKeys_getsTheTaskOfItsNameDate() throws Exception {
    // Named 02-02, every non-null row on 02-03: the 02-02 task quarantines its null row.
    duckdb("2026-02-02_23-00-00.parquet", values((D0 + 1) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE", "NULL, 1, 2.0"));
    // Named 02-02 too, no null: its name's date is not a task of its own.
    Path other = spool().resolve("symbol=t/2026-02-02_23-00-00.parquet");
    Files.createDirectories(other.getParent());
    Bbo.write(other, List.of(Bbo.row(D0 + 1, 0, 1.0)), Bbo.SCHEMA);
    // No date in its name, a null ts_event: the range's first date, the partition's first task.
    Path undated = spool().resolve("symbol=u/u.parquet");
    Files.createDirectories(undated.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY ("
              + values((D0 + DAY_NS + 1) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE", "NULL, 1, 2.0")
              + ") TO '"
              + undated
              + "' (FORMAT parquet)");
    }
    Map<String, List<MatchResult.Metadata>> parts = SpoolLayout.list(LakeFiles.dir(spool()));
    CompactPlan plan =
        CompactPlan.of(
            parts, LocalDate.of(2026, 2, 1), LocalDate.of(2026, 2, 5), List.of("ts_event", "seq"), true, 2, n -> {});
    assertThat(
        plan.tasks,
        equalTo(
            List.of(
                KV.of("symbol=s", "20260202"),
                KV.of("symbol=s", "20260203"),
                KV.of("symbol=t", "20260203"),
                KV.of("symbol=u", "20260201"),
                KV.of("symbol=u", "20260204"))));
    assertThat(
        plan.requests.stream()
            .map(r -> r.partition() + "@" + r.date() + ":" + r.undatedNullKeys())
            .collect(Collectors.toList()),
        equalTo(
            List.of(
                "symbol=s@2026-02-02:true",
                "symbol=s@2026-02-03:false",
                "symbol=t@2026-02-03:true",
                "symbol=u@2026-02-01:true",
                "symbol=u@2026-02-04:false")));
    assertThat(plan.withoutRows, equalTo(15L - 5L));
  }

  /** A DuckDB expression of {@code type} (nanoseconds cut to the type's unit). */
  private static String ts(String text, String type) {
    return type.equals("TIMESTAMP_NS")
        ? "TIMESTAMP_NS '" + text + "'"
        : "CAST(CAST(TIMESTAMP_NS '" + text + "' AS TIMESTAMP) AS " + type + ")";
  }

  @Test
  public void timestampKeys_keepTheirTypeAndValues_readBackByDuckDb() throws Exception {
    for (String type : List.of("TIMESTAMP_MS", "TIMESTAMP", "TIMESTAMP_NS")) {
      // The last instant of 02-03 in the type's unit.
      String late =
          type.equals("TIMESTAMP_NS")
              ? "2026-02-03 23:59:59.999999999"
              : type.equals("TIMESTAMP") ? "2026-02-03 23:59:59.999999" : "2026-02-03 23:59:59.999";
      Path f = tmp.newFolder().toPath().resolve("2026-02-03_00-00-00.parquet");
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = c.createStatement()) {
        s.execute(
            "COPY (SELECT * FROM (VALUES"
                + " (" + ts(late, type) + ", 0::BIGINT),"
                + " (" + ts("2026-02-03 00:00:00.001", type) + ", 1::BIGINT),"
                + " (" + ts("2026-02-04 00:00:00", type) + ", 2::BIGINT)) t(ts_event, seq))"
                + " TO '" + f + "' (FORMAT parquet)");
      }
      Path out = tmp.newFolder().toPath().resolve("data.parquet");
      PartitionCompactor.Result r =
          new PartitionCompactor(new PartitionCompactor.Settings())
              .compact(Bbo.local(List.of(f)), DAY, out, tmp.newFolder().toPath());
      assertThat(type, r.rowCount, equalTo(2L));
      // DuckDB reads the output back as the type it wrote (TIMESTAMP_MS may read as TIMESTAMP
      // from both files; the point is that input and output agree), with the same values.
      String readAs = duck("SELECT typeof(ts_event) FROM read_parquet('" + f + "') LIMIT 1").get(0);
      if (!type.equals("TIMESTAMP_MS")) {
        assertThat(readAs, equalTo(type));
      }
      assertThat(
          type,
          duck("SELECT typeof(ts_event), CAST(ts_event AS VARCHAR), seq FROM read_parquet('" + out + "')"),
          equalTo(List.of(readAs + "|2026-02-03 00:00:00.001|1", readAs + "|" + late + "|0")));
    }
  }

  @Test
  public void quarantinedRowsFile_keepsTimestampNanosOfItsKey() throws Exception {
    Path f = spool().resolve(PART).resolve("2026-02-03_00-00-00.parquet");
    Files.createDirectories(f.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT * FROM (VALUES (CAST('2026-02-03 01:00:00.000000001' AS TIMESTAMP_NS), 0::BIGINT),"
              + " (NULL, 1::BIGINT)) t(ts_event, seq)) TO '" + f + "' (FORMAT parquet)");
    }
    CompactJob.Outcome o = job(DAY, new PartitionCompactor.Settings());
    assertThat(o.rows, equalTo(1L));
    assertThat(o.rowsQuarantined, equalTo(1L));
    assertThat(
        duck(
            "SELECT typeof(ts_event), ts_event IS NULL, seq, _row_index FROM read_parquet('"
                + quarantine("20260203").resolve("_rows.parquet")
                + "')"),
        equalTo(List.of("TIMESTAMP_NS|true|1|1")));
    assertThat(
        duck(
            "SELECT typeof(ts_event), CAST(ts_event AS VARCHAR) FROM read_parquet('"
                + target().resolve(PART).resolve("date=20260203/data.parquet")
                + "')"),
        equalTo(List.of("TIMESTAMP_NS|2026-02-03 01:00:00.000000001")));
    assertThat(o.outputFiles.size(), equalTo(2));
  }
}
