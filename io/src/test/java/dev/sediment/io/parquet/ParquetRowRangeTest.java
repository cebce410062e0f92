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
    Map<Long, ColumnBatch> fetched = rows(file, from, to, first, end, false);
    // Streaming pages (each column from the page that holds row first on) read the same rows.
    assertSame(fetched, rows(file, from, to, first, end, true), "streamed [" + first + ", " + end + ")");
    return fetched;
  }

  private static Map<Long, ColumnBatch> rows(
      Path file, int from, int to, long first, long end, boolean streaming) throws Exception {
    Map<Long, ColumnBatch> out = new TreeMap<>();
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "f")) {
      if (streaming) {
        r.withStreamingPages();
      }
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
    return manyPages(name, version, rows, 4096, 1000);
  }

  private Path manyPages(String name, WriterVersion version, int rows, int pageBytes, int pageRows)
      throws Exception {
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
            .withPageSize(pageBytes)
            .withPageRowCountLimit(pageRows)
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

  /** A local file that counts the bytes read through it. */
  private static final class CountingFile implements org.apache.parquet.io.InputFile {
    final Path path;
    final java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();

    CountingFile(Path path) {
      this.path = path;
    }

    @Override
    public long getLength() throws java.io.IOException {
      return java.nio.file.Files.size(path);
    }

    @Override
    public org.apache.parquet.io.SeekableInputStream newStream() throws java.io.IOException {
      java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path);
      java.nio.channels.SeekableByteChannel counting =
          new java.nio.channels.SeekableByteChannel() {
            @Override
            public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
              int n = ch.read(dst);
              read.addAndGet(Math.max(0, n));
              return n;
            }

            @Override
            public int write(java.nio.ByteBuffer src) {
              throw new UnsupportedOperationException();
            }

            @Override
            public long position() throws java.io.IOException {
              return ch.position();
            }

            @Override
            public java.nio.channels.SeekableByteChannel position(long p) throws java.io.IOException {
              ch.position(p);
              return this;
            }

            @Override
            public long size() throws java.io.IOException {
              return ch.size();
            }

            @Override
            public java.nio.channels.SeekableByteChannel truncate(long size) {
              throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
              return ch.isOpen();
            }

            @Override
            public void close() throws java.io.IOException {
              ch.close();
            }
          };
      return LocalParquetFile.stream(counting, path.toString());
    }
  }

  /** Rows read and bytes fetched reading rows [first, end) of row group 0 of {@code f}. */
  private static long[] fetched(Path f, long first, long end) throws Exception {
    CountingFile counting = new CountingFile(f);
    long rows = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    try (ParquetBatchReader r = ParquetBatchReader.open(counting, "f")) {
      r.rowGroups(0, 1, first, end);
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        rows += b.rowCount();
        for (int i = 0; i < b.rowCount(); i++) {
          min = Math.min(min, b.rowIndex(i));
          max = Math.max(max, b.rowIndex(i));
        }
      }
    }
    return new long[] {rows, counting.read.get(), min, max};
  }

  @Test
  public void rangeOfARowGroupWithAnOffsetIndex_fetchesOnlyItsOwnPages() throws Exception {
    // parquet-java writes an offset index: 300,000 rows in one row group, pages of up to 64 KiB
    // (ParquetPageGuard reads 4 KiB at each page header of the row group, for any range).
    Path f = manyPages("pages.parquet", WriterVersion.PARQUET_1_0, 300_000, 64 << 10, 100_000);
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "f")) {
      assertTrue(r.hasOffsetIndex(0));
    }
    long[] whole = fetched(f, 0, 300_000);
    long[] tenth = fetched(f, 180_000, 210_000);
    assertEquals(300_000, whole[0]);
    assertEquals(30_000, tenth[0]);
    assertEquals(180_000, tenth[2]);
    assertEquals(209_999, tenth[3]);
    // A tenth of the rows: a tenth of the pages (plus a page at each end, the dictionaries, the
    // footer and the page headers the guard reads), not the whole row group.
    assertTrue(tenth[1] + " of " + whole[1] + " bytes", tenth[1] * 3 < whole[1]);
    assertTrue(whole[1] > 1_000_000);
  }

  @Test
  public void fileWithoutAnOffsetIndex_isNotCut_butRangesStillReadTheirRows() throws Exception {
    // DuckDB, like pyarrow, writes no offset index by default.
    Path f = duck("no-index.parquet", 30_000, ", ROW_GROUP_SIZE 100000");
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "f")) {
      assertEquals(false, r.hasOffsetIndex(0));
    }
    long[] part = fetched(f, 10_000, 20_000);
    assertEquals(10_000, part[0]);
    assertEquals(10_000, part[2]);
    assertEquals(19_999, part[3]);
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
  public void streamingPages_holdAPagePerColumn_andFetchNoPageTwice() throws Exception {
    // 300,000 rows in one row group of pages of up to 64 KiB (parquet-java).
    Path f = manyPages("stream.parquet", WriterVersion.PARQUET_1_0, 300_000, 64 << 10, 100_000);
    Map<Long, ColumnBatch> expected = whole(f);
    CountingFile once = new CountingFile(f);
    try (ParquetBatchReader r = ParquetBatchReader.open(once, "f")) {
      while (r.next() != null) {}
    }
    CountingFile streamed = new CountingFile(f);
    Map<Long, ColumnBatch> got = new TreeMap<>();
    long streamBytes;
    long chunkBytes;
    try (ParquetBatchReader r = ParquetBatchReader.open(streamed, "f").withStreamingPages()) {
      streamBytes = r.streamingBytes(0);
      chunkBytes = r.compressedBytes(0);
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          got.put(b.rowIndex(i), b.slice(i, i + 1));
        }
      }
    }
    assertSame(expected, got, "streamed");
    // A page and a dictionary per column (7 columns, pages <= 64 KiB, dictionaries <= 1 MiB),
    // not the row group's chunks.
    assertTrue(streamBytes + " of " + chunkBytes, streamBytes * 2 < chunkBytes);
    assertTrue(chunkBytes > 2_000_000);
    // The same pages, read once: at most each column's read-ahead buffer (64 KiB) more, and the
    // page headers the guard reads once more (streamingBytes walked them before reading).
    assertTrue(
        streamed.read.get() + " against " + once.read.get(),
        streamed.read.get() <= once.read.get() + 7 * (64 << 10) + (once.read.get() - chunkBytes) * 2);
  }

  @Test
  public void streamingPages_pyarrowAndDuckDbFiles_readAsFetched() throws Exception {
    // No offset index (DuckDB): ranges start each flat column at the page its headers say.
    Path duck = duck("stream-duck.parquet", 40_000, ", ROW_GROUP_SIZE 15000");
    Map<Long, ColumnBatch> expected = whole(duck);
    assertSame(expected, rows(duck, 0, 3, 0, 40_000, true), "DuckDB streamed whole");
    assertSame(
        new TreeMap<>(((TreeMap<Long, ColumnBatch>) expected).subMap(14_999L, 40_000L)),
        rows(duck, 0, 3, 14_999, 40_000, true),
        "DuckDB streamed [14999, 40000)");
  }

  @Test(timeout = 120_000)
  public void mutatedFiles_streamed_giveTheirRowsOrAnIOException_only() throws Exception {
    byte[] valid = oneGroupOfManyPages();
    java.util.Random random = new java.util.Random(29);
    int failed = 0;
    for (int round = 0; round < 100; round++) {
      byte[] m = valid.clone();
      for (int k = 0; k < 1 + round % 4; k++) {
        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
      }
      long first = round % 2 == 0 ? 0 : random.nextInt(20_000);
      Path f = tmp.getRoot().toPath().resolve("ms.parquet");
      java.nio.file.Files.write(f, m);
      try (ParquetBatchReader r =
          ParquetBatchReader.open(LocalParquetFile.of(f), "m").withStreamingPages()) {
        long rowsOf0 = r.rowCount(0);
        long a = Math.min(first, rowsOf0);
        r.rowGroups(0, 1, a, rowsOf0);
        long rows = 0;
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          rows += b.rowCount();
        }
        assertEquals(rowsOf0 - a, rows);
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
