package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.TimeUnit;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Parquet files as pyarrow writes them (every column OPTIONAL, dictionary-encoded strings, row
 * groups of 1,000 rows, format-v1 pages with Snappy and v2 pages with ZSTD) read back exactly. The
 * files and their expected values come from {@code pyarrow/make_fixture.py} beside them.
 */
public class ParquetBatchPyarrowTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String DIR = "/dev/sediment/io/parquet/pyarrow/";

  private Path resource(String name) throws Exception {
    Path p = tmp.getRoot().toPath().resolve(name);
    try (InputStream in = ParquetBatchPyarrowTest.class.getResourceAsStream(DIR + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  private static List<JsonNode> expected() throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                ParquetBatchPyarrowTest.class.getResourceAsStream(DIR + "expected.jsonl"),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        rows.add(json.readTree(line));
      }
    }
    return rows;
  }

  @Test
  public void v1PagesSnappy_readExactly() throws Exception {
    readsExactly("pyarrow-v1-snappy.parquet");
  }

  @Test
  public void v2PagesZstd_readExactly() throws Exception {
    readsExactly("pyarrow-v2-zstd.parquet");
  }

  @Test
  public void v1PagesSnappy_streamed_readExactly() throws Exception {
    readsExactly("pyarrow-v1-snappy.parquet", true);
  }

  @Test
  public void v2PagesZstd_streamed_readExactly() throws Exception {
    readsExactly("pyarrow-v2-zstd.parquet", true);
  }

  private void readsExactly(String name) throws Exception {
    readsExactly(name, false);
  }

  private void readsExactly(String name, boolean streaming) throws Exception {
    Path file = resource(name);
    List<JsonNode> want = expected();
    int row = 0;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), file.toUri().toString())) {
      if (streaming) {
        r.withStreamingPages();
      }
      assertEquals(3, r.rowGroupCount());
      List<String> names = new ArrayList<>();
      for (int c = 0; c < r.schema().size(); c++) {
        BatchField f = r.schema().field(c);
        names.add(f.name());
        assertTrue(f.name() + " is nullable as pyarrow writes it", f.nullable());
      }
      assertEquals(List.of("id", "i32", "f64", "s", "b", "ts", "d"), names);
      BatchField ts = r.schema().field(5);
      assertEquals(ColumnType.TIMESTAMP, ts.type());
      assertEquals(TimeUnit.MICROS, ts.unit());
      assertEquals(ColumnType.DATE, r.schema().field(6).type());
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++, row++) {
          JsonNode w = want.get(row);
          int k = i;
          ColumnBatch x = b;
          String at = name + " row " + row;
          assertEquals(at, row, b.rowIndex(i));
          assertEquals(at, w.get("id").asLong(), ((LongColumn) b.column(0)).get(i));
          assertNullOr(at + " i32", w.get("i32"), b, 1, i, () -> (long) ((IntColumn) x.column(1)).get(k));
          assertNullOr(
              at + " f64", w.get("f64"), b, 2, i,
              () -> Double.doubleToRawLongBits(((DoubleColumn) x.column(2)).get(k)));
          if (w.get("s").isNull()) {
            assertTrue(at + " s", b.column(3).isNull(i));
          } else {
            assertEquals(at + " s", w.get("s").asText(), ((BinaryColumn) b.column(3)).getString(i));
          }
          if (w.get("b").isNull()) {
            assertTrue(at + " b", b.column(4).isNull(i));
          } else {
            assertEquals(at + " b", w.get("b").asBoolean(), ((BooleanColumn) b.column(4)).get(i));
          }
          assertNullOr(at + " ts", w.get("ts"), b, 5, i, () -> ((LongColumn) x.column(5)).get(k));
          assertNullOr(at + " d", w.get("d"), b, 6, i, () -> (long) ((IntColumn) x.column(6)).get(k));
        }
      }
    }
    assertEquals(want.size(), row);
  }

  /** Row {@code i} of column {@code c} is null where {@code want} is, else the long {@code want} holds. */
  private static void assertNullOr(
      String at, JsonNode want, ColumnBatch b, int c, int i, LongSupplier got) {
    if (want.isNull()) {
      assertTrue(at + " is null", b.column(c).isNull(i));
    } else {
      assertFalse(at + " is not null", b.column(c).isNull(i));
      assertEquals(at, want.asLong(), got.getAsLong());
    }
  }
}
