package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.CanonicalFooter;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.LocalParquetFile;
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
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The columnar merge writes exactly the rows the record merge writes, for the same spool and
 * settings: the same rows in the same total order (including ties broken on strings, bytes, nulls
 * and descending columns), under the same Parquet schema and footer metadata, with the same
 * counts and sort key range. Each case compacts once with {@code withColumnar(false)} and once
 * with the default and compares the files row by row (their pages differ: the columnar path
 * writes through Sediment's page encoders). The columnar path's bytes depend on the rows only:
 * not on spilling, open runs, listing order or how merged rows are gathered.
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

  /**
   * {@link #WIDE} without the IGNORE column order: rows that compare equal are then equal, so
   * their order, and the bytes, cannot depend on which run they came from.
   */
  private static final Schema WIDE_ORDERED =
      new Schema.Parser().parse(WIDE.toString().replace(",\"order\":\"ignore\"", ""));

  private static GenericRecord wide(Random r, long ts) {
    return wide(r, ts, WIDE);
  }

  private static GenericRecord wide(Random r, long ts, Schema schema) {
    GenericData.Record g = new GenericData.Record(schema);
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
    return wideSpool(dir, files, rows, sorted, seed, WIDE);
  }

  private List<Path> wideSpool(String dir, int files, int rows, boolean sorted, long seed, Schema schema)
      throws Exception {
    Random r = new Random(seed);
    List<Path> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<GenericRecord> rs = new ArrayList<>();
      long ts = Bbo.D0 - 50;
      for (int i = 0; i < rows; i++) {
        ts += r.nextInt(3); // many equal keys across files
        rs.add(wide(r, sorted ? ts : Bbo.D0 - 50 + r.nextInt(rows * 2), schema));
      }
      out.add(Bbo.write(tmp.getRoot().toPath().resolve(dir).resolve("f" + f + ".parquet"), rs, schema));
    }
    return out;
  }

  private PartitionCompactor.Result[] results;

  /** Compacts {@code in} by records and by columns; the two files' rows and metadata match. */
  private Path[] both(List<Path> in, PartitionCompactor.Settings s) throws Exception {
    Path[] out = new Path[2];
    results = new PartitionCompactor.Result[2];
    for (int k = 0; k < 2; k++) {
      Path target = tmp.newFolder().toPath().resolve("data.parquet");
      PartitionCompactor.Result r =
          new PartitionCompactor(s.withColumnar(k == 1))
              .compact(Bbo.local(in), Bbo.DAY, target, tmp.newFolder().toPath());
      assertThat(r.rejected.toString(), r.rejected.size(), equalTo(0));
      assertThat(r.sha256, equalTo(LakeFiles.sha256(target)));
      out[k] = target;
      results[k] = r;
    }
    PartitionCompactor.Result a = results[0];
    PartitionCompactor.Result b = results[1];
    assertThat(b.rowCount, equalTo(a.rowCount));
    assertThat(b.rowsRead, equalTo(a.rowsRead));
    assertThat(b.duplicatesDropped, equalTo(a.duplicatesDropped));
    assertThat(b.rowsQuarantined, equalTo(a.rowsQuarantined));
    assertThat(b.sortKeyMin, equalTo(a.sortKeyMin));
    assertThat(b.sortKeyMax, equalTo(a.sortKeyMax));
    assertThat(b.schemaJson, equalTo(a.schemaJson));
    return out;
  }

  /** Every row as Avro's JSON text (all columns, IGNORE ones too), in file order. */
  static List<String> rows(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (AvroParquetRows r = SpoolFileCheck.open(LocalParquetFile.of(file))) {
      for (GenericRecord g = r.read(); g != null; g = r.read()) {
        out.add(g.toString());
      }
    }
    return out;
  }

  static FileMetaData footer(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      return r.getFooter().getFileMetaData();
    }
  }

  /** The same rows in the same order, the same Parquet schema and footer key-value metadata. */
  static void assertSameRows(Path columnar, Path records) throws Exception {
    List<String> want = rows(records);
    List<String> got = rows(columnar);
    assertThat(got.size(), equalTo(want.size()));
    for (int i = 0; i < want.size(); i++) {
      assertThat("row " + i, got.get(i), equalTo(want.get(i)));
    }
    FileMetaData fc = footer(columnar);
    FileMetaData fr = footer(records);
    assertThat(fc.getSchema(), equalTo(fr.getSchema()));
    assertThat(fc.getSchema().getName(), equalTo(fr.getSchema().getName()));
    assertThat(fc.getKeyValueMetaData(), equalTo(fr.getKeyValueMetaData()));
    assertThat(fc.getCreatedBy(), equalTo(fr.getCreatedBy()));
  }

  private void assertSameRows(List<Path> in, PartitionCompactor.Settings s) throws Exception {
    Path[] f = both(in, s);
    assertSameRows(f[1], f[0]);
  }

  /** The result of the last {@link #columnarSha}. */
  private PartitionCompactor.Result lastColumnar;

  /** The columnar path's sha256 for {@code in} (in that listing order) under {@code s}. */
  private String columnarSha(List<Path> in, PartitionCompactor.Settings s) throws Exception {
    Path target = tmp.newFolder().toPath().resolve("data.parquet");
    PartitionCompactor.Result r =
        new PartitionCompactor(s.withColumnar(true))
            .compact(Bbo.local(in), Bbo.DAY, target, tmp.newFolder().toPath());
    lastColumnar = r;
    assertThat(r.rejected.toString(), r.rejected.size(), equalTo(0));
    assertThat(LakeFiles.sha256(target), equalTo(r.sha256));
    return r.sha256;
  }

  @Test
  public void wideRows_sortedOverlappingFiles_mergedStraight_sameRows() throws Exception {
    assertSameRows(wideSpool("a", 4, 3000, true, 1), new PartitionCompactor.Settings());
  }

  @Test
  public void wideRows_unsortedFiles_spilledInSortedRuns_sameRows() throws Exception {
    assertSameRows(
        wideSpool("b", 3, 2500, false, 2),
        new PartitionCompactor.Settings().withMaxRowsInMemory(700));
  }

  @Test
  public void wideRows_everyFileSpilled_runsMergedInGroups_sameRows() throws Exception {
    assertSameRows(
        wideSpool("c", 6, 1500, true, 3),
        new PartitionCompactor.Settings().withReaderMemory(0).withMaxOpenRuns(2).withMaxRowsInMemory(400));
  }

  @Test
  public void wideRows_dedupe_sameRowsAndDuplicatesCounted() throws Exception {
    List<Path> a = wideSpool("d", 2, 2000, true, 4);
    // The same file twice under another name: every row is a duplicate.
    Path copy = a.get(0).resolveSibling("copy.parquet");
    Files.copy(a.get(0), copy);
    List<Path> in = List.of(a.get(0), a.get(1), copy);
    assertSameRows(in, new PartitionCompactor.Settings().withDedupe(true));
    PartitionCompactor.Result[] r = results;
    assertThat(r[1].duplicatesDropped, equalTo(r[0].duplicatesDropped));
    assertThat(r[1].rowCount + r[1].duplicatesDropped, equalTo(r[1].rowsRead));
    // Every row of the copy (its rows of the date: a third of those read) is dropped, and more.
    assertThat(r[1].duplicatesDropped >= r[1].rowsRead / 3, equalTo(true));
  }

  /** {@code files} sorted BBO files of {@code rows} rows each under {@code dir}, gaps below {@code gap} ns. */
  private List<Path> bboFiles(String dir, int files, int rows, int gap, long seed) throws Exception {
    Random r = new Random(seed);
    List<Path> in = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<GenericRecord> records = new ArrayList<>();
      long ts = Bbo.D0;
      for (int i = 0; i < rows; i++) {
        ts += 1 + r.nextInt(gap);
        records.add(Bbo.row(ts, i, 100 + r.nextInt(50) / 4.0));
      }
      in.add(Bbo.write(tmp.getRoot().toPath().resolve(dir + "/" + f + ".parquet"), records, Bbo.SCHEMA));
    }
    return in;
  }

  @Test
  public void bboRows_largeEnoughForSeveralPages_sameRows() throws Exception {
    List<Path> in = bboFiles("e", 3, 60_000, 1000, 5);
    assertSameRows(in, new PartitionCompactor.Settings());
    assertSameRows(in, new PartitionCompactor.Settings().withReaderMemory(0));
  }

  @Test
  public void bboRows_rowGroupsLargerThanTheReaderMemory_streamedAPageAtATime_sameBytes()
      throws Exception {
    List<Path> in = bboFiles("w", 3, 200_000, 300, 9);
    String straight = columnarSha(in, new PartitionCompactor.Settings());
    assertThat(lastColumnar.filesSpilled, equalTo(0));
    long streamed = 0;
    long least = Long.MAX_VALUE;
    long groups = 0;
    for (Path p : in) {
      try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(p), p.toString())) {
        assertThat(r.rowGroupCount(), equalTo(1));
        streamed += r.streamingBytes(0);
        least = Math.min(least, r.streamingBytes(0));
        groups += r.compressedBytes(0);
      }
    }
    // Memory for the three files' pages (a page per column), less than their row groups: all
    // three are merged straight from Parquet, read a page at a time, and read back so too.
    assertThat(streamed + " < " + groups, streamed < groups, equalTo(true));
    String paged = columnarSha(in, new PartitionCompactor.Settings().withReaderMemory(streamed));
    assertThat(lastColumnar.filesSpilled, equalTo(0));
    assertThat(lastColumnar.filesMergedDirectly, equalTo(3));
    assertThat(paged, equalTo(straight));
    // Less than one file's pages: every file is spilled (read a page at a time) first.
    String spilled =
        columnarSha(in, new PartitionCompactor.Settings().withReaderMemory(least - 1));
    assertThat(lastColumnar.filesSpilled, equalTo(3));
    assertThat(lastColumnar.rowCount, equalTo(600_000L));
    assertThat(spilled, equalTo(straight));
  }

  @Test
  public void duckdbSpool_nullableTimestampMicrosKeysAndNullKeys_sameRowsAndQuarantine() throws Exception {
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
    Path[] data = both(in, new PartitionCompactor.Settings());
    PartitionCompactor.Result[] r = results;
    assertSameRows(data[1], data[0]);
    // TIMESTAMP(MICROS) as DuckDB wrote it, kept in the compacted file.
    LogicalTypeAnnotation ts = footer(data[1]).getSchema().getType("ts_event").getLogicalTypeAnnotation();
    assertThat(ts, instanceOf(LogicalTypeAnnotation.TimestampLogicalTypeAnnotation.class));
    assertThat(
        ((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) ts).getUnit(),
        equalTo(LogicalTypeAnnotation.TimeUnit.MICROS));
    assertThat(r[1].rowCount, equalTo(r[0].rowCount));
    assertThat(r[1].rowsQuarantined, equalTo(r[0].rowsQuarantined));
    assertThat(r[1].rowsQuarantined, equalTo(10L));
    assertThat(r[1].rowCount + r[1].rowsQuarantined, equalTo(8500L));
    assertThat(r[1].quarantinedRows.size(), equalTo(1));
    assertThat(
        LakeFiles.sha256(r[1].quarantinedRows.get(0).file),
        equalTo(LakeFiles.sha256(r[0].quarantinedRows.get(0).file)));
  }

  @Test
  public void wideRows_columnarBytes_sameForAnySpillingOpenRunsListingOrderAndRepeat() throws Exception {
    assertThat(WIDE_ORDERED.getField("note").order(), equalTo(Schema.Field.Order.ASCENDING));
    List<Path> in = wideSpool("h", 4, 3000, true, 6, WIDE_ORDERED);
    List<Path> reversed = new ArrayList<>(in);
    java.util.Collections.reverse(reversed);
    String sha = columnarSha(in, new PartitionCompactor.Settings());
    assertThat(columnarSha(in, new PartitionCompactor.Settings()), equalTo(sha));
    assertThat(columnarSha(reversed, new PartitionCompactor.Settings()), equalTo(sha));
    assertThat(
        columnarSha(
            reversed,
            new PartitionCompactor.Settings().withReaderMemory(0).withMaxOpenRuns(2).withMaxRowsInMemory(400)),
        equalTo(sha));
    assertThat(
        columnarSha(in, new PartitionCompactor.Settings().withMaxOpenRuns(4).withMaxRowsInMemory(333)),
        equalTo(sha));
    List<Path> shuffled = wideSpool("i", 3, 2500, false, 7, WIDE_ORDERED);
    String s2 = columnarSha(shuffled, new PartitionCompactor.Settings().withMaxRowsInMemory(700));
    assertThat(
        columnarSha(List.of(shuffled.get(2), shuffled.get(0), shuffled.get(1)),
            new PartitionCompactor.Settings().withMaxRowsInMemory(97).withMaxOpenRuns(3)),
        equalTo(s2));
  }

  @Test
  public void mergedRowsWriter_gatherLimits_sameBytesAndRowsAsTheInput() throws Exception {
    Path spool = wideSpool("j", 1, 5000, true, 8).get(0);
    MessageType fileSchema = footer(spool).getSchema();
    BatchOrder order = BatchOrder.of(WIDE, List.of("ts_event", "seq"), List.of(fileSchema));
    List<ColumnBatch> batches = new ArrayList<>();
    try (ParquetBatchReader r =
        ParquetBatchReader.open(LocalParquetFile.of(spool), spool.toString()).withBatchLimits(333, 1 << 20)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        batches.add(b);
      }
    }
    assertThat(batches.size(), equalTo(16));
    String[] shas = new String[3];
    int[][] limits = {{MergedRowsWriter.ROWS, (int) MergedRowsWriter.BINARY_BYTES}, {7, 1 << 20}, {5000, 16}};
    for (int k = 0; k < limits.length; k++) {
      Path out = tmp.newFolder().toPath().resolve("data.parquet");
      try (MergedRowsWriter w =
          new MergedRowsWriter(out, order, List.of(fileSchema), limits[k][0], limits[k][1])) {
        for (int b = 0; b < batches.size(); b++) {
          for (int i = 0; i < batches.get(b).rowCount(); i++) {
            // Three "runs" that hand over batches in turn.
            w.write(b % 3, batches.get(b), i);
          }
        }
        w.finish();
      }
      CanonicalFooter.sortEncodings(out);
      shas[k] = LakeFiles.sha256(out);
      assertThat(rows(out), equalTo(rows(spool)));
      assertThat(footer(out).getSchema(), equalTo(fileSchema));
      assertThat(footer(out).getKeyValueMetaData(), equalTo(footer(spool).getKeyValueMetaData()));
    }
    assertThat(shas[1], equalTo(shas[0]));
    assertThat(shas[2], equalTo(shas[0]));
  }

  @Test
  public void mergedRowsWriter_nullInRequiredColumn_failsAsParquetAvro() throws Exception {
    Schema nullable =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"ts_event\",\"type\":\"long\"},"
                    + "{\"name\":\"seq\",\"type\":\"int\"},"
                    + "{\"name\":\"sym\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    Schema required =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"ts_event\",\"type\":\"long\"},"
                    + "{\"name\":\"seq\",\"type\":\"int\"},"
                    + "{\"name\":\"sym\",\"type\":\"string\"}]}");
    List<GenericRecord> rs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      GenericData.Record g = new GenericData.Record(nullable);
      g.put("ts_event", Bbo.D0 + i);
      g.put("seq", i);
      g.put("sym", i == 6 ? null : new Utf8("s" + i));
      rs.add(g);
    }
    Path spool = Bbo.write(tmp.getRoot().toPath().resolve("k/f.parquet"), rs, nullable);
    BatchOrder order = BatchOrder.of(required, List.of("ts_event", "seq"), List.of());
    ColumnBatch b;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(spool), spool.toString())) {
      b = r.next();
    }
    Path out = tmp.newFolder().toPath().resolve("data.parquet");
    RuntimeException e = null;
    try (MergedRowsWriter w = new MergedRowsWriter(out, order, List.of())) {
      for (int i = 0; i < b.rowCount(); i++) {
        w.write(0, b, i);
      }
      w.finish();
    } catch (RuntimeException x) {
      e = x;
    }
    assertThat(e, notNullValue());
    assertThat(e.getMessage(), equalTo("Null-value for required field: sym"));
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
