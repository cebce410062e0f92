package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.TimeUnit;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Parquet files written by DuckDB read by {@link ParquetBatchReader}, and ours read by DuckDB. */
public class ParquetBatchDuckDbTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final int ROWS = 5000;

  private static String sign(int i) {
    return i % 2 == 0 ? "-" : "";
  }

  private static String dec18(int i) {
    return String.format("%s%d.%03d", sign(i), i * 100_000_000_007L % 999_999_999_999_999L, i % 1000);
  }

  private static String dec38(int i) {
    return String.format(
        "%s%d%018d.%010d", sign(i), i, i * 7919L, i * 12_345L % 10_000_000_000L);
  }

  static void duckdb(String... sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Test
  public void duckDbFile_ofEveryType_readsBackExactly() throws Exception {
    duckDbFileReadsBackExactly("");
  }

  @Test
  public void duckDbFile_v2Pages_ofEveryType_readsBackExactly() throws Exception {
    // Data pages v2 and the v2 encodings (DELTA_BINARY_PACKED, ...).
    duckDbFileReadsBackExactly(", PARQUET_VERSION V2");
  }

  private void duckDbFileReadsBackExactly(String options) throws Exception {
    Path file = tmp.getRoot().toPath().resolve("duck.parquet");
    duckdb(
        "SET threads = 1",
        "COPY (SELECT"
            + " i::BIGINT AS id,"
            + " CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,"
            + " CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS i8,"
            + " (i * 13 % 65536 - 32768)::SMALLINT AS i16,"
            + " CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 104729 - 2147483648)::INTEGER END AS i32,"
            + " CASE WHEN i % 6 = 0 THEN NULL ELSE (i * 4.5)::FLOAT END AS f,"
            + " CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN 'NaN'::DOUBLE"
            + "   WHEN i % 7 = 2 THEN -0.0::DOUBLE ELSE i / 8.0 END AS d,"
            + " CASE WHEN i % 8 = 0 THEN NULL ELSE make_timestamp(1700000000000000 + i * 1000003) END"
            + "   AS ts_us,"
            + " CASE WHEN i % 8 = 1 THEN NULL"
            + "   ELSE (make_timestamp(1700000000000000 + i * 1000003))::TIMESTAMP_MS END AS ts_ms,"
            + " CASE WHEN i % 8 = 2 THEN NULL"
            + "   ELSE (make_timestamp(1700000000000000 + i * 1000003))::TIMESTAMP_NS END AS ts_ns,"
            + " CASE WHEN i % 9 = 0 THEN NULL ELSE (DATE '1970-01-01' + (i - 2500)::INTEGER) END AS day,"
            + " CASE WHEN i % 10 = 0 THEN NULL"
            + "   ELSE TIME '00:00:00' + to_microseconds(i * 17000003) END AS tod,"
            + " CASE WHEN i % 11 = 0 THEN NULL"
            + "   ELSE ((i % 19999 - 9999) / 100.0)::DECIMAL(4,2) END AS dec4,"
            + " CASE WHEN i % 12 = 0 THEN NULL ELSE printf('%s%d.%03d',"
            + "   CASE WHEN i % 2 = 0 THEN '-' ELSE '' END, i * 100000000007 % 999999999999999,"
            + "   i % 1000)::DECIMAL(18,3) END AS dec18,"
            + " CASE WHEN i % 13 = 0 THEN NULL ELSE printf('%s%d%018d.%010d',"
            + "   CASE WHEN i % 2 = 0 THEN '-' ELSE '' END, i, i * 7919, i * 12345 % 10000000000)"
            + "   ::DECIMAL(38,10) END AS dec38,"
            + " CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN ''"
            + "   ELSE 'v' || (i % 37) || 'ü€' END AS s,"
            + " CASE WHEN i % 6 = 0 THEN NULL ELSE '\\xAA\\x00'::BLOB || (i::VARCHAR)::BLOB END"
            + "   AS raw,"
            + " CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN []::DOUBLE[]"
            + "   ELSE [i * 0.5, -0.0::DOUBLE, 'NaN'::DOUBLE, 1e308]::DOUBLE[] END AS samples"
            + " FROM range(0, "
            + ROWS
            + ") t(i) ORDER BY i) TO '"
            + file
            + "' (FORMAT parquet, ROW_GROUP_SIZE 2048" + options + ")");

    BatchSchema expectedSchema =
        BatchSchema.of(
            BatchField.of("id", ColumnType.INT64, true),
            BatchField.of("b", ColumnType.BOOLEAN, true),
            BatchField.of("i8", ColumnType.INT8, true),
            BatchField.of("i16", ColumnType.INT16, true),
            BatchField.of("i32", ColumnType.INT32, true),
            BatchField.of("f", ColumnType.FLOAT, true),
            BatchField.of("d", ColumnType.DOUBLE, true),
            BatchField.timestamp("ts_us", TimeUnit.MICROS, false, true),
            BatchField.timestamp("ts_ms", TimeUnit.MILLIS, false, true),
            BatchField.timestamp("ts_ns", TimeUnit.NANOS, false, true),
            BatchField.of("day", ColumnType.DATE, true),
            BatchField.time("tod", TimeUnit.MICROS, true),
            BatchField.decimal("dec4", 4, 2, true),
            BatchField.decimal("dec18", 18, 3, true),
            BatchField.decimal("dec38", 38, 10, true),
            BatchField.of("s", ColumnType.STRING, true),
            BatchField.of("raw", ColumnType.BYTES, true),
            BatchField.list("samples", ColumnType.DOUBLE, true));

    ColumnBatch.Builder e = ColumnBatch.builder(expectedSchema, ROWS, Long.MAX_VALUE);
    e.source("duck");
    for (int i = 0; i < ROWS; i++) {
      ((LongColumn.Builder) e.column(0)).append(i);
      if (i % 3 == 0) {
        e.column(1).appendNull();
      } else {
        ((BooleanColumn.Builder) e.column(1)).append(i % 2 == 0);
      }
      if (i % 4 == 0) {
        e.column(2).appendNull();
      } else {
        ((IntColumn.Builder) e.column(2)).append(i % 256 - 128);
      }
      ((IntColumn.Builder) e.column(3)).append(i * 13 % 65536 - 32768);
      if (i % 5 == 0) {
        e.column(4).appendNull();
      } else {
        ((IntColumn.Builder) e.column(4)).append((int) (i * 104729L - 2147483648L));
      }
      if (i % 6 == 0) {
        e.column(5).appendNull();
      } else {
        ((FloatColumn.Builder) e.column(5)).append((float) (i * 4.5));
      }
      if (i % 7 == 0) {
        e.column(6).appendNull();
      } else {
        ((DoubleColumn.Builder) e.column(6))
            .append(i % 7 == 1 ? Double.NaN : i % 7 == 2 ? -0.0 : i / 8.0);
      }
      long us = 1_700_000_000_000_000L + i * 1_000_003L;
      if (i % 8 == 0) {
        e.column(7).appendNull();
      } else {
        ((LongColumn.Builder) e.column(7)).append(us);
      }
      if (i % 8 == 1) {
        e.column(8).appendNull();
      } else {
        // DuckDB rounds to the nearest millisecond.
        ((LongColumn.Builder) e.column(8)).append(Math.floorDiv(us + 500, 1000));
      }
      if (i % 8 == 2) {
        e.column(9).appendNull();
      } else {
        ((LongColumn.Builder) e.column(9)).append(us * 1000);
      }
      if (i % 9 == 0) {
        e.column(10).appendNull();
      } else {
        ((IntColumn.Builder) e.column(10)).append(i - 2500);
      }
      if (i % 10 == 0) {
        e.column(11).appendNull();
      } else {
        ((LongColumn.Builder) e.column(11)).append(i * 17_000_003L % 86_400_000_000L);
      }
      if (i % 11 == 0) {
        e.column(12).appendNull();
      } else {
        ((BinaryColumn.Builder) e.column(12))
            .append(java.math.BigInteger.valueOf(i % 19999 - 9999).toByteArray());
      }
      if (i % 12 == 0) {
        e.column(13).appendNull();
      } else {
        ((BinaryColumn.Builder) e.column(13))
            .append(new BigDecimal(dec18(i)).unscaledValue().toByteArray());
      }
      if (i % 13 == 0) {
        e.column(14).appendNull();
      } else {
        ((BinaryColumn.Builder) e.column(14))
            .append(new BigDecimal(dec38(i)).unscaledValue().toByteArray());
      }
      if (i % 5 == 0) {
        e.column(15).appendNull();
      } else {
        ((BinaryColumn.Builder) e.column(15)).appendString(i % 5 == 1 ? "" : "v" + (i % 37) + "ü€");
      }
      if (i % 6 == 0) {
        e.column(16).appendNull();
      } else {
        byte[] digits = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[2 + digits.length];
        raw[0] = (byte) 0xAA;
        System.arraycopy(digits, 0, raw, 2, digits.length);
        ((BinaryColumn.Builder) e.column(16)).append(raw);
      }
      if (i % 9 == 0) {
        e.column(17).appendNull();
      } else if (i % 9 == 1) {
        ((ListColumn.Builder) e.column(17)).appendDoubles(new double[0], 0, 0);
      } else {
        ((ListColumn.Builder) e.column(17))
            .appendDoubles(new double[] {i * 0.5, -0.0, Double.NaN, 1e308}, 0, 4);
      }
      e.endRow(i, -1, -1);
    }
    ColumnBatch expected = e.build();

    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "duck")) {
      assertEquals(
          "the schema of " + parquetSchema(file), expectedSchema, r.schema());
      // DuckDB cuts row groups at multiples of its 2,048-row vectors.
      assertEquals(3, r.rowGroupCount());
      assertEquals(2048L, r.rowCount(0));
      ColumnBatch.Builder all = ColumnBatch.builder(expectedSchema, ROWS, Long.MAX_VALUE);
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int k = 0; k < b.rowCount(); k++) {
          all.appendRow(b, k);
        }
      }
      ParquetBatchRoundTripTest.assertBatchEquals(expected, all.build());
    }
  }

  @Test
  public void ourFile_readByDuckDb_hasTheSameTypesAndValues() throws Exception {
    BatchSchema schema =
        BatchSchema.of(
            BatchField.of("b", ColumnType.BOOLEAN, true),
            BatchField.of("i8", ColumnType.INT8, true),
            BatchField.of("i16", ColumnType.INT16, false),
            BatchField.of("i32", ColumnType.INT32, true),
            BatchField.of("i64", ColumnType.INT64, false),
            BatchField.of("day", ColumnType.DATE, true),
            BatchField.timestamp("ts_ns", TimeUnit.NANOS, false, true),
            BatchField.timestamp("ts_us", TimeUnit.MICROS, true, true),
            BatchField.timestamp("ts_ms", TimeUnit.MILLIS, false, true),
            BatchField.time("tod", TimeUnit.MICROS, true),
            BatchField.of("f", ColumnType.FLOAT, true),
            BatchField.of("d", ColumnType.DOUBLE, true),
            BatchField.of("s", ColumnType.STRING, true),
            BatchField.of("raw", ColumnType.BYTES, true),
            BatchField.decimal("dec4", 4, 2, true),
            BatchField.decimal("dec18", 18, 3, true),
            BatchField.decimal("dec38", 38, 10, true),
            BatchField.list("li", ColumnType.INT32, true),
            BatchField.list("ld", ColumnType.DOUBLE, true));
    int rows = 3000;
    ColumnBatch.Builder e = ColumnBatch.builder(schema, rows, Long.MAX_VALUE);
    e.source("ours");
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < schema.size(); c++) {
        BatchField f = schema.field(c);
        ColumnVector.Builder col = e.column(c);
        if (f.nullable() && (i + c) % 5 == 0) {
          col.appendNull();
          continue;
        }
        switch (f.name()) {
          case "b":
            ((BooleanColumn.Builder) col).append(i % 3 == 0);
            break;
          case "i8":
            ((IntColumn.Builder) col).append(i % 256 - 128);
            break;
          case "i16":
            ((IntColumn.Builder) col).append(i % 2 == 0 ? Short.MIN_VALUE : Short.MAX_VALUE);
            break;
          case "i32":
            ((IntColumn.Builder) col).append(i % 2 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE - i);
            break;
          case "i64":
            ((LongColumn.Builder) col).append(i % 2 == 0 ? Long.MIN_VALUE + i : Long.MAX_VALUE - i);
            break;
          case "day":
            ((IntColumn.Builder) col).append(i * 37 - 50_000);
            break;
          case "ts_ns":
            ((LongColumn.Builder) col).append(1_700_000_000_123_456_789L + i * 1_000_000_007L);
            break;
          case "ts_us":
            ((LongColumn.Builder) col).append(-1_000_000_000_000_000L + i * 999_999_937L);
            break;
          case "ts_ms":
            ((LongColumn.Builder) col).append(1_600_000_000_000L + i * 86_400_001L);
            break;
          case "tod":
            ((LongColumn.Builder) col).append(i * 28_800_007L % 86_400_000_000L);
            break;
          case "f":
            ((FloatColumn.Builder) col)
                .append(i % 4 == 1 ? -0f : i % 4 == 2 ? Float.MAX_VALUE : i * 0.25f);
            break;
          case "d":
            ((DoubleColumn.Builder) col)
                .append(i % 4 == 1 ? -0.0 : i % 4 == 2 ? Double.NaN : i % 4 == 3 ? -Double.MAX_VALUE : i / 3.0);
            break;
          case "s":
            ((BinaryColumn.Builder) col).appendString(i % 7 == 0 ? "" : "s" + (i % 11) + "ü€𝄞");
            break;
          case "raw":
            ((BinaryColumn.Builder) col).append(i % 7 == 1 ? new byte[0] : new byte[] {(byte) i, 0, -1});
            break;
          case "dec4":
            ((BinaryColumn.Builder) col)
                .append(java.math.BigInteger.valueOf(i % 19999 - 9999).toByteArray());
            break;
          case "dec18":
            ((BinaryColumn.Builder) col).append(new BigDecimal(dec18(i)).unscaledValue().toByteArray());
            break;
          case "dec38":
            ((BinaryColumn.Builder) col).append(new BigDecimal(dec38(i)).unscaledValue().toByteArray());
            break;
          case "li":
            ((ListColumn.Builder) col).appendInts(new int[] {i, -i, Integer.MIN_VALUE}, 0, i % 4);
            break;
          case "ld":
            ((ListColumn.Builder) col).appendDoubles(new double[] {i / 7.0, -0.0, 1e-300}, 0, i % 4);
            break;
          default:
            throw new AssertionError(f.name());
        }
      }
      e.endRow(i, -1, -1);
    }
    ColumnBatch batch = e.build();
    Path file = tmp.getRoot().toPath().resolve("ours.parquet");
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file, schema, ParquetBatchWriter.Options.defaults().withRowGroupBytes(16 << 10))) {
      w.write(batch);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      List<String> types = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM '" + file + "'")) {
        while (rs.next()) {
          types.add(rs.getString("column_name") + " " + rs.getString("column_type"));
        }
      }
      assertEquals(
          List.of(
              "b BOOLEAN",
              "i8 TINYINT",
              "i16 SMALLINT",
              "i32 INTEGER",
              "i64 BIGINT",
              "day DATE",
              "ts_ns TIMESTAMP_NS",
              "ts_us TIMESTAMP WITH TIME ZONE",
              "ts_ms TIMESTAMP", // DuckDB reads TIMESTAMP(MILLIS) into its microsecond type
              "tod TIME",
              "f FLOAT",
              "d DOUBLE",
              "s VARCHAR",
              "raw BLOB",
              "dec4 DECIMAL(4,2)",
              "dec18 DECIMAL(18,3)",
              "dec38 DECIMAL(38,10)",
              "li INTEGER[]",
              "ld DOUBLE[]"),
          types);
      try (ResultSet rs =
          st.executeQuery(
              "SELECT b, i8, i16, i32, i64, day - DATE '1970-01-01', epoch_ns(ts_ns),"
                  + " epoch_us(ts_us), epoch_ms(ts_ms), date_diff('microsecond', TIME '00:00:00',"
                  + " tod), f, d, s, hex(raw), dec4::VARCHAR, dec18::VARCHAR, dec38::VARCHAR,"
                  + " li::VARCHAR, ld, (SELECT count(*) FROM '" + file + "') FROM '"
                  + file
                  + "'")) {
        int i = 0;
        while (rs.next()) {
          for (int col = 0; col < schema.size(); col++) {
            String got = duckValue(rs, col + 1, schema.field(col));
            String want = ourValue(batch, col, i);
            assertEquals("column " + schema.field(col).name() + " row " + i, want, got);
          }
          assertEquals(rows, rs.getLong(20));
          i++;
        }
        assertEquals(rows, i);
      }
    }
  }

  private static String duckValue(ResultSet rs, int col, BatchField f) throws Exception {
    Object o = rs.getObject(col);
    if (o == null) {
      return "null";
    }
    switch (f.type()) {
      case FLOAT:
        return Integer.toHexString(Float.floatToRawIntBits(rs.getFloat(col)));
      case DOUBLE:
        return Long.toHexString(Double.doubleToRawLongBits(rs.getDouble(col)));
      case LIST:
        if (f.elementType() == ColumnType.DOUBLE) {
          Object[] a = (Object[]) rs.getArray(col).getArray();
          StringBuilder b = new StringBuilder("[");
          for (Object x : a) {
            b.append(Long.toHexString(Double.doubleToRawLongBits((Double) x))).append(' ');
          }
          return b.append(']').toString();
        }
        return o.toString();
      default:
        return o.toString();
    }
  }

  private static String ourValue(ColumnBatch b, int col, int row) {
    ColumnVector v = b.column(col);
    BatchField f = b.schema().field(col);
    if (v.isNull(row)) {
      return "null";
    }
    switch (f.type()) {
      case BOOLEAN:
        return Boolean.toString(((BooleanColumn) v).get(row));
      case INT8:
      case INT16:
      case INT32:
      case DATE:
        return Integer.toString(((IntColumn) v).get(row));
      case INT64:
      case TIMESTAMP:
      case TIME:
        return Long.toString(((LongColumn) v).get(row));
      case FLOAT:
        return Integer.toHexString(Float.floatToRawIntBits(((FloatColumn) v).get(row)));
      case DOUBLE:
        return Long.toHexString(Double.doubleToRawLongBits(((DoubleColumn) v).get(row)));
      case STRING:
        return ((BinaryColumn) v).getString(row);
      case BYTES:
        return java.util.HexFormat.of().withUpperCase().formatHex(((BinaryColumn) v).getBytes(row));
      case DECIMAL:
        return new BigDecimal(new java.math.BigInteger(((BinaryColumn) v).getBytes(row)), f.scale())
            .toPlainString();
      default:
        {
          ListColumn l = (ListColumn) v;
          StringBuilder s = new StringBuilder("[");
          for (int k = l.start(row); k < l.start(row) + l.length(row); k++) {
            if (f.elementType() == ColumnType.DOUBLE) {
              s.append(Long.toHexString(Double.doubleToRawLongBits(((DoubleColumn) l.elements()).get(k))))
                  .append(' ');
            } else {
              s.append(k > l.start(row) ? ", " : "").append(((IntColumn) l.elements()).get(k));
            }
          }
          return s.append(']').toString();
        }
    }
  }

  static String parquetSchema(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      return r.getFooter().getFileMetaData().getSchema().toString();
    }
  }
}
