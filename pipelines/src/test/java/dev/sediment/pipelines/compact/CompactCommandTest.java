package dev.sediment.pipelines.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.pipelines.CliRun;
import dev.sediment.transforms.compact.PartitionCompactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** compact and verify through the command line, on the DirectRunner and Flink [local]. */
public class CompactCommandTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema BBO =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"}]}");
  private static final long D0 = LocalDate.of(2026, 2, 3).toEpochDay() * 86_400_000_000_000L;

  private Path spool;
  private String out;

  private int run(String... args) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Method m = Class.forName("dev.sediment.pipelines.Sediment")
        .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    int code =
        (int)
            m.invoke(
                null,
                args,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
    out = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
    return code;
  }

  private void write(String rel, List<GenericRecord> rows) throws Exception {
    Path f = spool.resolve(rel);
    Files.createDirectories(f.getParent());
    try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(f, BBO)) {
      for (GenericRecord r : rows) {
        w.write(r);
      }
    }
  }

  @Before
  public void makeSpool() throws Exception {
    spool = tmp.newFolder("spool").toPath();
    Random rnd = new Random(3);
    for (String sym : List.of("btcusdt", "ethusdt")) {
      for (int f = 0; f < 3; f++) {
        List<GenericRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
          GenericData.Record r = new GenericData.Record(BBO);
          r.put("ts_event", D0 - 1000 + rnd.nextInt(1_000_000));
          r.put("seq", (long) i);
          r.put("bid_px", (double) rnd.nextInt(100));
          rows.add(r);
        }
        write("exchange=binance/stream=bbo/symbol=" + sym + "/2026-02-0" + (2 + f % 2) + "_0" + f + ".parquet", rows);
      }
    }
  }

  private String sha(Path target, String sym) throws Exception {
    return new ObjectMapper()
        .readTree(target.resolve("exchange=binance/stream=bbo/symbol=" + sym + "/date=20260203/meta.json").toFile())
        .get("sha256").asText();
  }

  @Test
  public void compact_thenVerify_thenRerunSkips() throws Exception {
    Path target = tmp.getRoot().toPath().resolve("archive");
    assertThat(out, run("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203"), equalTo(0));
    assertThat(out, containsString("compact: 2 partitions written, 0 unchanged, 0 without rows;"));
    assertThat(run("verify", "--target=" + target, "--date=20260203"), equalTo(0));
    assertThat(out, containsString("verify: 2 partitions checked, 0 bad"));
    assertThat(run("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203"), equalTo(0));
    assertThat(out, containsString("compact: 0 partitions written, 2 unchanged"));

    Path data = target.resolve("exchange=binance/stream=bbo/symbol=ethusdt/date=20260203/data.parquet");
    byte[] b = Files.readAllBytes(data);
    b[b.length / 3] ^= 0x10;
    Files.write(data, b);
    assertThat(run("verify", "--target=" + target), equalTo(1));
    assertThat(out, containsString("BAD exchange=binance/stream=bbo/symbol=ethusdt/date=20260203: sha256 of data.parquet is "));
  }

  @Test
  public void compact_directAndFlinkLocalParallel2_sameBytes() throws Exception {
    Path a = tmp.getRoot().toPath().resolve("a");
    Path f = tmp.getRoot().toPath().resolve("f");
    assertThat(out, run("compact", "--spool=" + spool, "--target=" + a, "--mode=backfill", "--start=20260202", "--end=20260204"), equalTo(0));
    assertThat(out, run("compact", "--spool=" + spool, "--target=" + f, "--mode=backfill", "--start=20260202", "--end=20260204",
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"), equalTo(0));
    for (String sym : List.of("btcusdt", "ethusdt")) {
      assertThat(sha(f, sym), equalTo(sha(a, sym)));
    }
  }

  @Test
  public void compact_damagedFile_quarantinedExit3_restCompacted() throws Exception {
    Path bad = spool.resolve("exchange=binance/stream=bbo/symbol=btcusdt/2026-02-03_01.parquet");
    byte[] b = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(b, b.length / 2));
    Path target = tmp.getRoot().toPath().resolve("archive");
    assertThat(out, run("compact", "--spool=" + spool, "--target=" + target, "--mode=daily", "--date=20260203"), equalTo(3));
    assertThat(out, containsString("2 partitions written"));
    assertThat(out, containsString("1 files quarantined"));
    assertThat(Files.exists(target.resolve("QUARANTINE/exchange=binance/stream=bbo/symbol=btcusdt/date=20260203/error.json")), equalTo(true));
  }

  @Test
  public void compact_backfillTenYears_onlyTheDatesFilesHoldBecomeTasks() throws Exception {
    Path target = tmp.getRoot().toPath().resolve("archive");
    assertThat(out, run("compact", "--spool=" + spool, "--target=" + target, "--mode=backfill", "--start=20200101", "--end=20291231"), equalTo(0));
    assertThat(out, containsString("compact: 2 partitions x 3,653 dates on DirectRunner\n"));
    // Both symbols have rows of 02-03; one of them also a row of 02-02 in a file named 02-02 (the
    // other's rows before midnight, if any, are in a file named 02-03, which holds no earlier date).
    assertThat(out, containsString("compact: 3 partition-dates to compact; 7,303 hold no row by their files' names and footer statistics\n"));
    assertThat(out, containsString("compact: 3 partitions written, 0 unchanged, 7,303 without rows; 1,799 rows; 0 files quarantined\n"));
    assertThat(run("verify", "--target=" + target), equalTo(0));
    assertThat(out, containsString("verify: 3 partitions checked, 0 bad"));
  }

  @Test
  public void compact_badMode_exit2() throws Exception {
    assertThat(run("compact", "--spool=" + spool, "--target=x", "--mode=weekly"), equalTo(2));
    assertThat(out, containsString("--mode=weekly is not known; use daily, backfill or single"));
    assertThat(run("compact", "--spool=" + spool, "--target=x", "--mode=backfill", "--start=20260205", "--end=20260201"), equalTo(2));
    assertThat(out, containsString("--end=20260201 is before --start=20260205"));
  }

  @Test
  public void compact_sortKeyInNoFile_exit2OneLine_nothingWritten() throws Exception {
    Path target = tmp.getRoot().toPath().resolve("archive");
    CliRun r = CliRun.of("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203", "--sortKeys=nope");
    assertThat(r.out + r.err, r.code, equalTo(2));
    assertThat(
        r.err,
        startsWith(
            "sediment compact: --sortKeys=nope: sort key 'nope' is a column of no spool file"
                + " (their columns: ts_event, seq, bid_px); give comma-separated INT64 columns,"
                + " e.g. --sortKeys=ts_event,seq\n"));
    assertThat(Files.exists(target), equalTo(false));

    r = CliRun.of("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203", "--sortKeys=ts_event,nope");
    assertThat(r.out + r.err, r.code, equalTo(2));
    assertThat(r.err, containsString("--sortKeys=ts_event,nope: sort key 'nope' is a column of no spool file"));
    assertThat(Files.exists(target), equalTo(false));
  }

  @Test
  public void compact_sortKeyNotInt64InAnyFile_exit2_nothingWritten() throws Exception {
    Path target = tmp.getRoot().toPath().resolve("archive");
    CliRun r = CliRun.of("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203", "--sortKeys=bid_px");
    assertThat(r.out + r.err, r.code, equalTo(2));
    assertThat(
        r.err,
        startsWith(
            "sediment compact: --sortKeys=bid_px: sort key 'bid_px' is \"double\" in the spool files;"
                + " sort keys must be INT64 or INT32 columns; give comma-separated INT64 columns,"
                + " e.g. --sortKeys=ts_event,seq\n"));
    assertThat(Files.exists(target), equalTo(false));
  }

  @Test
  public void compact_emptySortKey_exit2_nothingWritten() throws Exception {
    Path target = tmp.getRoot().toPath().resolve("archive");
    for (String keys : List.of("", "ts_event,,seq", "ts_event,", " ")) {
      CliRun r = CliRun.of("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203", "--sortKeys=" + keys);
      assertThat(keys + ": " + r.out + r.err, r.code, equalTo(2));
      assertThat(
          r.err,
          startsWith(
              "sediment compact: --sortKeys=" + keys + " names an empty column; give comma-separated"
                  + " INT64 columns, e.g. --sortKeys=ts_event,seq\n"));
      assertThat(Files.exists(target), equalTo(false));
    }
  }

  @Test
  public void compact_sortKeyInSomeFilesOnly_quarantinesTheOthersExit3() throws Exception {
    // btcusdt's files get an INT64 column 'recv' that ethusdt's files do not have.
    Schema withRecv =
        new Schema.Parser()
            .parse(BBO.toString().replace("]}", ",{\"name\":\"recv\",\"type\":\"long\"}]}"));
    Path btc = spool.resolve("exchange=binance/stream=bbo/symbol=btcusdt");
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.list(btc)) {
      files = s.sorted().collect(java.util.stream.Collectors.toList());
    }
    for (Path f : files) {
      Files.delete(f);
      try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(f, withRecv)) {
        GenericData.Record r = new GenericData.Record(withRecv);
        r.put("ts_event", D0 + 5);
        r.put("seq", 1L);
        r.put("bid_px", 1.0);
        r.put("recv", 7L);
        w.write(r);
      }
    }
    Path target = tmp.getRoot().toPath().resolve("archive");
    CliRun r = CliRun.of("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203", "--sortKeys=ts_event,recv");
    assertThat(r.out + r.err, r.code, equalTo(3));
    assertThat(r.out, containsString("compact: 1 partitions written, 0 unchanged, 1 without rows; 3 rows; 3 files quarantined"));
    String error =
        Files.readString(target.resolve("QUARANTINE/exchange=binance/stream=bbo/symbol=ethusdt/date=20260203/error.json"));
    assertThat(error, containsString("\"error_type\" : \"SCHEMA_MISMATCH\""));
    assertThat(error, containsString("sort key 'recv' is not a column of Bbo"));
  }

  @Test
  public void compact_missingSpool_exit1OneLine() throws Exception {
    assertThat(run("compact", "--spool=" + tmp.getRoot() + "/nope", "--target=x", "--mode=daily"), equalTo(1));
    assertThat(out, containsString("sediment compact: --spool=" + tmp.getRoot() + "/nope is not a directory"));
  }

  @Test
  public void compact_unknownPartition_exit1() throws Exception {
    assertThat(run("compact", "--spool=" + spool, "--target=x", "--mode=single", "--date=20260203", "--partition=exchange=kraken"), equalTo(1));
    assertThat(out, containsString("no spool partition under --partition=exchange=kraken"));
  }

  @Test
  public void compact_badDate_exit2() throws Exception {
    assertThat(run("compact", "--spool=" + spool, "--target=x", "--mode=single", "--date=2026-02-03"), equalTo(2));
    assertThat(out, containsString("--date=2026-02-03 is not a date; write YYYYMMDD, e.g. 20260203"));
  }

  @Test
  public void verify_missingTargetOrUncommittedPartition() throws Exception {
    assertThat(run("verify", "--target=" + tmp.getRoot() + "/nope"), equalTo(1));
    assertThat(out, containsString("is not a directory"));
    Path target = tmp.getRoot().toPath().resolve("archive");
    assertThat(run("compact", "--spool=" + spool, "--target=" + target, "--mode=single", "--date=20260203"), equalTo(0));
    Files.delete(target.resolve("exchange=binance/stream=bbo/symbol=btcusdt/date=20260203/meta.json"));
    assertThat(run("verify", "--target=" + target, "--start=20260201", "--end=20260205"), equalTo(1));
    assertThat(out, containsString("BAD exchange=binance/stream=bbo/symbol=btcusdt/date=20260203: meta.json is missing"));
    assertThat(out, containsString("verify: 2 partitions checked, 1 bad"));
  }

  @Test
  public void dates_dailyDefaultsToYesterdayUtc() {
    assertThat(CompactCommand.dates("daily", "", "", "", LocalDate.of(2026, 3, 1)), equalTo(List.of(LocalDate.of(2026, 2, 28))));
  }

  /** Writes the rows of {@code select} with DuckDB (every column OPTIONAL) to {@code file}. */
  private static void duckdb(Path file, String select) throws Exception {
    Files.createDirectories(file.getParent());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
    }
  }

  @Test
  public void compact_duckdbWrittenSpool_compactsWithExit0_nullSortKeyRowQuarantined() throws Exception {
    Path duck = tmp.newFolder("duck").toPath();
    Path part = duck.resolve("exchange=x/stream=bbo/symbol=s");
    duckdb(
        part.resolve("a.parquet"),
        "SELECT * FROM (VALUES (" + (D0 + 9) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE), ("
            + (D0 + 2) + "::BIGINT, 1::BIGINT, NULL)) t(ts_event, seq, bid_px)");
    duckdb(
        part.resolve("b.parquet"),
        "SELECT * FROM (VALUES (" + (D0 + 5) + "::BIGINT, 3::BIGINT, 2.0::DOUBLE)) t(ts_event, seq, bid_px)");
    Path target = tmp.getRoot().toPath().resolve("duck-archive");
    CliRun r = CliRun.of("compact", "--spool=" + duck, "--target=" + target, "--mode=single", "--date=20260203");
    assertThat(r.out + r.err, r.code, equalTo(0));
    assertThat(r.out, containsString("compact: 1 partitions written, 0 unchanged, 0 without rows; 3 rows; 0 files quarantined"));

    duckdb(
        part.resolve("c.parquet"),
        "SELECT * FROM (VALUES (NULL::BIGINT, 4::BIGINT, 3.0::DOUBLE)) t(ts_event, seq, bid_px)");
    r = CliRun.of("compact", "--spool=" + duck, "--target=" + target, "--mode=single", "--date=20260203", "--force");
    assertThat(r.out + r.err, r.code, equalTo(3));
    assertThat(
        r.out,
        containsString(
            "compact: 1 partitions written, 0 unchanged, 0 without rows; 3 rows; 0 files quarantined;"
                + " 1 rows quarantined (null sort key)\n"));
    // c.parquet has no date in its name: its row goes to date=unknown, as a row.
    Path q = target.resolve("QUARANTINE/exchange=x/stream=bbo/symbol=s/date=unknown");
    String error = Files.readString(q.resolve("error.json"));
    assertThat(error, containsString("\"error_type\" : \"NULL_SORT_KEY\""));
    assertThat(error, containsString("sort key 'ts_event' is null in 1 row, the first at row 0"));
    assertThat(
        duckdbRows("SELECT seq, _row_index, _error_type, _source_file = '" + part.resolve("c.parquet")
            + "' FROM read_parquet('" + q.resolve("_rows.parquet") + "')"),
        equalTo(List.of("4|0|NULL_SORT_KEY|true")));
    assertThat(
        new ObjectMapper()
            .readTree(target.resolve("exchange=x/stream=bbo/symbol=s/date=20260203/meta.json").toFile())
            .get("rows_quarantined")
            .asLong(),
        equalTo(1L));
  }

  private static List<String> duckdbRows(String sql) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> v = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
          v.add(rs.getString(i));
        }
        out.add(String.join("|", v));
      }
    }
    return out;
  }

  @Test
  public void compact_nullSortKeyRows_backfill_quarantinedOnceInTheirFilesDate_exactSummary()
      throws Exception {
    Path duck = tmp.newFolder("duck2").toPath();
    Path part = duck.resolve("exchange=x/stream=bbo/symbol=s");
    long day = 86_400_000_000_000L;
    // Opened on 02-03, straddles midnight; two null ts_event rows (rows 1 and 3).
    duckdb(
        part.resolve("2026-02-03_22-00-00.parquet"),
        "SELECT * FROM (VALUES (" + (D0 + 9) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE), (NULL, 1, 2.0), ("
            + (D0 + day + 2) + ", 2, 3.0), (NULL, 3, 4.0)) t(ts_event, seq, bid_px)");
    // Opened on 02-04, a null seq at row 0.
    duckdb(
        part.resolve("2026-02-04_01-00-00.parquet"),
        "SELECT * FROM (VALUES (" + (D0 + day + 7) + "::BIGINT, NULL::BIGINT, 1.0::DOUBLE), ("
            + (D0 + day + 1) + ", 5, 2.0)) t(ts_event, seq, bid_px)");
    Path target = tmp.getRoot().toPath().resolve("duck2-archive");
    CliRun r =
        CliRun.of(
            "compact", "--spool=" + duck, "--target=" + target, "--mode=backfill", "--start=20260201",
            "--end=20260205");
    assertThat(r.out + r.err, r.code, equalTo(3));
    assertThat(
        r.out,
        containsString(
            "compact: 2 partitions written, 0 unchanged, 3 without rows; 3 rows; 0 files quarantined;"
                + " 3 rows quarantined (null sort key)\n"));
    assertThat(r.out, containsString("rows in _rows.parquet"));
    Path q = target.resolve("QUARANTINE/exchange=x/stream=bbo/symbol=s");
    assertThat(
        duckdbRows("SELECT seq, _row_index FROM read_parquet('" + q.resolve("date=20260203/_rows.parquet") + "')"),
        equalTo(List.of("1|1", "3|3")));
    assertThat(
        duckdbRows("SELECT seq, _row_index FROM read_parquet('" + q.resolve("date=20260204/_rows.parquet") + "')"),
        equalTo(List.of("null|0")));
    assertThat(
        duckdbRows("SELECT ts_event, seq FROM read_parquet('"
            + target.resolve("exchange=x/stream=bbo/symbol=s/date=20260204/data.parquet") + "')"),
        equalTo(List.of((D0 + day + 1) + "|5", (D0 + day + 2) + "|2")));
    assertThat(run("verify", "--target=" + target), equalTo(0));
  }
}
