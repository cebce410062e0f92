package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.ColumnBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link ParquetBatchReader#rowGroups(int, int, long, long)}: DuckDB-written files read in row
 * ranges of many sizes give exactly the rows (values and file row indexes) of reading them whole.
 */
public class ParquetRowRangeTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Nullable numbers, strings, booleans, decimals and a list: PageColumn and ReaderColumn. */
  private static String select(int rows) {
    return "SELECT"
        + " i::BIGINT AS id,"
        + " CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,"
        + " CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 104729 % 4294967296 - 2147483648)::INTEGER END AS i32,"
        + " CASE WHEN i % 7 = 0 THEN NULL ELSE i / 8.0 END AS d,"
        + " CASE WHEN i % 11 = 0 THEN NULL ELSE ((i % 19999 - 9999) / 100.0)::DECIMAL(4,2) END"
        + "   AS dec4,"
        + " CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN '' ELSE 'v' || (i % 37) || 'ü€' END"
        + "   AS s,"
        + " 'k' || (i * 7919 % 100003) AS plain_s,"
        + " CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN []::DOUBLE[]"
        + "   ELSE [i * 0.5, -0.0::DOUBLE]::DOUBLE[] END AS samples"
        + " FROM range(0, "
        + rows
        + ") t(i) ORDER BY i";
  }

  private Path duck(String name, int rows, String options) throws Exception {
    Path file = tmp.getRoot().toPath().resolve(name);
    ParquetBatchDuckDbTest.duckdb(
        "SET threads = 1",
        "COPY (" + select(rows) + ") TO '" + file + "' (FORMAT parquet" + options + ")");
    return file;
  }

  /** All rows of {@code file}, by file row index, each as a one-row batch. */
  private static Map<Long, ColumnBatch> rows(Path file, int from, int to, long first, long end)
      throws Exception {
    Map<Long, ColumnBatch> out = new TreeMap<>();
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "f")) {
      r.rowGroups(from, to, first, end);
      assertEquals(first, r.position());
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          ColumnBatch row = b.slice(i, i + 1);
          assertTrue("row " + b.rowIndex(i) + " twice", out.put(b.rowIndex(i), row) == null);
        }
      }
      assertEquals(end, r.position());
    }
    return out;
  }

  private static Map<Long, ColumnBatch> whole(Path file) throws Exception {
    Map<Long, ColumnBatch> out = new TreeMap<>();
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "f")) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          out.put(b.rowIndex(i), b.slice(i, i + 1));
        }
      }
    }
    return out;
  }

  /** Reads every row group of {@code file} in consecutive ranges of {@code size} rows. */
  private static void assertRangesOf(Path file, long size, Map<Long, ColumnBatch> expected)
      throws Exception {
    Map<Long, ColumnBatch> got = new TreeMap<>();
    long[] firstRows;
    int groups;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "f")) {
      groups = r.rowGroupCount();
      firstRows = new long[groups + 1];
      for (int g = 0; g <= groups; g++) {
        firstRows[g] = g == groups ? r.rowCount() : r.firstRow(g);
      }
    }
    for (int g = 0; g < groups; g++) {
      for (long a = firstRows[g]; a < firstRows[g + 1]; a += size) {
        long b = Math.min(firstRows[g + 1], a + size);
        for (Map.Entry<Long, ColumnBatch> e : rows(file, g, g + 1, a, b).entrySet()) {
          assertTrue("row " + e.getKey() + " twice", got.put(e.getKey(), e.getValue()) == null);
        }
      }
    }
    assertSame(expected, got, "ranges of " + size);
  }

  private static void assertSame(
      Map<Long, ColumnBatch> expected, Map<Long, ColumnBatch> got, String what) {
    assertEquals(what + ": rows", expected.keySet(), got.keySet());
    for (Map.Entry<Long, ColumnBatch> e : expected.entrySet()) {
      assertEquals(what + ": row " + e.getKey(), e.getValue(), got.get(e.getKey()));
    }
  }

  /** The data pages of each column chunk of row group {@code g}, in column order. */
  private static List<Integer> pagesPerColumn(Path file, int g) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      PageReadStore s = r.readRowGroup(g);
      for (org.apache.parquet.column.ColumnDescriptor c :
          r.getFooter().getFileMetaData().getSchema().getColumns()) {
        PageReader p = s.getPageReader(c);
        int n = 0;
        while (p.readPage() != null) {
          n++;
        }
        out.add(n);
      }
    }
    return out;
  }

  private void smallRowGroups(String options) throws Exception {
    // 5 row groups of 2,048 rows and one of 1,808.
    Path f = duck("small.parquet", 12_048, ", ROW_GROUP_SIZE 2048" + options);
    Map<Long, ColumnBatch> expected = whole(f);
    assertEquals(12_048, expected.size());
    for (long size : new long[] {777, 1000, 2047, 5000}) {
      assertRangesOf(f, size, expected);
    }
    // Single rows: the first, last and some inside each row group.
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "f")) {
      assertEquals(6, r.rowGroupCount());
    }
    for (long row : new long[] {0, 1, 2047, 2048, 2049, 4095, 7777, 12_047}) {
      int g = (int) (row / 2048);
      Map<Long, ColumnBatch> one = rows(f, g, g + 1, row, row + 1);
      assertEquals(1, one.size());
      assertEquals("row " + row, expected.get(row), one.get(row));
    }
    // Several row groups, starting and ending inside one.
    Map<Long, ColumnBatch> span = rows(f, 1, 5, 3000, 9001);
    assertSame(new TreeMap<>(((TreeMap<Long, ColumnBatch>) expected).subMap(3000L, 9001L)), span,
        "rows [3000, 9001)");
    // An empty range reads nothing.
    assertEquals(0, rows(f, 2, 3, 5000, 5000).size());
  }

  @Test
  public void smallRowGroups_v1Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    smallRowGroups("");
  }

  @Test
  public void smallRowGroups_v2Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    smallRowGroups(", PARQUET_VERSION V2");
  }

  private void oneLargeRowGroup(String options) throws Exception {
    int rows = 150_000;
    Path f = duck("large.parquet", rows, ", ROW_GROUP_SIZE 1000000" + options);
    // DuckDB 1.4 writes one page per column chunk here: ranges drop the page's leading rows.
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1), pagesPerColumn(f, 0));
    oneLargeRowGroup(f, rows);
  }

  private void oneLargeRowGroup(Path f, int rows) throws Exception {
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "f")) {
      assertEquals(1, r.rowGroupCount());
    }
    Map<Long, ColumnBatch> expected = whole(f);
    assertEquals(rows, expected.size());
    for (long size : new long[] {65_537, 99_999, 1_000_000}) {
      assertRangesOf(f, size, expected);
    }
    for (long row : new long[] {0, 1, 65_535, 65_536, 99_999, 149_999}) {
      Map<Long, ColumnBatch> one = rows(f, 0, 1, row, row + 1);
      assertEquals("row " + row, expected.get(row), one.get(row));
    }
  }

  @Test
  public void oneLargeRowGroup_v1Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    oneLargeRowGroup("");
  }

  @Test
  public void oneLargeRowGroup_v2Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    oneLargeRowGroup(", PARQUET_VERSION V2");
  }

  private static final String SCHEMA =
      "message m { required int64 id; optional int32 small; optional double d;"
          + " optional binary s (UTF8); required binary u (UTF8); optional boolean flag;"
          + " optional int64 wide; }";

  /** One row group of many pages of at most 1,000 rows (fewer where 4 KiB fill first). */
  private Path manyPages(String name, WriterVersion version, int rows) throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    MessageType t = MessageTypeParser.parseMessageType(SCHEMA);
    SimpleGroupFactory groups = new SimpleGroupFactory(t);
    Random r = new Random(5);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(LocalParquetFile.of(f))
            .withType(t)
            .withConf(new Configuration(false))
            .withWriterVersion(version)
            .withDictionaryEncoding(true)
            .withPageSize(4096)
            .withPageRowCountLimit(1000)
            .withRowGroupSize(1L << 30)
            .build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup();
        g.append("id", (long) i);
        if (r.nextInt(5) != 0) {
          g.append("small", r.nextInt(3));
          g.append("d", r.nextInt(200) / 4.0);
          g.append("s", "v" + r.nextInt(300));
          g.append("flag", r.nextBoolean());
        }
        g.append("u", "unique-" + i);
        if (i % 3 != 0) {
          g.append("wide", r.nextLong());
        }
        w.write(g);
      }
    }
    return f;
  }

  private void manyPages(WriterVersion version) throws Exception {
    int rows = 150_000;
    Path f = manyPages("pages.parquet", version, rows);
    List<Integer> pages = pagesPerColumn(f, 0);
    // Every column has many pages to pass over.
    for (int n : pages) {
      assertTrue("pages per column " + pages, n >= 50);
    }
    oneLargeRowGroup(f, rows);
    Map<Long, ColumnBatch> expected = whole(f);
    for (long size : new long[] {2_500, 4_321}) {
      assertRangesOf(f, size, expected);
    }
  }

  @Test
  public void oneLargeRowGroupOfManyPages_v1Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    manyPages(WriterVersion.PARQUET_1_0);
  }

  /** The rows of {@code rows} in row index order, written by {@link ParquetBatchWriter}. */
  private byte[] written(String name, Map<Long, ColumnBatch> rows) throws Exception {
    ColumnBatch first = rows.values().iterator().next();
    ColumnBatch.Builder all =
        ColumnBatch.builder(first.schema(), rows.size(), Long.MAX_VALUE);
    for (ColumnBatch row : rows.values()) {
      all.appendRow(row, 0);
    }
    Path out = tmp.getRoot().toPath().resolve(name);
    try (ParquetBatchWriter w = ParquetBatchWriter.create(out, first.schema())) {
      w.write(all.build());
    }
    return java.nio.file.Files.readAllBytes(out);
  }

  @Test
  public void outputOfRowRanges_isByteIdenticalToOutputOfWholeRead() throws Exception {
    Path f = manyPages("pages.parquet", WriterVersion.PARQUET_2_0, 50_000);
    Map<Long, ColumnBatch> ranges = new TreeMap<>();
    for (long a = 0; a < 50_000; a += 4_321) {
      ranges.putAll(rows(f, 0, 1, a, Math.min(50_000, a + 4_321)));
    }
    byte[] whole = written("whole.parquet", whole(f));
    org.junit.Assert.assertArrayEquals(whole, written("ranges.parquet", ranges));
    assertTrue(whole.length > 100_000);
  }

  @Test
  public void oneLargeRowGroupOfManyPages_v2Pages_rangesReadTheSameRowsAsWhole() throws Exception {
    manyPages(WriterVersion.PARQUET_2_0);
  }

  /** Reads rows [first, end) of row group 0 of {@code bytes}; returns the rows read. */
  private long readRange(byte[] bytes, long first, long end) throws Exception {
    Path f = tmp.getRoot().toPath().resolve("h.parquet");
    java.nio.file.Files.write(f, bytes);
    long rows = 0;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "h")) {
      r.rowGroups(0, 1, first, end);
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        rows += b.rowCount();
      }
    }
    return rows;
  }

  private byte[] oneGroupOfManyPages() throws Exception {
    return HostileParquet.written(
        tmp.getRoot().toPath(),
        20_000,
        org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY,
        WriterVersion.PARQUET_1_0,
        1L << 30);
  }

  @Test(timeout = 60_000)
  public void lyingPageBeforeTheRange_isTheErrorOfReadingWhole_neverAHang() throws Exception {
    byte[] valid = oneGroupOfManyPages();
    assertEquals(5_000, readRange(valid, 12_000, 17_000));
    // The second data page of id (before row 12,000) declares more values than the chunk holds.
    byte[] more =
        HostileParquet.editPageHeader(
            valid, 0, "id", 1, h -> h.getData_page_header().setNum_values(Integer.MAX_VALUE));
    // parquet-java counts the chunk's values while fetching it, before any page is passed over:
    // the same error as reading the row group whole.
    java.io.IOException e =
        org.junit.Assert.assertThrows(
            java.io.IOException.class, () -> readRange(more, 12_000, 17_000));
    assertTrue(e.getMessage(), e.getMessage().contains("row group 0 cannot be read"));
    assertTrue(
        e.getMessage(), e.getMessage().contains("Expected 20000 values in column chunk"));
    java.io.IOException whole =
        org.junit.Assert.assertThrows(java.io.IOException.class, () -> readRange(more, 0, 20_000));
    assertEquals(e.getMessage(), whole.getMessage());
    // It declares fewer: the chunk ends before the values its footer entry declares.
    byte[] fewer =
        HostileParquet.editPageHeader(
            valid, 0, "id", 1, h -> h.getData_page_header().setNum_values(1));
    org.junit.Assert.assertThrows(java.io.IOException.class, () -> readRange(fewer, 12_000, 17_000));
  }

  @Test(timeout = 120_000)
  public void mutatedFiles_readInRanges_giveTheirRowsOrAnIOException_only() throws Exception {
    byte[] valid = oneGroupOfManyPages();
    java.util.Random random = new java.util.Random(17);
    int failed = 0;
    for (int round = 0; round < 100; round++) {
      byte[] m = valid.clone();
      for (int k = 0; k < 1 + round % 4; k++) {
        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
      }
      long first = random.nextInt(20_000);
      long end = first + random.nextInt(20_001 - (int) first);
      Path f = tmp.getRoot().toPath().resolve("m.parquet");
      java.nio.file.Files.write(f, m);
      try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "m")) {
        // A mutated footer may declare other rows: read the range within them.
        long rowsOf0 = r.rowCount(0);
        long a = Math.min(first, rowsOf0);
        long z = Math.min(end, rowsOf0);
        r.rowGroups(0, 1, a, z);
        long rows = 0;
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          rows += b.rowCount();
        }
        assertEquals(z - a, rows);
      } catch (java.io.IOException e) {
        failed++;
      }
    }
    assertTrue("failed " + failed, failed > 0);
  }

  @Test
  public void rowsOutsideTheRowGroups_areRefused() throws Exception {
    Path f = duck("small.parquet", 5000, ", ROW_GROUP_SIZE 2048");
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "f")) {
      IndexOutOfBoundsException e =
          org.junit.Assert.assertThrows(
              IndexOutOfBoundsException.class, () -> r.rowGroups(1, 2, 100, 3000));
      assertTrue(e.getMessage(), e.getMessage().startsWith("rows [100, 3000) outside rows [2048, 4096)"));
      org.junit.Assert.assertThrows(
          IndexOutOfBoundsException.class, () -> r.rowGroups(1, 2, 3000, 2900));
    }
  }
}
