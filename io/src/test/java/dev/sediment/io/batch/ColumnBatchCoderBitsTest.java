package dev.sediment.io.batch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.Test;

/**
 * The bit packing of null masks and boolean vectors in {@link ColumnBatchCoder} (whole bytes made
 * in a register, then the last partial byte): every row count from 0 to 70, so every length of the
 * last byte, with random, all-true and all-false bits and null masks, decodes to the very values
 * and encodes again to the same bytes.
 */
public class ColumnBatchCoderBitsTest {
  private static final BatchSchema SCHEMA =
      BatchSchema.of(
          BatchField.of("b", ColumnType.BOOLEAN, true), BatchField.of("x", ColumnType.INT64, true));

  private static byte[] encode(ColumnBatch batch) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ColumnBatchCoder.of(SCHEMA).encode(batch, out);
    return out.toByteArray();
  }

  @Test
  public void everyRowCountAndBitPatternRoundTrips() throws Exception {
    Random r = new Random(41);
    for (int n = 0; n <= 70; n++) {
      for (int pattern = 0; pattern < 4; pattern++) {
        ColumnBatch.Builder b = ColumnBatch.builder(SCHEMA).source("mem:bits");
        boolean[] values = new boolean[n];
        boolean[] nulls = new boolean[n];
        for (int i = 0; i < n; i++) {
          values[i] = pattern == 0 ? r.nextBoolean() : pattern == 1;
          nulls[i] = pattern == 3 ? i % 2 == 0 : pattern == 0 && r.nextInt(3) == 0;
          if (nulls[i]) {
            b.column(0).appendNull();
          } else {
            ((BooleanColumn.Builder) b.column(0)).append(values[i]);
          }
          ((LongColumn.Builder) b.column(1)).append(i);
          b.endRow(i, -1, -1);
        }
        ColumnBatch batch = b.build();
        byte[] bytes = encode(batch);
        ColumnBatch back = ColumnBatchCoder.of(SCHEMA).decode(new ByteArrayInputStream(bytes));
        assertEquals("n=" + n + " pattern " + pattern, batch, back);
        BooleanColumn col = (BooleanColumn) back.column(0);
        for (int i = 0; i < n; i++) {
          assertEquals(nulls[i], col.isNull(i));
          if (!nulls[i]) {
            assertEquals("n=" + n + " row " + i, values[i], col.get(i));
          }
        }
        assertArrayEquals(bytes, encode(back));
      }
    }
  }
}
