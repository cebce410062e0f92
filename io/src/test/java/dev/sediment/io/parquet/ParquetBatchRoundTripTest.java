package dev.sediment.io.parquet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

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
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Every column type written by {@link ParquetBatchWriter} and read back by {@link ParquetBatchReader}. */
public class ParquetBatchRoundTripTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final BatchSchema ALL =
      BatchSchema.of(
          BatchField.of("b", ColumnType.BOOLEAN, true),
          BatchField.of("i8", ColumnType.INT8, true),
          BatchField.of("i16", ColumnType.INT16, false),
          BatchField.of("i32", ColumnType.INT32, true),
          BatchField.of("day", ColumnType.DATE, true),
          BatchField.of("i64", ColumnType.INT64, false),
          BatchField.timestamp("ts_ns", TimeUnit.NANOS, true, true),
          BatchField.timestamp("ts_us", TimeUnit.MICROS, true, false),
          BatchField.timestamp("ts_ms", TimeUnit.MILLIS, true, true),
          BatchField.timestamp("local_us", TimeUnit.MICROS, false, true),
          BatchField.time("tod_ms", TimeUnit.MILLIS, true),
          BatchField.time("tod_us", TimeUnit.MICROS, true),
          BatchField.time("tod_ns", TimeUnit.NANOS, false),
          BatchField.of("f", ColumnType.FLOAT, true),
          BatchField.of("d", ColumnType.DOUBLE, true),
          BatchField.of("s", ColumnType.STRING, true),
          BatchField.of("s_req", ColumnType.STRING, false),
          BatchField.of("raw", ColumnType.BYTES, true),
          BatchField.decimal("dec4", 4, 2, true),
          BatchField.decimal("dec18", 18, 3, true),
          BatchField.decimal("dec38", 38, 10, true),
          BatchField.list("li", ColumnType.INT32, true),
          BatchField.list("ll", ColumnType.INT64, false),
          BatchField.list("lf", ColumnType.FLOAT, true),
          BatchField.list("ld", ColumnType.DOUBLE, true));

  static final double[] DOUBLES = {
    0.0, -0.0, Double.NaN, -Double.MIN_NORMAL, Double.MIN_VALUE,
    Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 1.5, -Double.MAX_VALUE, Double.POSITIVE_INFINITY
  };
  static final float[] FLOATS = {
    0f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY, -1.25f, 3f,
    -Float.MAX_VALUE, Float.NEGATIVE_INFINITY
  };
  static final long[] LONGS = {
    0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1, 2, 3, 4, 1_700_000_000_123_456_789L, -86_400_000L
  };
  static final int[] INTS = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, 8, 9, 10, -19_000, 19_000};
  static final String[] STRINGS = {
    "", "a", "ü€𝄞", "tab\tand\nnewline", "x".repeat(1000), "", "z", "q", "\u0000", "a"
  };
  static final String[] DEC4 = {"0", "-1", "9999", "-9999", "1", "100", "-100", "127", "128", "-129"};
  static final String[] DEC18 = {
    "0", "-1", "999999999999999999", "-999999999999999999", "255", "-256", "65536", "1", "2", "3"
  };
  static final String[] DEC38 = {
    "0",
    "-1",
    "99999999999999999999999999999999999999",
    "-99999999999999999999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "1",
    "12345678901234567890123456789012345678",
    "-12345678901234567890123",
    "42"
  };

  /** {@code rows} rows; row r is null in nullable column c where (r + c) % 4 == 0. */
  static ColumnBatch allTypes(String source, int rows, long firstRow) {
    ColumnBatch.Builder b = ColumnBatch.builder(ALL, Math.max(1, rows), Long.MAX_VALUE);
    b.source(source);
    for (int r = 0; r < rows; r++) {
      int k = r % 10;
      for (int c = 0; c < ALL.size(); c++) {
        BatchField f = ALL.field(c);
        ColumnVector.Builder col = b.column(c);
        if (f.nullable() && (r + c) % 4 == 0) {
          col.appendNull();
          continue;
        }
        switch (f.name()) {
          case "b":
            ((BooleanColumn.Builder) col).append(r % 3 == 0);
            break;
          case "i8":
            ((IntColumn.Builder) col).append(k % 2 == 0 ? Byte.MIN_VALUE : Byte.MAX_VALUE);
            break;
          case "i16":
            ((IntColumn.Builder) col).append(k % 2 == 0 ? Short.MIN_VALUE : Short.MAX_VALUE);
            break;
          case "i32":
          case "day":
            ((IntColumn.Builder) col).append(INTS[k]);
            break;
          case "tod_ms":
            ((LongColumn.Builder) col).append(86_399_999L - k);
            break;
          case "tod_us":
            ((LongColumn.Builder) col).append(86_399_999_999L - k);
            break;
          case "tod_ns":
            ((LongColumn.Builder) col).append(86_399_999_999_999L - k);
            break;
          case "i64":
          case "ts_ns":
          case "ts_us":
          case "ts_ms":
          case "local_us":
            ((LongColumn.Builder) col).append(LONGS[k] + (k > 3 ? r : 0));
            break;
          case "f":
            ((FloatColumn.Builder) col).append(FLOATS[k]);
            break;
          case "d":
            ((DoubleColumn.Builder) col).append(DOUBLES[k]);
            break;
          case "s":
          case "s_req":
            ((BinaryColumn.Builder) col).appendString(STRINGS[k] + (k == 9 ? r : ""));
            break;
          case "raw":
            ((BinaryColumn.Builder) col).append(k == 0 ? new byte[0] : new byte[] {(byte) k, 0, -1});
            break;
          case "dec4":
            ((BinaryColumn.Builder) col).append(new BigInteger(DEC4[k]).toByteArray());
            break;
          case "dec18":
            ((BinaryColumn.Builder) col).append(new BigInteger(DEC18[k]).toByteArray());
            break;
          case "dec38":
            ((BinaryColumn.Builder) col).append(new BigInteger(DEC38[k]).toByteArray());
            break;
          case "li":
            ((ListColumn.Builder) col)
                .appendInts(new int[] {Integer.MIN_VALUE, r, Integer.MAX_VALUE}, 0, k % 4);
            break;
          case "ll":
            ((ListColumn.Builder) col)
                .appendLongs(new long[] {Long.MIN_VALUE, r, Long.MAX_VALUE, 0, 1}, 0, k % 6);
            break;
          case "lf":
            ((ListColumn.Builder) col).appendFloats(FLOATS, k, 10 - k);
            break;
          case "ld":
            ((ListColumn.Builder) col).appendDoubles(DOUBLES, 0, k);
            break;
          default:
            throw new AssertionError(f.name());
        }
      }
      b.endRow(firstRow + r, -1, -1);
    }
    return b.build();
  }

  private static List<ColumnBatch> readAll(Path file) throws Exception {
    List<ColumnBatch> out = new ArrayList<>();
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "src")) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        out.add(b);
      }
    }
    return out;
  }

  @Test
  public void everyType_roundTripsExactly() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("all.parquet");
    ColumnBatch batch = allTypes("src", 40, 0);
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, ALL)) {
      w.write(batch);
    }
    List<ColumnBatch> read = readAll(file);
    assertEquals(1, read.size());
    assertEquals(ALL, read.get(0).schema());
    assertBatchEquals(batch, read.get(0));
    assertEquals(0L, read.get(0).rowIndex(0));
    assertEquals(39L, read.get(0).rowIndex(39));
    assertEquals("src", read.get(0).source(39));
  }

  @Test
  public void everyType_plainPagesWithoutDictionary_roundTripExactly() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("plain.parquet");
    ColumnBatch batch = allTypes("src", 3000, 0);
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file,
            ALL,
            ParquetBatchWriter.Options.defaults()
                .withDictionary(false)
                .withPageBytes(4 << 10)
                .withCompression(CompressionCodecName.UNCOMPRESSED))) {
      w.write(batch);
    }
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      for (ColumnChunkMetaData c : r.getFooter().getBlocks().get(0).getColumns()) {
        assertTrue(c.getPath() + ": " + c.getEncodings(), !c.hasDictionaryPage());
      }
    }
    List<ColumnBatch> read = readAll(file);
    ColumnBatch.Builder all = ColumnBatch.builder(ALL, 3000, Long.MAX_VALUE);
    for (ColumnBatch b : read) {
      for (int i = 0; i < b.rowCount(); i++) {
        all.appendRow(b, i);
      }
    }
    assertBatchEquals(batch, all.build());
  }

  @Test
  public void writer_annotatesParquetTypesAsTheSchemaSays() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("types.parquet");
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, ALL)) {
      w.write(allTypes("src", 3, 0));
    }
    MessageType expected =
        MessageTypeParser.parseMessageType(
            "message sediment {\n"
                + "  optional boolean b;\n"
                + "  optional int32 i8 (INTEGER(8,true));\n"
                + "  required int32 i16 (INTEGER(16,true));\n"
                + "  optional int32 i32;\n"
                + "  optional int32 day (DATE);\n"
                + "  required int64 i64;\n"
                + "  optional int64 ts_ns (TIMESTAMP(NANOS,true));\n"
                + "  required int64 ts_us (TIMESTAMP(MICROS,true));\n"
                + "  optional int64 ts_ms (TIMESTAMP(MILLIS,true));\n"
                + "  optional int64 local_us (TIMESTAMP(MICROS,false));\n"
                + "  optional int32 tod_ms (TIME(MILLIS,false));\n"
                + "  optional int64 tod_us (TIME(MICROS,false));\n"
                + "  required int64 tod_ns (TIME(NANOS,false));\n"
                + "  optional float f;\n"
                + "  optional double d;\n"
                + "  optional binary s (STRING);\n"
                + "  required binary s_req (STRING);\n"
                + "  optional binary raw;\n"
                + "  optional int32 dec4 (DECIMAL(4,2));\n"
                + "  optional int64 dec18 (DECIMAL(18,3));\n"
                + "  optional fixed_len_byte_array(16) dec38 (DECIMAL(38,10));\n"
                + "  optional group li (LIST) { repeated group list { required int32 element; } }\n"
                + "  required group ll (LIST) { repeated group list { required int64 element; } }\n"
                + "  optional group lf (LIST) { repeated group list { required float element; } }\n"
                + "  optional group ld (LIST) { repeated group list { required double element; } }\n"
                + "}");
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      assertEquals(expected, r.getFooter().getFileMetaData().getSchema());
      BlockMetaData block = r.getFooter().getBlocks().get(0);
      for (ColumnChunkMetaData c : block.getColumns()) {
        assertEquals(CompressionCodecName.SNAPPY, c.getCodec());
        assertTrue(c.getPath() + " has statistics", c.getStatistics().isNumNullsSet());
      }
      // Row 0 is null where (0 + c) % 4 == 0: columns b (0), ts_ns (6)...; 3 rows in all.
      assertEquals(1L, block.getColumns().get(0).getStatistics().getNumNulls());
    }
  }

  @Test
  public void manyBatches_acrossRowGroups_keepRowIndexAndValues() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("groups.parquet");
    List<ColumnBatch> written = new ArrayList<>();
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file,
            ALL,
            ParquetBatchWriter.Options.defaults().withRowGroupBytes(64 << 10).withPageBytes(8 << 10))) {
      long row = 0;
      for (int i = 0; i < 6; i++) {
        ColumnBatch b = allTypes("src", 1500 + i * 7, row);
        written.add(b);
        w.write(b);
        row += b.rowCount();
      }
      assertEquals(row, w.rowCount());
    }
    try (ParquetBatchReader r =
        ParquetBatchReader.open(LocalParquetFile.of(file), "src").withBatchLimits(1000, 1L << 30)) {
      assertTrue("row groups: " + r.rowGroupCount(), r.rowGroupCount() > 3);
      ColumnBatch.Builder all = ColumnBatch.builder(ALL, 1 << 20, Long.MAX_VALUE);
      int batches = 0;
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        assertTrue(b.rowCount() <= 1000);
        for (int i = 0; i < b.rowCount(); i++) {
          all.appendRow(b, i);
        }
        batches++;
      }
      ColumnBatch.Builder expected = ColumnBatch.builder(ALL, 1 << 20, Long.MAX_VALUE);
      for (ColumnBatch b : written) {
        for (int i = 0; i < b.rowCount(); i++) {
          expected.appendRow(b, i);
        }
      }
      assertBatchEquals(expected.build(), all.build());
      assertTrue(batches >= 10);
    }
  }

  @Test
  public void rowGroupRange_readsOnlyThoseRows() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("range.parquet");
    ColumnBatch batch = allTypes("src", 5000, 0);
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file, ALL, ParquetBatchWriter.Options.defaults().withRowGroupBytes(32 << 10))) {
      w.write(batch);
    }
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "src")) {
      int groups = r.rowGroupCount();
      assertTrue(groups >= 3);
      r.rowGroups(1, 2);
      ColumnBatch b = r.next();
      assertNull(r.next());
      long first = r.firstRow(1);
      assertEquals(r.rowCount(1), b.rowCount());
      assertEquals(first, b.rowIndex(0));
      assertBatchEquals(batch.slice((int) first, (int) (first + b.rowCount())), b);
    }
  }

  @Test
  public void sameBatches_giveSameBytes() throws Exception {
    Path a = tmp.getRoot().toPath().resolve("a.parquet");
    Path b = tmp.getRoot().toPath().resolve("b.parquet");
    for (Path p : List.of(a, b)) {
      try (ParquetBatchWriter w = ParquetBatchWriter.create(p, ALL)) {
        w.write(allTypes("src", 3000, 0));
        w.write(allTypes("other", 17, 3000));
      }
    }
    assertEquals(sha256(a), sha256(b));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  public void projection_readsTheAskedColumnsAndWidensNullability() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("p.parquet");
    ColumnBatch batch = allTypes("src", 20, 0);
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, ALL)) {
      w.write(batch);
    }
    BatchSchema want =
        BatchSchema.of(ALL.field("s_req").withNullable(true), ALL.field("d"), ALL.field("ll"));
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "src", want)) {
      ColumnBatch b = r.next();
      assertEquals(want, b.schema());
      assertEquals(batch.column("s_req"), b.column(0));
      assertEquals(batch.column("d"), b.column(1));
      assertEquals(batch.column("ll"), b.column(2));
    }
    ParquetColumnException narrower =
        assertThrows(
            ParquetColumnException.class,
            () ->
                ParquetBatchReader.open(
                    LocalParquetFile.of(file), "src", BatchSchema.of(ALL.field("s").withNullable(false))));
    assertEquals("TYPE_MISMATCH", narrower.type().name());
    ParquetColumnException missing =
        assertThrows(
            ParquetColumnException.class,
            () ->
                ParquetBatchReader.open(
                    LocalParquetFile.of(file),
                    "src",
                    BatchSchema.of(BatchField.of("nope", ColumnType.INT32, true))));
    assertEquals("HEADER_MISMATCH", missing.type().name());
    assertEquals("nope", missing.column());
  }

  @Test
  public void decimalTooWide_isRefusedNamingColumnAndRow() throws Exception {
    BatchSchema s = BatchSchema.of(BatchField.decimal("px", 4, 2, false));
    ColumnBatch.Builder b = ColumnBatch.builder(s);
    b.source("in.csv");
    ((BinaryColumn.Builder) b.column(0)).append(BigInteger.valueOf(10_000).toByteArray());
    b.endRow(7, -1, -1);
    Path file = tmp.getRoot().toPath().resolve("dec.parquet");
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, s)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.write(b.build()));
      assertEquals(
          "column 'px': the value of row 7 of in.csv has more digits than decimal(4, 2) holds",
          e.getMessage());
    }
  }

  @Test
  public void nanPayload_comesBackAsTheCanonicalNaN() throws Exception {
    // parquet-java encodes doubles with doubleToLongBits (plain and dictionary alike).
    BatchSchema s = BatchSchema.of(BatchField.of("d", ColumnType.DOUBLE, false));
    double payload = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
    ColumnBatch b =
        new ColumnBatch(
            s, 2, new ColumnVector[] {DoubleColumn.of(payload, -0.0)}, List.of("x"), null,
            new long[] {0, 1}, null, null);
    Path file = tmp.getRoot().toPath().resolve("nan.parquet");
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, s)) {
      w.write(b);
    }
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "x")) {
      DoubleColumn d = (DoubleColumn) r.next().column(0);
      assertEquals(0x7ff8_0000_0000_0000L, Double.doubleToRawLongBits(d.get(0)));
      assertEquals(0x8000_0000_0000_0000L, Double.doubleToRawLongBits(d.get(1)));
    }
  }

  @Test
  public void emptyFile_hasSchemaAndNoRows() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("empty.parquet");
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, ALL)) {
      assertEquals(0L, w.rowCount());
    }
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "src")) {
      assertEquals(ALL, r.schema());
      assertEquals(0, r.rowGroupCount());
      assertNull(r.next());
    }
  }

  /** Equal batches; on a difference, names the first differing column and row. */
  static void assertBatchEquals(ColumnBatch expected, ColumnBatch actual) {
    assertEquals(expected.schema(), actual.schema());
    assertEquals(expected.rowCount(), actual.rowCount());
    for (int c = 0; c < expected.schema().size(); c++) {
      ColumnVector e = expected.column(c);
      ColumnVector a = actual.column(c);
      for (int i = 0; i < expected.rowCount(); i++) {
        if (!e.slice(i, i + 1).equals(a.slice(i, i + 1))) {
          throw new AssertionError(
              "column " + expected.schema().field(c) + " differs at row " + i + ": "
                  + describe(e, i) + " vs " + describe(a, i));
        }
      }
    }
    assertEquals(expected, actual);
  }

  private static String describe(ColumnVector v, int i) {
    if (v.isNull(i)) {
      return "null";
    } else if (v instanceof DoubleColumn) {
      return Long.toHexString(Double.doubleToRawLongBits(((DoubleColumn) v).get(i)));
    } else if (v instanceof FloatColumn) {
      return Integer.toHexString(Float.floatToRawIntBits(((FloatColumn) v).get(i)));
    } else if (v instanceof BinaryColumn) {
      return HexFormat.of().formatHex(((BinaryColumn) v).getBytes(i));
    } else if (v instanceof LongColumn) {
      return Long.toString(((LongColumn) v).get(i));
    } else if (v instanceof IntColumn) {
      return Integer.toString(((IntColumn) v).get(i));
    } else if (v instanceof ListColumn) {
      ListColumn l = (ListColumn) v;
      StringBuilder b = new StringBuilder("[");
      for (int k = l.start(i); k < l.start(i) + l.length(i); k++) {
        b.append(describe(l.elements(), k)).append(' ');
      }
      return b.append(']').toString();
    }
    return v.toString();
  }

  @Test
  public void messageNameAndKeyValueMetadata_inTheFooter_bytesIndependentOfMapOrder() throws Exception {
    BatchSchema s = BatchSchema.of(BatchField.of("x", ColumnType.INT64, false));
    ColumnBatch b =
        new ColumnBatch(
            s, 3, new ColumnVector[] {LongColumn.of(1, 2, 3)}, List.of("t"), null, new long[3], null, null);
    java.util.Map<String, String> forward = new java.util.LinkedHashMap<>();
    forward.put("a", "1");
    forward.put("parquet.avro.schema", "{}");
    forward.put("z", "2");
    java.util.Map<String, String> backward = new java.util.LinkedHashMap<>();
    backward.put("z", "2");
    backward.put("parquet.avro.schema", "{}");
    backward.put("a", "1");
    Path[] files = new Path[3];
    for (int k = 0; k < 3; k++) {
      files[k] = tmp.getRoot().toPath().resolve("meta" + k + ".parquet");
      ParquetBatchWriter.Options o = ParquetBatchWriter.Options.defaults();
      if (k < 2) {
        o = o.withMessageName("Bbo").withKeyValueMetadata(k == 0 ? forward : backward);
      }
      try (ParquetBatchWriter w = ParquetBatchWriter.create(files[k], s, o)) {
        assertEquals(k < 2 ? "Bbo" : "sediment", w.parquetSchema().getName());
        w.write(b);
      }
      try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(files[k]))) {
        org.apache.parquet.hadoop.metadata.FileMetaData m = r.getFooter().getFileMetaData();
        assertEquals(k < 2 ? "Bbo" : "sediment", m.getSchema().getName());
        assertEquals(k < 2 ? java.util.Map.of("a", "1", "parquet.avro.schema", "{}", "z", "2") : java.util.Map.of(),
            m.getKeyValueMetaData());
      }
      assertEquals(3, readAll(files[k]).stream().mapToInt(ColumnBatch::rowCount).sum());
    }
    assertEquals(sha256(files[0]), sha256(files[1]));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParquetBatchWriter.Options.defaults().withMessageName(""));
    assertEquals("messageName must be a non-empty name", e.getMessage());
  }

  static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
