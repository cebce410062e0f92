package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.TimeUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link ParquetBatchReader} on files of other writers' shapes (legacy lists, INT96, maps), and on
 * files it must refuse.
 */
public class ParquetBatchReaderTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A file of {@code schema} with one record per {@code fill} call. */
  @SafeVarargs
  private final Path write(String name, String schema, BiConsumer<Group, Integer>... rows)
      throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    MessageType t = MessageTypeParser.parseMessageType(schema);
    SimpleGroupFactory groups = new SimpleGroupFactory(t);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(LocalParquetFile.of(f))
            .withType(t)
            .withConf(new Configuration(false))
            .build()) {
      for (int i = 0; i < rows.length; i++) {
        Group g = groups.newGroup();
        rows[i].accept(g, i);
        w.write(g);
      }
    }
    return f;
  }

  private static ColumnBatch readOne(Path f) throws Exception {
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), f.toString())) {
      ColumnBatch b = r.next();
      assertNull(r.next());
      return b;
    }
  }

  private ParquetColumnException refused(String schema, BiConsumer<Group, Integer> row)
      throws Exception {
    Path f = write("refused-" + Math.abs(schema.hashCode()) + ".parquet", schema, row);
    return assertThrows(
        ParquetColumnException.class,
        () -> {
          try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "x")) {
            r.next();
          }
        });
  }

  @Test
  public void legacyTwoLevelList_andBareRepeated_readAsLists() throws Exception {
    Path f =
        write(
            "legacy.parquet",
            "message m { optional group l (LIST) { repeated int32 element; } repeated int64 r; }",
            (g, i) -> g.addGroup("l").append("element", 1).append("element", -2),
            (g, i) -> g.addGroup("l"), // empty list; no r values: an empty bare list
            (g, i) -> g.append("r", Long.MAX_VALUE).append("r", 5L)); // null l
    ColumnBatch b = readOne(f);
    assertEquals(
        BatchSchema.of(
            BatchField.list("l", ColumnType.INT32, true), BatchField.list("r", ColumnType.INT64, false)),
        b.schema());
    ListColumn l = (ListColumn) b.column(0);
    assertEquals(2, l.length(0));
    assertEquals(-2, ((IntColumn) l.elements()).get(l.start(0) + 1));
    assertEquals(0, l.length(1));
    assertTrue(!l.isNull(1) && l.isNull(2));
    ListColumn r = (ListColumn) b.column(1);
    assertEquals(List.of(0, 0, 2), List.of(r.length(0), r.length(1), r.length(2)));
    assertEquals(Long.MAX_VALUE, ((LongColumn) r.elements()).get(r.start(2)));
    assertEquals(List.of(0L, 1L, 2L), List.of(b.rowIndex(0), b.rowIndex(1), b.rowIndex(2)));
  }

  @Test
  public void threeLevelListWithOptionalElements_readsWhenNoneIsNull() throws Exception {
    Path f =
        write(
            "three.parquet",
            "message m { required group l (LIST) { repeated group list { optional double element; } } }",
            (g, i) -> {
              Group l = g.addGroup("l");
              l.addGroup("list").append("element", -0.0);
              l.addGroup("list").append("element", Double.NaN);
            },
            (g, i) -> g.addGroup("l"));
    ColumnBatch b = readOne(f);
    assertEquals(BatchSchema.of(BatchField.list("l", ColumnType.DOUBLE, false)), b.schema());
    ListColumn l = (ListColumn) b.column(0);
    DoubleColumn e = (DoubleColumn) l.elements();
    assertEquals(0x8000_0000_0000_0000L, Double.doubleToRawLongBits(e.get(0)));
    assertTrue(Double.isNaN(e.get(1)));
    assertEquals(0, l.length(1));
  }

  @Test
  public void nullListElement_isRefusedNamingTheRow() throws Exception {
    ParquetColumnException e =
        refused(
            "message m { optional group l (LIST) { repeated group list { optional double element; } } }",
            (g, i) -> {
              Group l = g.addGroup("l");
              l.addGroup("list").append("element", 1.0);
              l.addGroup("list"); // a null element
            });
    assertEquals("TYPE_MISMATCH", e.type().name());
    assertEquals(0L, e.row());
    assertEquals("l", e.column());
    assertEquals(
        "holds a list whose element 1 is null; list elements must not be null (leave the column"
            + " out or fill the nulls)",
        e.problem());
  }

  @Test
  public void int96_readsAsUtcNanoseconds() throws Exception {
    // Julian day 2440588 is 1970-01-01.
    Path f =
        write(
            "int96.parquet",
            "message m { optional int96 ts; }",
            (g, i) -> g.append("ts", new NanoTime(2_440_588, 1L)),
            (g, i) -> g.append("ts", new NanoTime(2_440_587, 86_399_999_999_999L)),
            (g, i) -> g.append("ts", new NanoTime(2_460_311, 3_600_000_000_000L)),
            (g, i) -> {});
    ColumnBatch b = readOne(f);
    assertEquals(BatchSchema.of(BatchField.timestamp("ts", TimeUnit.NANOS, true, true)), b.schema());
    LongColumn ts = (LongColumn) b.column(0);
    assertEquals(1L, ts.get(0));
    assertEquals(-1L, ts.get(1));
    // 2024-01-01T01:00:00Z
    assertEquals(1_704_070_800_000_000_000L, ts.get(2));
    assertTrue(ts.isNull(3));
  }

  @Test
  public void int96BeyondLong_isValueOutOfRange() throws Exception {
    ParquetColumnException e =
        refused("message m { required int96 ts; }", (g, i) -> g.append("ts", new NanoTime(0, 0L)));
    assertEquals("VALUE_OUT_OF_RANGE", e.type().name());
    assertEquals(0L, e.row());
  }

  @Test
  public void unsupportedColumns_areRefusedNamingFileAndColumn() throws Exception {
    ParquetColumnException unsigned =
        refused("message m { optional int32 u (INTEGER(32,false)); }", (g, i) -> g.append("u", 1));
    assertEquals("TYPE_MISMATCH", unsigned.type().name());
    assertEquals("u", unsigned.column());
    assertEquals(-1L, unsigned.row());
    assertTrue(unsigned.getMessage(), unsigned.getMessage().startsWith(unsigned.file()));
    assertTrue(
        unsigned.getMessage(),
        unsigned
            .getMessage()
            .endsWith(
                ": column 'u' is an unsigned INT(32), which a column batch cannot hold; leave the"
                    + " column out (withSchema) or store it as a supported type"));
    assertEquals(
        "is a MAP, which a column batch cannot hold; leave the column out (withSchema) or store it"
            + " as a supported type",
        refused(
                "message m { optional group m (MAP) { repeated group key_value {"
                    + " required binary key (STRING); optional int32 value; } } }",
                (g, i) -> {})
            .problem());
    assertTrue(
        refused("message m { optional group s { optional int32 a; } }", (g, i) -> {})
            .problem()
            .startsWith("is a struct (a group of 1 fields)"));
    assertTrue(
        refused(
                "message m { optional group ls (LIST) { repeated group list {"
                    + " optional binary element (STRING); } } }",
                (g, i) -> {})
            .problem()
            .startsWith("is a LIST of BINARY STRING (lists may hold INT32, INT64, FLOAT or DOUBLE)"));
    assertEquals(
        "ul",
        refused(
                "message m { optional group ul (LIST) { repeated int64 element (INTEGER(64,false)); } }",
                (g, i) -> {})
            .column());
  }

  @Test
  public void unsupportedColumnLeftOut_theOthersRead() throws Exception {
    Path f =
        write(
            "mixed.parquet",
            "message m { required int64 id; optional group s { optional int32 a; } }",
            (g, i) -> g.append("id", 42L));
    BatchSchema want = BatchSchema.of(BatchField.of("id", ColumnType.INT64, false));
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "x", want)) {
      assertEquals(LongColumn.of(42L), r.next().column(0));
    }
  }

  @Test
  public void truncatedFile_isCorruptFooter_lyingPage_isCorruptPage() throws Exception {
    Path dir = tmp.getRoot().toPath();
    byte[] valid =
        HostileParquet.written(
            dir,
            20_000,
            org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY,
            org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_1_0,
            16 << 10);
    Path cut = dir.resolve("cut.parquet");
    Files.write(cut, Arrays.copyOf(valid, valid.length - 100));
    CorruptFooterException footer =
        assertThrows(
            CorruptFooterException.class,
            () -> ParquetBatchReader.open(LocalParquetFile.of(cut), "x"));
    assertEquals(valid.length - 104L, footer.offset());

    byte[] lying =
        HostileParquet.editPageHeader(
            valid, 1, "name", 0, h -> h.setUncompressed_page_size(Integer.MAX_VALUE));
    Path page = dir.resolve("page.parquet");
    Files.write(page, lying);
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(page), "x")) {
      long rows = 0;
      ColumnBatch b;
      while (true) {
        try {
          b = r.next();
        } catch (CorruptPageException e) {
          assertEquals("name", e.column());
          assertEquals(HostileParquet.pages(lying, 1, "name").get(0).offset, e.offset());
          break;
        }
        rows += b.rowCount();
      }
      assertEquals(r.rowCount(0), rows);
      assertEquals(r.firstRow(1), r.position());
    }
  }

  @Test
  public void mutatedFiles_readOrFailWithIOException_only() throws Exception {
    Path valid = tmp.getRoot().toPath().resolve("valid.parquet");
    ColumnBatch b = ParquetBatchRoundTripTest.allTypes("src", 300, 0);
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            valid, ParquetBatchRoundTripTest.ALL,
            ParquetBatchWriter.Options.defaults().withPageBytes(2 << 10))) {
      w.write(b);
    }
    byte[] bytes = Files.readAllBytes(valid);
    java.util.Random random = new java.util.Random(13);
    Path f = tmp.getRoot().toPath().resolve("mutated.parquet");
    int failed = 0;
    for (int round = 0; round < 300; round++) {
      byte[] m = bytes.clone();
      for (int k = 0; k < 1 + round % 4; k++) {
        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
      }
      Files.write(f, m);
      try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "m")) {
        long rows = 0;
        for (ColumnBatch x = r.next(); x != null; x = r.next()) {
          rows += x.rowCount();
        }
        assertEquals(r.rowCount(), rows);
      } catch (IOException e) {
        failed++; // typed or not, a checked failure naming the file
        assertTrue(e.getMessage(), e.getMessage().contains(f.toString()));
      }
    }
    assertTrue("failed " + failed, failed > 0);
  }

  @Test
  public void batchLimits_cutBatchesByRowsAndBytes() throws Exception {
    BatchSchema s = BatchSchema.of(BatchField.of("id", ColumnType.INT64, false));
    long[] ids = new long[10_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    Path f = tmp.getRoot().toPath().resolve("limits.parquet");
    try (ParquetBatchWriter w = ParquetBatchWriter.create(f, s)) {
      long[] rows = ids.clone();
      w.write(
          new ColumnBatch(
              s, ids.length, new ColumnVector[] {LongColumn.of(ids)}, List.of("x"), null, rows, null, null));
    }
    try (ParquetBatchReader r =
        ParquetBatchReader.open(LocalParquetFile.of(f), "x").withBatchLimits(3_000, 1L << 30)) {
      assertEquals(List.of(3000, 3000, 3000, 1000), sizes(r));
    }
    try (ParquetBatchReader r =
        ParquetBatchReader.open(LocalParquetFile.of(f), "x").withBatchLimits(1 << 20, 8_000)) {
      // 8 bytes a row once the first batch is seen: 1,000 rows of 8,000 bytes.
      List<Integer> sizes = sizes(r);
      assertEquals(10_000, sizes.stream().mapToInt(Integer::intValue).sum());
      assertTrue(sizes.toString(), sizes.subList(1, sizes.size() - 1).stream().allMatch(n -> n == 1000));
    }
  }

  private static List<Integer> sizes(ParquetBatchReader r) throws Exception {
    List<Integer> out = new java.util.ArrayList<>();
    for (ColumnBatch b = r.next(); b != null; b = r.next()) {
      out.add(b.rowCount());
    }
    return out;
  }
}
