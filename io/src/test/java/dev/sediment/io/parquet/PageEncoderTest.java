package dev.sediment.io.parquet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.MessageType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link PageEncoder}s (through {@link ParquetBatchWriter}) against parquet-java's reader, its
 * own {@code ColumnWriter} path and DuckDB, on random values with nulls, empty and page-sized
 * strings, extremes, NaN and -0.0, small pages and a small dictionary limit so that pages,
 * dictionary fallback and row groups all come into play.
 */
public class PageEncoderTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final BatchSchema SCHEMA =
      BatchSchema.of(
          BatchField.of("id", ColumnType.INT64, false),
          BatchField.of("i32", ColumnType.INT32, true),
          BatchField.of("i64", ColumnType.INT64, false),
          BatchField.timestamp("ts", TimeUnit.MICROS, true, true),
          BatchField.of("f", ColumnType.FLOAT, true),
          BatchField.of("d", ColumnType.DOUBLE, true),
          BatchField.of("s", ColumnType.STRING, true),
          BatchField.of("raw", ColumnType.BYTES, false),
          BatchField.of("few", ColumnType.STRING, true),
          BatchField.of("few_long", ColumnType.INT64, true));

  private static final int ROWS = 12_000;
  /** Rows in this range are null in every nullable column: pages of nulls only. */
  private static final int ALL_NULL_FROM = 3000;

  private static final int[] INTS = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
  private static final long[] LONGS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE};
  private static final float[] FLOATS = {
    0f, -0f, Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE,
    Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY
  };
  private static final double[] DOUBLES = {
    0.0, -0.0, Double.NaN, Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE,
    Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY
  };
  private static final String[] FEW = {"", "XNAS", "XNYS", "ü€𝄞", "\u0000"};

  private static ParquetBatchWriter.Options small() {
    return ParquetBatchWriter.Options.defaults()
        .withPageBytes(4096)
        .withDictionaryPageBytes(2048)
        .withRowGroupBytes(96 << 10);
  }

  private static ColumnBatch rows(long seed) {
    Random r = new Random(seed);
    ColumnBatch.Builder b = ColumnBatch.builder(SCHEMA, ROWS, Long.MAX_VALUE);
    b.source("random");
    for (int row = 0; row < ROWS; row++) {
      boolean allNull = row >= ALL_NULL_FROM && row < ALL_NULL_FROM + 2500;
      ((LongColumn.Builder) b.column(0)).append(row);
      for (int c = 1; c < SCHEMA.size(); c++) {
        BatchField f = SCHEMA.field(c);
        if (f.nullable() && (allNull || r.nextInt(5) == 0)) {
          b.column(c).appendNull();
          continue;
        }
        boolean extreme = r.nextInt(4) == 0;
        switch (f.name()) {
          case "i32":
            ((IntColumn.Builder) b.column(c))
                .append(extreme ? INTS[r.nextInt(INTS.length)] : r.nextInt());
            break;
          case "i64":
            ((LongColumn.Builder) b.column(c))
                .append(extreme ? LONGS[r.nextInt(LONGS.length)] : r.nextLong());
            break;
          case "ts":
            // DuckDB reads the two extreme longs as -infinity and infinity.
            ((LongColumn.Builder) b.column(c))
                .append((extreme ? LONGS[r.nextInt(LONGS.length)] : r.nextLong()) / 4);
            break;
          case "f":
            ((FloatColumn.Builder) b.column(c))
                .append(extreme ? FLOATS[r.nextInt(FLOATS.length)] : r.nextFloat() - 0.5f);
            break;
          case "d":
            ((DoubleColumn.Builder) b.column(c))
                .append(extreme ? DOUBLES[r.nextInt(DOUBLES.length)] : r.nextGaussian());
            break;
          case "s":
            ((BinaryColumn.Builder) b.column(c)).appendString(randomString(r, row));
            break;
          case "raw":
            {
              byte[] x = new byte[extreme ? 0 : r.nextInt(12)];
              r.nextBytes(x);
              ((BinaryColumn.Builder) b.column(c)).append(x);
              break;
            }
          case "few":
            ((BinaryColumn.Builder) b.column(c)).appendString(FEW[r.nextInt(FEW.length)]);
            break;
          case "few_long":
            ((LongColumn.Builder) b.column(c)).append(LONGS[r.nextInt(LONGS.length)]);
            break;
          default:
            throw new AssertionError(f.name());
        }
      }
      b.endRow(row, -1, -1);
    }
    return b.build();
  }

  private static String randomString(Random r, int row) {
    if (row % 2000 == 1999) {
      // Longer than a page (4 KiB) and than the dictionary limit (2 KiB) on its own.
      return "long" + row + "é".repeat(3000 + r.nextInt(3000));
    }
    switch (r.nextInt(8)) {
      case 0:
      case 1:
        return "";
      case 2:
        return "ü€𝄞\u0000\uffff" + r.nextInt(50);
      default:
        return "sym" + r.nextInt(row < 6000 ? 40 : 4000);
    }
  }

  private Path write(String name, List<ColumnBatch> batches, ParquetBatchWriter.Options o)
      throws Exception {
    Path file = tmp.getRoot().toPath().resolve(name);
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, SCHEMA, o)) {
      for (ColumnBatch b : batches) {
        w.write(b);
      }
    }
    return file;
  }

  /** Every value of the file as parquet-java's ColumnReader gives it, column by column. */
  private static List<List<Object>> readWithParquetJava(Path file) throws Exception {
    List<List<Object>> columns = new ArrayList<>();
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      for (int c = 0; c < schema.getColumns().size(); c++) {
        columns.add(new ArrayList<>());
      }
      PageReadStore group;
      while ((group = r.readNextRowGroup()) != null) {
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(
                group,
                new GroupRecordConverter(schema).getRootConverter(),
                schema,
                r.getFooter().getFileMetaData().getCreatedBy());
        for (int c = 0; c < schema.getColumns().size(); c++) {
          ColumnDescriptor d = schema.getColumns().get(c);
          ColumnReader cr = store.getColumnReader(d);
          for (long k = 0; k < group.getRowCount(); k++) {
            Object v;
            if (cr.getCurrentDefinitionLevel() < d.getMaxDefinitionLevel()) {
              v = null;
            } else {
              switch (d.getPrimitiveType().getPrimitiveTypeName()) {
                case INT32:
                  v = cr.getInteger();
                  break;
                case INT64:
                  v = cr.getLong();
                  break;
                case FLOAT:
                  v = Float.floatToRawIntBits(cr.getFloat());
                  break;
                case DOUBLE:
                  v = Double.doubleToRawLongBits(cr.getDouble());
                  break;
                default:
                  v = List.of(cr.getBinary().getBytes());
                  break;
              }
            }
            columns.get(c).add(v);
            cr.consume();
          }
        }
      }
    }
    return columns;
  }

  private static Object expected(ColumnBatch b, int c, int row) {
    if (b.column(c).isNull(row)) {
      return null;
    }
    switch (SCHEMA.field(c).type()) {
      case INT32:
        return ((IntColumn) b.column(c)).get(row);
      case INT64:
      case TIMESTAMP:
        return ((LongColumn) b.column(c)).get(row);
      case FLOAT:
        return Float.floatToRawIntBits(((FloatColumn) b.column(c)).get(row));
      case DOUBLE:
        return Double.doubleToRawLongBits(((DoubleColumn) b.column(c)).get(row));
      default:
        BinaryColumn x = (BinaryColumn) b.column(c);
        byte[] v = new byte[x.length(row)];
        System.arraycopy(x.data(), x.start(row), v, 0, v.length);
        return List.of(v);
    }
  }

  private static void assertSameValues(ColumnBatch b, List<List<Object>> read) {
    assertEquals(SCHEMA.size(), read.size());
    for (int c = 0; c < SCHEMA.size(); c++) {
      assertEquals(SCHEMA.field(c).name(), ROWS, read.get(c).size());
      for (int row = 0; row < ROWS; row++) {
        Object e = expected(b, c, row);
        Object a = read.get(c).get(row);
        if (e instanceof List) {
          assertArrayEquals(
              SCHEMA.field(c).name() + " row " + row,
              (byte[]) ((List<?>) e).get(0),
              (byte[]) ((List<?>) a).get(0));
        } else {
          assertEquals(SCHEMA.field(c).name() + " row " + row, e, a);
        }
      }
    }
  }

  @Test
  public void randomValues_readByParquetJava_exactly() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      ColumnBatch b = rows(seed);
      Path file = write("random" + seed + ".parquet", List.of(b), small());
      assertSameValues(b, readWithParquetJava(file));
      try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "random")) {
        ColumnBatch.Builder all = ColumnBatch.builder(SCHEMA, ROWS, Long.MAX_VALUE);
        for (ColumnBatch x = r.next(); x != null; x = r.next()) {
          for (int i = 0; i < x.rowCount(); i++) {
            all.appendRow(x, i);
          }
        }
        ParquetBatchRoundTripTest.assertBatchEquals(b, all.build());
      }
    }
  }

  @Test
  public void statistics_equalParquetJavasColumnWriter() throws Exception {
    ColumnBatch b = rows(7);
    Path ours = write("ours.parquet", List.of(b), small());
    Path theirs = write("theirs.parquet", List.of(b), small().withPageEncoders(false));
    assertSameValues(b, readWithParquetJava(theirs));
    List<Statistics<?>> a = fileStatistics(ours);
    List<Statistics<?>> e = fileStatistics(theirs);
    for (int c = 0; c < SCHEMA.size(); c++) {
      String name = SCHEMA.field(c).name();
      assertEquals(name, e.get(c).getNumNulls(), a.get(c).getNumNulls());
      assertArrayEquals(name, e.get(c).getMinBytes(), a.get(c).getMinBytes());
      assertArrayEquals(name, e.get(c).getMaxBytes(), a.get(c).getMaxBytes());
    }
    // The nullable columns have 2500 nulls in a row plus about a fifth of the rest.
    assertTrue(a.get(1).getNumNulls() > 2500);
    assertEquals(0, a.get(2).getNumNulls());
  }

  /** Each column's statistics over the file: its row groups' merged. */
  private static List<Statistics<?>> fileStatistics(Path file) throws Exception {
    List<Statistics<?>> out = new ArrayList<>();
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      for (BlockMetaData block : r.getFooter().getBlocks()) {
        List<ColumnChunkMetaData> chunks = block.getColumns();
        for (int c = 0; c < chunks.size(); c++) {
          Statistics<?> s = chunks.get(c).getStatistics();
          if (out.size() <= c) {
            Statistics<?> merged = Statistics.createStats(chunks.get(c).getPrimitiveType());
            out.add(merged);
          }
          out.get(c).mergeStatistics(s);
        }
      }
    }
    return out;
  }

  @Test
  public void dictionary_whereItPays_plainWhereNot() throws Exception {
    ColumnBatch b = rows(11);
    Path file = write("dict.parquet", List.of(b), small());
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      List<BlockMetaData> blocks = r.getFooter().getBlocks();
      assertTrue("row groups: " + blocks.size(), blocks.size() >= 3);
      Set<Encoding> sEncodings = new HashSet<>();
      for (BlockMetaData block : blocks) {
        // Five strings and five longs: dictionary encoded in every row group.
        assertTrue(block.getColumns().get(8).hasDictionaryPage());
        assertTrue(block.getColumns().get(8).getEncodings().contains(Encoding.PLAIN_DICTIONARY));
        assertTrue(block.getColumns().get(9).hasDictionaryPage());
        // Random longs: the dictionary would not make them smaller.
        assertFalse(block.getColumns().get(2).hasDictionaryPage());
        assertEquals(
            Set.of(Encoding.PLAIN, Encoding.BIT_PACKED), block.getColumns().get(2).getEncodings());
        sEncodings.addAll(block.getColumns().get(6).getEncodings());
      }
      // "s": some row groups begin with few distinct values, then outgrow the 2 KiB dictionary.
      assertTrue(sEncodings.toString(), sEncodings.contains(Encoding.PLAIN_DICTIONARY));
      assertTrue(sEncodings.toString(), sEncodings.contains(Encoding.PLAIN));
    }
  }

  @Test
  public void sameRows_anyBatching_sameBytes() throws Exception {
    ColumnBatch b = rows(5);
    Path whole = write("whole.parquet", List.of(b), small());
    List<ColumnBatch> odd = new ArrayList<>();
    int[] sizes = {1, 7, 1023, 1025, 3, 2048, 999, 1, 4097};
    int from = 0;
    for (int i = 0; from < ROWS; i++) {
      int to = Math.min(ROWS, from + sizes[i % sizes.length]);
      odd.add(b.slice(from, to));
      from = to;
    }
    Path pieces = write("pieces.parquet", odd, small());
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(pieces));
    // Defaults (1 MiB pages, 128 MiB row groups) too.
    Path wholeDefault = write("whole-default.parquet", List.of(b), ParquetBatchWriter.Options.defaults());
    Path piecesDefault = write("pieces-default.parquet", odd, ParquetBatchWriter.Options.defaults());
    assertArrayEquals(Files.readAllBytes(wholeDefault), Files.readAllBytes(piecesDefault));
    assertNotEquals(Files.size(whole), Files.size(wholeDefault));
  }

  @Test
  public void everyType_anyBatching_sameBytes_withAndWithoutPageEncoders() throws Exception {
    // Booleans, decimals, lists and millisecond times still go through parquet-java's writers.
    ColumnBatch all = ParquetBatchRoundTripTest.allTypes("src", 5000, 0);
    List<ColumnBatch> odd = new ArrayList<>();
    int[] sizes = {1, 150, 37, 500, 3, 301, 1100};
    int from = 0;
    for (int i = 0; from < all.rowCount(); i++) {
      int to = Math.min(all.rowCount(), from + sizes[i % sizes.length]);
      odd.add(all.slice(from, to));
      from = to;
    }
    for (boolean pageEncoders : new boolean[] {true, false}) {
      ParquetBatchWriter.Options o =
          ParquetBatchWriter.Options.defaults()
              .withPageBytes(2048)
              .withRowGroupBytes(48 << 10)
              .withPageEncoders(pageEncoders);
      byte[][] files = new byte[2][];
      int k = 0;
      for (List<ColumnBatch> batches : List.of(List.of(all), odd)) {
        Path file = tmp.getRoot().toPath().resolve("all-" + pageEncoders + "-" + k + ".parquet");
        try (ParquetBatchWriter w =
            ParquetBatchWriter.create(file, ParquetBatchRoundTripTest.ALL, o)) {
          for (ColumnBatch b : batches) {
            w.write(b);
          }
        }
        try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
          assertTrue(r.getFooter().getBlocks().size() >= 2);
        }
        files[k++] = Files.readAllBytes(file);
      }
      assertArrayEquals("page encoders " + pageEncoders, files[0], files[1]);
    }
  }

  @Test
  public void duckDb_readsEveryValueExactly() throws Exception {
    ColumnBatch b = rows(13);
    Path file = write("duck.parquet", List.of(b), small());
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, i32, i64, epoch_us(ts), f, d, s, raw, few, few_long FROM read_parquet('"
                    + file
                    + "') ORDER BY id")) {
      int row = 0;
      while (rs.next()) {
        assertEquals(row, rs.getLong(1));
        for (int c = 1; c < SCHEMA.size(); c++) {
          String where = SCHEMA.field(c).name() + " row " + row;
          Object e = expected(b, c, row);
          Object got = rs.getObject(c + 1);
          if (e == null) {
            assertEquals(where, null, got);
            continue;
          }
          switch (SCHEMA.field(c).type()) {
            case INT32:
              assertEquals(where, e, rs.getInt(c + 1));
              break;
            case INT64:
            case TIMESTAMP:
              assertEquals(where, e, rs.getLong(c + 1));
              break;
            case FLOAT:
              assertEquals(where, e, Float.floatToIntBits(rs.getFloat(c + 1)));
              break;
            case DOUBLE:
              assertEquals(where, e, Double.doubleToLongBits(rs.getDouble(c + 1)));
              break;
            case STRING:
              assertEquals(
                  where,
                  new String((byte[]) ((List<?>) e).get(0), StandardCharsets.UTF_8),
                  rs.getString(c + 1));
              break;
            default:
              assertArrayEquals(where, (byte[]) ((List<?>) e).get(0), rs.getBytes(c + 1));
              break;
          }
        }
        row++;
      }
      assertEquals(ROWS, row);
    }
  }
}
