package dev.sediment.io.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.Test;

/** {@link ColumnBatch.Builder#rollbackRow()} and {@link ColumnVector.Builder#truncate(int)}. */
public class BuilderRollbackTest {

  @Test
  public void rollbackRow_partialRowsOfEveryType_leaveNoTrace() throws Exception {
    ColumnBatch good = ColumnBatchTest.allTypes("file:/a.csv");
    ColumnBatch.Builder b = ColumnBatch.builder(ColumnBatchTest.ALL);
    for (int r = 0; r < good.rowCount(); r++) {
      // A bad row: some columns appended (values and nulls of another row), then dropped.
      int k = (r * 5 + 3) % (ColumnBatchTest.ALL.size() + 1);
      int other = (r + 3) % good.rowCount();
      for (int c = 0; c < k; c++) {
        b.column(c).appendFrom(good.column(c), other);
      }
      b.rollbackRow();
      b.appendRow(good, r);
    }
    // A trailing bad row that is never closed is dropped too.
    for (int c = 0; c < 5; c++) {
      b.column(c).appendFrom(good.column(c), 1);
    }
    b.rollbackRow();
    ColumnBatch rebuilt = b.build();
    assertEquals(good, rebuilt);
    ColumnBatchCoder coder = ColumnBatchCoder.of(ColumnBatchTest.ALL);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(rebuilt, out);
    assertEquals(good, coder.decode(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  public void truncate_nullThenValueAtSamePosition_isNotNull() {
    LongColumn.Builder b = new LongColumn.Builder(4);
    b.append(1);
    b.appendNull();
    b.truncate(1);
    b.append(2);
    LongColumn v = b.build();
    assertEquals(2, v.size());
    assertEquals(false, v.hasNulls());
    assertEquals(2, v.get(1));
  }

  @Test
  public void truncate_stringsAndLists_keepEarlierEntries() {
    BinaryColumn.Builder s = new BinaryColumn.Builder(2, 8);
    s.appendString("ab");
    s.appendString("cdef");
    s.truncate(1);
    s.appendString("x");
    BinaryColumn sv = s.build();
    assertEquals("ab", sv.getString(0));
    assertEquals("x", sv.getString(1));
    ListColumn.Builder l = new ListColumn.Builder(ColumnType.INT64, 2);
    l.appendLongs(new long[] {1, 2}, 0, 2);
    l.appendLongs(new long[] {3, 4, 5}, 0, 3);
    l.truncate(1);
    l.appendLongs(new long[] {9}, 0, 1);
    ListColumn lv = l.build();
    assertEquals(2, lv.size());
    assertEquals(1, lv.length(1));
    assertEquals(9, ((LongColumn) lv.elements()).get(lv.start(1)));
    assertEquals(3, lv.elements().size());
  }

  @Test
  public void truncate_outsideTheEntries_refused() {
    IntColumn.Builder b = new IntColumn.Builder(2);
    b.append(1);
    assertThrows(IndexOutOfBoundsException.class, () -> b.truncate(2));
    assertThrows(IndexOutOfBoundsException.class, () -> b.truncate(-1));
  }
}
