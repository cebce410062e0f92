package dev.sediment.io.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/** Round trips of every column type through builders, selection and {@link ColumnBatchCoder}. */
public class ColumnBatchTest {

  static final BatchSchema ALL =
      BatchSchema.of(
          BatchField.of("b", ColumnType.BOOLEAN, true),
          BatchField.of("i8", ColumnType.INT8, true),
          BatchField.of("i16", ColumnType.INT16, true),
          BatchField.of("i32", ColumnType.INT32, true),
          BatchField.of("day", ColumnType.DATE, true),
          BatchField.of("i64", ColumnType.INT64, false),
          BatchField.timestamp("ts_ns", TimeUnit.NANOS, true, true),
          BatchField.timestamp("local_us", TimeUnit.MICROS, false, true),
          BatchField.time("tod", TimeUnit.MICROS, true),
          BatchField.of("f", ColumnType.FLOAT, true),
          BatchField.of("d", ColumnType.DOUBLE, true),
          BatchField.of("s", ColumnType.STRING, true),
          BatchField.of("raw", ColumnType.BYTES, true),
          BatchField.decimal("px", 20, 4, true),
          BatchField.list("samples", ColumnType.FLOAT, true),
          BatchField.list("counts", ColumnType.INT32, false));

  static final double[] DOUBLES = {
    0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L), Double.MIN_VALUE,
    Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 1.5
  };
  static final float[] FLOATS = {0f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE,
    Float.POSITIVE_INFINITY, -1.25f, 3f};
  static final long[] LONGS = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1, 2, 3, 4};
  static final int[] INTS = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, 8, 9, 10};
  static final String[] STRINGS = {"", "a", "ü€𝄞", "tab\tand\nnewline", "x".repeat(1000), "", "z", "q"};

  /** Eight rows; row r is null in every nullable column where (r + column) % 3 == 0. */
  static ColumnBatch allTypes(String source) {
    ColumnBatch.Builder b = ColumnBatch.builder(ALL);
    b.source(source);
    for (int r = 0; r < 8; r++) {
      for (int c = 0; c < ALL.size(); c++) {
        BatchField f = ALL.field(c);
        ColumnVector.Builder col = b.column(c);
        if (f.nullable() && (r + c) % 3 == 0) {
          col.appendNull();
          continue;
        }
        switch (f.type()) {
          case BOOLEAN:
            ((BooleanColumn.Builder) col).append(r % 2 == 0);
            break;
          case INT8:
            ((IntColumn.Builder) col).append((byte) (INTS[r]));
            break;
          case INT16:
            ((IntColumn.Builder) col).append((short) (INTS[r]));
            break;
          case INT32:
          case DATE:
            ((IntColumn.Builder) col).append(INTS[r]);
            break;
          case INT64:
          case TIMESTAMP:
          case TIME:
            ((LongColumn.Builder) col).append(LONGS[r]);
            break;
          case FLOAT:
            ((FloatColumn.Builder) col).append(FLOATS[r]);
            break;
          case DOUBLE:
            ((DoubleColumn.Builder) col).append(DOUBLES[r]);
            break;
          case STRING:
            ((BinaryColumn.Builder) col).appendString(STRINGS[r]);
            break;
          case BYTES:
            ((BinaryColumn.Builder) col).append(new byte[r]);
            break;
          case DECIMAL:
            ((BinaryColumn.Builder) col)
                .append(BigInteger.valueOf(LONGS[r]).multiply(BigInteger.TEN).toByteArray());
            break;
          case LIST:
            if (f.elementType() == ColumnType.FLOAT) {
              ((ListColumn.Builder) col).appendFloats(FLOATS, 0, r);
            } else {
              ((ListColumn.Builder) col).appendInts(INTS, r, 8 - r);
            }
            break;
          default:
            throw new AssertionError(f);
        }
      }
      b.endRow(100 + r, 1000L * r, r + 2);
    }
    return b.build();
  }

  @Test
  public void builderKeepsValuesNullsAndProvenance() {
    ColumnBatch batch = allTypes("file:/spool/a.csv");
    assertEquals(8, batch.rowCount());
    assertEquals(List.of("file:/spool/a.csv"), batch.sources());
    assertEquals(103, batch.rowIndex(3));
    assertEquals(3000, batch.byteOffset(3));
    assertEquals(5, batch.line(3));
    DoubleColumn d = (DoubleColumn) batch.column("d");
    int dc = ALL.indexOf("d");
    for (int r = 0; r < 8; r++) {
      assertEquals((r + dc) % 3 == 0, d.isNull(r));
      if (!d.isNull(r)) {
        assertEquals(Double.doubleToRawLongBits(DOUBLES[r]), Double.doubleToRawLongBits(d.get(r)));
      }
    }
    BinaryColumn s = (BinaryColumn) batch.column("s");
    int sc = ALL.indexOf("s");
    for (int r = 0; r < 8; r++) {
      if ((r + sc) % 3 != 0) {
        assertEquals(STRINGS[r], s.getString(r));
      }
    }
    assertFalse(batch.column("i64").hasNulls());
    ListColumn counts = (ListColumn) batch.column("counts");
    assertEquals(8 - 5, counts.length(5));
    assertEquals(INTS[5], ((IntColumn) counts.elements()).get(counts.start(5)));
    BinaryColumn px = (BinaryColumn) batch.column("px");
    int pc = ALL.indexOf("px");
    int r = (pc % 3 == 1) ? 3 : 2; // a non-null row: (r + pc) % 3 != 0
    assertEquals(
        new BigDecimal(BigInteger.valueOf(LONGS[r]).multiply(BigInteger.TEN), 4),
        new BigDecimal(new BigInteger(px.getBytes(r)), 4));
  }

  @Test
  public void coderRoundTripsEveryTypeBitForBit() throws Exception {
    ColumnBatch batch = allTypes("s3://bucket/k.csv");
    ColumnBatchCoder coder = ColumnBatchCoder.of(ALL);
    CoderProperties.coderDecodeEncodeEqual(coder, batch);
    CoderProperties.coderDeterministic(coder, batch, allTypes("s3://bucket/k.csv"));
    CoderProperties.coderSerializable(coder);
    ColumnBatch back = decode(coder, encode(coder, batch));
    DoubleColumn d = (DoubleColumn) back.column("d");
    // NaN payloads and -0.0 survive as bits.
    assertEquals(0x7ff8_0000_0000_0001L, Double.doubleToRawLongBits(d.get(3)));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.get(1)));
  }

  @Test
  public void coderRoundTripsEmptySelectedAndMultiSourceBatches() throws Exception {
    ColumnBatchCoder coder = ColumnBatchCoder.of(ALL);
    ColumnBatch batch = allTypes("a");
    CoderProperties.coderDecodeEncodeEqual(coder, batch.slice(0, 0));
    CoderProperties.coderDecodeEncodeEqual(coder, batch.slice(3, 7));
    CoderProperties.coderDecodeEncodeEqual(coder, batch.select(new int[] {7, 0, 7}, 3));
    ColumnBatch.Builder b = ColumnBatch.builder(ALL);
    ColumnBatch other = allTypes("b");
    for (int r = 0; r < 8; r++) {
      b.appendRow(r % 2 == 0 ? batch : other, r);
    }
    ColumnBatch mixed = b.build();
    assertEquals(List.of("a", "b"), mixed.sources());
    assertEquals("b", mixed.source(3));
    assertEquals(103, mixed.rowIndex(3));
    CoderProperties.coderDecodeEncodeEqual(coder, mixed);
    // Nested in a stream with other data: reads exactly its own bytes.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(mixed, out);
    coder.encode(batch, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    assertEquals(mixed, coder.decode(in));
    assertEquals(batch, coder.decode(in));
    assertEquals(0, in.available());
  }

  @Test
  public void coderRefusesAnotherSchemaAndCorruptBytes() throws Exception {
    ColumnBatchCoder coder = ColumnBatchCoder.of(BatchSchema.of(BatchField.of("x", ColumnType.INT32, false)));
    assertThrows(CoderException.class, () -> encode(coder, allTypes("a")));
    byte[] good = encode(ColumnBatchCoder.of(ALL), allTypes("a"));
    byte[] bad = good.clone();
    bad[11] = (byte) 0x80; // the high byte of the row count: it becomes negative
    assertThrows(CoderException.class, () -> decode(ColumnBatchCoder.of(ALL), bad));
  }

  @Test
  public void selectSliceFilterKeepRowsAndProvenance() {
    ColumnBatch batch = allTypes("a");
    ColumnBatch sel = batch.select(new int[] {6, 1}, 2);
    assertEquals(2, sel.rowCount());
    assertEquals(106, sel.rowIndex(0));
    assertEquals(6000, sel.byteOffset(0));
    assertEquals(((LongColumn) batch.column("i64")).get(6), ((LongColumn) sel.column("i64")).get(0));
    assertEquals(batch.slice(1, 2), sel.slice(1, 2));
    boolean[] keep = new boolean[8];
    keep[1] = true;
    keep[6] = true;
    ColumnBatch f = batch.filter(keep);
    assertEquals(sel.select(new int[] {1, 0}, 2), f);
    assertEquals(batch.slice(2, 5), batch.select(new int[] {2, 3, 4}, 3));
    assertNotEquals(batch.slice(2, 5), batch.select(new int[] {2, 4, 3}, 3));
  }

  @Test
  public void equalityIsBitwise() {
    assertNotEquals(DoubleColumn.of(0.0), DoubleColumn.of(-0.0));
    assertEquals(DoubleColumn.of(Double.NaN), DoubleColumn.of(Double.NaN));
    assertEquals(BinaryColumn.ofStrings("", null), BinaryColumn.ofStrings("", null));
    assertNotEquals(BinaryColumn.ofStrings("", null), BinaryColumn.ofStrings(null, ""));
  }

  @Test
  public void builderFillsAtRowAndByteLimits() {
    BatchSchema s = BatchSchema.of(BatchField.of("s", ColumnType.STRING, false));
    ColumnBatch.Builder byRows = ColumnBatch.builder(s, 3, Long.MAX_VALUE).source("a");
    for (int i = 0; i < 3; i++) {
      assertFalse(byRows.isFull());
      ((BinaryColumn.Builder) byRows.column(0)).appendString("v");
      byRows.endRow(i, -1, -1);
    }
    assertTrue(byRows.isFull());
    ColumnBatch.Builder byBytes = ColumnBatch.builder(s, 1 << 20, 10_000).source("a");
    int rows = 0;
    while (!byBytes.isFull()) {
      ((BinaryColumn.Builder) byBytes.column(0)).appendString("x".repeat(100));
      byBytes.endRow(rows++, -1, -1);
    }
    assertEquals(128, rows); // 104 bytes a row; the limit is looked at every 64 rows
    ColumnBatch built = byBytes.build();
    assertFalse(built.hasByteOffsets());
    assertEquals(-1, built.line(0));
  }

  @Test
  public void refusesInconsistentBatches() {
    BatchSchema s = BatchSchema.of(BatchField.of("x", ColumnType.INT64, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ColumnBatch(s, 1, new ColumnVector[] {new LongColumn(new long[1], new boolean[] {true}, 1)},
            List.of("a"), null, new long[1], null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ColumnBatch(s, 1, new ColumnVector[] {IntColumn.of(1)}, List.of("a"), null, new long[1], null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchSchema.of(BatchField.of("x", ColumnType.INT64, false), BatchField.of("x", ColumnType.INT32, false)));
    ColumnBatch.Builder b = ColumnBatch.builder(s).source("a");
    assertThrows(IllegalStateException.class, () -> b.endRow(0, -1, -1));
  }

  static byte[] encode(ColumnBatchCoder coder, ColumnBatch b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(b, out);
    return out.toByteArray();
  }

  static ColumnBatch decode(ColumnBatchCoder coder, byte[] bytes) throws IOException {
    return coder.decode(new ByteArrayInputStream(bytes));
  }
}
