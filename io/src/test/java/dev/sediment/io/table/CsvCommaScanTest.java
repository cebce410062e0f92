package dev.sediment.io.table;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.junit.Test;

/**
 * The eight-bytes-at-a-time comma split of unquoted CSV records in {@link CsvBatchReader}: records
 * with commas at every position within and across 8-byte words (empty fields, runs of commas,
 * fields of 0 to 20 bytes, too few and too many fields, non-ASCII text) give the rows and errors
 * {@link CsvFileParser} gives.
 */
public class CsvCommaScanTest {
  static final Schema S =
      Schema.builder()
          .addNullableField("a", FieldType.STRING)
          .addNullableField("b", FieldType.STRING)
          .addNullableField("c", FieldType.INT64)
          .addNullableField("d", FieldType.STRING)
          .build();

  @Test
  public void unquotedRecordsOfEveryShapeAsTheRowParser() throws Exception {
    Random r = new Random(19);
    String[] pieces = {"", "x", "yz", "é", "12345678", "abcdefghijklmnopqrst", " ", "7"};
    for (int file = 0; file < 40; file++) {
      StringBuilder sb = new StringBuilder("a,b,c,d\n");
      int lines = 1 + r.nextInt(30);
      for (int l = 0; l < lines; l++) {
        int fields = r.nextInt(8) == 0 ? 1 + r.nextInt(7) : 4;
        for (int f = 0; f < fields; f++) {
          if (f > 0) {
            sb.append(',');
          }
          sb.append(f == 2 && r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : pieces[r.nextInt(pieces.length)]);
        }
        sb.append('\n');
      }
      // A record that is commas only, of every length up to 17.
      sb.append(",".repeat(3)).append('\n');
      sb.append(",".repeat(r.nextInt(18))).append('\n');
      TextBatchDiff.assertSame(
          TableIO.Format.CSV, S, sb.toString().getBytes(StandardCharsets.UTF_8), 1 << 20, file < 10);
    }
  }
}
