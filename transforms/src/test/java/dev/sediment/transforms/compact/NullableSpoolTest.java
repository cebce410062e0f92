package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.LocalParquetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Spools as pyarrow, DuckDB, Spark and polars write them: OPTIONAL columns, TIMESTAMP-annotated
 * and INT32 sort keys, null sort keys. The spool files are written by DuckDB in the test.
 */
public class NullableSpoolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;

  /** Writes the rows of {@code select} with DuckDB (every column OPTIONAL) to spool/{name}. */
  private Path duckdb(String name, String select) throws Exception {
    Path f = tmp.getRoot().toPath().resolve("spool").resolve(name);
    Files.createDirectories(f.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + f + "' (FORMAT parquet)");
    }
    return f;
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

  private PartitionCompactor.Result compact(List<Path> in, LocalDate day, Path target)
      throws Exception {
    return new PartitionCompactor(new PartitionCompactor.Settings())
        .compact(Bbo.local(in), day, target, tmp.newFolder().toPath());
  }

  private static List<String> rejected(PartitionCompactor.Result r) {
    return r.rejected.stream().map(x -> x.name() + ":" + x.type).collect(Collectors.toList());
  }

  @Test
  public void duckdbSpool_nullableColumns_compactInTotalOrder() throws Exception {
    Path a =
        duckdb(
            "a.parquet",
            "SELECT * FROM (VALUES ("
                + (D0 + 30)
                + "::BIGINT, 0::BIGINT, 1.5::DOUBLE, 'x'), ("
                + (D0 + 10)
                + "::BIGINT, 1::BIGINT, NULL, NULL)) t(ts_event, seq, bid_px, sym)");
    Path b =
        duckdb(
            "b.parquet",
            "SELECT * FROM (VALUES ("
                + (D0 + 10)
                + "::BIGINT, 0::BIGINT, 2.5::DOUBLE, 'y'), ("
                + (D0 - 1)
                + "::BIGINT, 5::BIGINT, 3.0, 'z')) t(ts_event, seq, bid_px, sym)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(b, a), DAY, target);
    assertThat(rejected(r), empty());
    assertThat(r.rowCount, equalTo(3L));
    assertThat(
        read(target, "ts_event", "seq", "bid_px", "sym"),
        equalTo(
            List.of(
                (D0 + 10) + "/0/2.5/y", (D0 + 10) + "/1/null/null", (D0 + 30) + "/0/1.5/x")));
    Schema out = new Schema.Parser().parse(r.schemaJson);
    assertThat(out.getField("ts_event").schema().toString(), equalTo("[\"null\",\"long\"]"));
    assertThat(r.sha256, equalTo(LakeFiles.sha256(target)));
    // The same rows in other files and listing order give the same bytes.
    Path target2 = tmp.getRoot().toPath().resolve("out2/data.parquet");
    assertThat(compact(List.of(a, b), DAY, target2).sha256, equalTo(r.sha256));
  }

  @Test
  public void requiredAndOptionalFiles_mergeIntoNullableColumns() throws Exception {
    Path req =
        Bbo.write(
            tmp.getRoot().toPath().resolve("spool/r.parquet"),
            List.of(Bbo.row(D0 + 20, 0, 1.0), Bbo.row(D0 + 5, 0, 4.0)),
            Bbo.SCHEMA);
    Path opt =
        duckdb(
            "o.parquet",
            "SELECT * FROM (VALUES ("
                + (D0 + 10)
                + "::BIGINT, 0::BIGINT, NULL::DOUBLE), ("
                + (D0 + 20)
                + "::BIGINT, 1::BIGINT, 2.0::DOUBLE)) t(ts_event, seq, bid_px)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(opt, req), DAY, target);
    assertThat(rejected(r), empty());
    assertThat(
        read(target, "ts_event", "seq", "bid_px"),
        equalTo(
            List.of(
                (D0 + 5) + "/0/4.0",
                (D0 + 10) + "/0/null",
                (D0 + 20) + "/0/1.0",
                (D0 + 20) + "/1/2.0")));
    Schema out = new Schema.Parser().parse(r.schemaJson);
    assertThat(out.getName(), equalTo("Bbo"));
    assertThat(out.getField("ts_event").schema().toString(), equalTo("[\"null\",\"long\"]"));
    assertThat(out.getField("bid_px").schema().toString(), equalTo("[\"null\",\"double\"]"));
    Path target2 = tmp.getRoot().toPath().resolve("out2/data.parquet");
    assertThat(compact(List.of(req, opt), DAY, target2).sha256, equalTo(r.sha256));
  }

  @Test
  public void nullSortKey_rowQuarantined_restOfFileCompacts() throws Exception {
    Path good =
        duckdb(
            "g.parquet",
            "SELECT * FROM (VALUES (" + (D0 + 1) + "::BIGINT, 0::BIGINT)) t(ts_event, seq)");
    Path bad =
        duckdb(
            "n.parquet",
            "SELECT * FROM (VALUES ("
                + (D0 + 2)
                + "::BIGINT, 0::BIGINT), ("
                + (D0 + 3)
                + "::BIGINT, NULL::BIGINT)) t(ts_event, seq)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(bad, good), DAY, target);
    assertThat(rejected(r), empty());
    assertThat(read(target, "ts_event", "seq"), equalTo(List.of((D0 + 1) + "/0", (D0 + 2) + "/0")));
    // n.parquet has no date in its name: its null-key row goes to date=unknown.
    assertThat(r.rowsQuarantined, equalTo(1L));
    assertThat(r.quarantinedRows.get(0).date, equalTo("unknown"));
    assertThat(
        read(r.quarantinedRows.get(0).file, "ts_event", "seq", "_source_file", "_row_index", "_error_type"),
        equalTo(List.of((D0 + 3) + "/null/" + LakeFiles.metadata(bad).resourceId() + "/1/NULL_SORT_KEY")));
  }

  @Test
  public void timestampMicrosKey_mapsToItsUtcDate() throws Exception {
    // 2026-02-03 23:59:59.999999 and 2026-02-04 00:00:00 UTC, as TIMESTAMP(MICROS).
    Path f =
        duckdb(
            "m.parquet",
            "SELECT * FROM (VALUES (TIMESTAMP '2026-02-04 00:00:00', 0::BIGINT),"
                + " (TIMESTAMP '2026-02-03 23:59:59.999999', 1::BIGINT),"
                + " (TIMESTAMP '2026-02-03 00:00:00', 2::BIGINT)) t(ts_event, seq)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(f), DAY, target);
    assertThat(rejected(r), empty());
    long m0 = D0 / 1000;
    assertThat(
        read(target, "ts_event", "seq"),
        equalTo(List.of(m0 + "/2", (m0 + 86_400_000_000L - 1) + "/1")));
    Path next = tmp.getRoot().toPath().resolve("next/data.parquet");
    PartitionCompactor.Result n = compact(List.of(f), DAY.plusDays(1), next);
    assertThat(n.rowCount, equalTo(1L));
    assertThat(read(next, "ts_event", "seq"), equalTo(List.of((m0 + 86_400_000_000L) + "/0")));
    assertThat(keyType(target), equalTo("optional int64 ts_event (TIMESTAMP(MICROS,false))"));
  }

  @Test
  public void timestampNanosKey_mapsToItsUtcDate() throws Exception {
    Path f =
        duckdb(
            "n.parquet",
            "SELECT * FROM (VALUES (CAST(TIMESTAMP '2026-02-03 23:59:59.999999' AS TIMESTAMP_NS), 0::BIGINT),"
                + " (CAST(TIMESTAMP '2026-02-02 12:00:00' AS TIMESTAMP_NS), 1::BIGINT)) t(ts_event, seq)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(f), DAY, target);
    assertThat(rejected(r), empty());
    assertThat(
        read(target, "ts_event", "seq"),
        equalTo(List.of((D0 + PartitionCompactor.NANOS_PER_DAY - 1000) + "/0")));    assertThat(keyType(target), equalTo("optional int64 ts_event (TIMESTAMP(NANOS,false))"));
  }

  private static String keyType(Path f) throws Exception {
    try (org.apache.parquet.hadoop.ParquetFileReader r =
        org.apache.parquet.hadoop.ParquetFileReader.open(LocalParquetFile.of(f))) {
      return r.getFooter().getFileMetaData().getSchema().getType("ts_event").toString();
    }
  }

  @Test
  public void int32Key_ordersAndCompacts() throws Exception {
    Path f =
        duckdb(
            "i.parquet",
            "SELECT * FROM (VALUES ("
                + (D0 + 7)
                + "::BIGINT, 3::INTEGER), ("
                + (D0 + 7)
                + "::BIGINT, -2::INTEGER), ("
                + (D0 + 1)
                + "::BIGINT, 9::INTEGER)) t(ts_event, seq)");
    Path target = tmp.getRoot().toPath().resolve("out/data.parquet");
    PartitionCompactor.Result r = compact(List.of(f), DAY, target);
    assertThat(rejected(r), empty());
    assertThat(
        read(target, "ts_event", "seq"),
        equalTo(List.of((D0 + 1) + "/9", (D0 + 7) + "/-2", (D0 + 7) + "/3")));
  }
}
