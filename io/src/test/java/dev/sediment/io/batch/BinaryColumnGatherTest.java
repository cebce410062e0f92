package dev.sediment.io.batch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.Random;
import org.junit.Test;

/**
 * {@link BinaryColumn#gather}, which copies each run of consecutive rows as one byte range: every
 * mix of runs, repeats, backward steps, empty values and nulls gives entry by entry the values of
 * the rows asked for, in a vector whose offsets start at 0 and whose data holds nothing else.
 */
public class BinaryColumnGatherTest {

  private static BinaryColumn column(String... values) {
    BinaryColumn.Builder b = new BinaryColumn.Builder(values.length, 16);
    for (String v : values) {
      if (v == null) {
        b.appendNull();
      } else {
        b.appendString(v);
      }
    }
    return b.build();
  }

  private static void assertGathered(BinaryColumn source, int[] rows, int n) {
    BinaryColumn g = source.gather(rows, n);
    assertEquals(n, g.size());
    assertEquals(0, g.offsets()[0]);
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      assertEquals("null at " + i, source.isNull(r), g.isNull(i));
      assertArrayEquals("entry " + i + " (row " + r + ")", source.getBytes(r), g.getBytes(i));
      bytes += source.length(r);
    }
    assertEquals(bytes, g.offsets()[n]);
    assertEquals(bytes, g.data().length);
  }

  @Test
  public void runsRepeatsAndBackwardSteps() {
    BinaryColumn c = column("alpha", "", "b", null, "gamma-delta", "é€𝄞", "", "z", "yy", "x");
    assertGathered(c, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10); // one run: all
    assertGathered(c, new int[] {0, 1, 2, 4, 5, 6, 8, 9}, 8); // filter: runs with gaps
    assertGathered(c, new int[] {3, 4, 4, 5, 2, 3, 9, 0}, 8); // repeats and steps back
    assertGathered(c, new int[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 10); // all backward
    assertGathered(c, new int[] {1, 6}, 2); // empty values only
    assertGathered(c, new int[] {5, 6, 7, 0, 0}, 3); // only the first n count
    assertGathered(c, new int[0], 0);
    assertNull(c.gather(new int[] {0, 1, 2}, 3).nullMask());
  }

  @Test
  public void filterOfAColumnWithOffsetsAbove0MatchesRowByRow() {
    // A vector over a buffer with other bytes before its first entry: runs must rebase offsets.
    Random random = new Random(13);
    String[] values = new String[500];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(20) == 0 ? null : "v" + Integer.toString(random.nextInt(100_000), 36);
    }
    BinaryColumn whole = column(values);
    int skip = whole.offsets()[37];
    int[] offsets = new int[480 - 37 + 1];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = whole.offsets()[37 + i];
    }
    boolean[] nulls = new boolean[offsets.length - 1];
    for (int i = 0; i < nulls.length; i++) {
      nulls[i] = whole.isNull(37 + i);
    }
    BinaryColumn slice = new BinaryColumn(offsets, whole.data(), nulls, nulls.length);
    assertEquals(true, skip > 0);
    for (int round = 0; round < 20; round++) {
      int[] rows = new int[slice.size()];
      int n = 0;
      for (int i = 0; i < slice.size(); i++) {
        if (random.nextInt(10) != 0) {
          rows[n++] = i;
        }
      }
      assertGathered(slice, rows, n);
      assertGathered(whole, rows, n);
    }
  }
}
