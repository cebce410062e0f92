package dev.sediment.io.lake;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * {@link BatchPartitions}: each row's directory is {@link HivePartition#pathOf} of the row, also
 * where a row repeats the partition values of the row before it (taken without a memo lookup) and
 * where it differs only in nullness or in the bits of -0.0.
 */
public class BatchPartitionsTest {
  static final Schema S =
      Schema.builder()
          .addNullableField("day", FieldType.STRING)
          .addNullableField("n", FieldType.INT32)
          .addNullableField("x", FieldType.DOUBLE)
          .addInt64Field("seq")
          .build();

  static Row row(String day, Integer n, Double x, long seq) {
    return Row.withSchema(S).addValues(day, n, x, seq).build();
  }

  static List<Row> input() {
    String tooLong = "x".repeat(300);
    List<Row> rows = new ArrayList<>();
    long seq = 0;
    rows.add(row("2026-01-01", 1, 0.0, seq++));
    rows.add(row("2026-01-01", 1, 0.0, seq++)); // same as before
    rows.add(row("2026-01-01", 1, -0.0, seq++)); // -0.0 after 0.0: another directory
    rows.add(row("2026-01-01", 1, -0.0, seq++));
    rows.add(row("2026-01-01", null, -0.0, seq++)); // null after 1
    rows.add(row("2026-01-01", null, -0.0, seq++)); // null after null
    rows.add(row("2026-01-01", 0, -0.0, seq++)); // 0 after null (a null int reads as 0)
    rows.add(row(null, 0, -0.0, seq++));
    rows.add(row("", 0, -0.0, seq++)); // empty after null
    rows.add(row("2026-01-02", 0, -0.0, seq++));
    rows.add(row("2026-01-01", 1, 0.0, seq++)); // seen before, not just before
    rows.add(row(tooLong, 1, 0.0, seq++));
    rows.add(row(tooLong, 1, 0.0, seq++)); // an invalid directory repeated: two errors
    rows.add(row("2026-01-01", 1, Double.NaN, seq++));
    rows.add(row("2026-01-01", 1, Double.NaN, seq++));
    return rows;
  }

  @Test
  public void everyRowGetsTheDirectoryOfItsOwnValues() {
    HivePartition partition = HivePartition.by(List.of("day", "n", "x"));
    List<Row> rows = input();
    ColumnBatch batch = BatchRows.of(S).toBatch(rows, "file:/in/a.csv");
    BatchPartitions partitions = new BatchPartitions(S, partition);
    for (int round = 0; round < 2; round++) { // the second round answers from the memo
      List<RecordError> invalid = new ArrayList<>();
      String[] paths = partitions.paths(batch, invalid);
      String[] expected = new String[rows.size()];
      List<Long> invalidSeqs = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (partition.invalidPathOf(r) == null) {
          expected[i] = partition.pathOf(r);
        } else {
          invalidSeqs.add(r.getInt64("seq"));
        }
      }
      assertArrayEquals(expected, paths);
      assertEquals(List.of(11L, 12L), invalidSeqs);
      assertEquals(2, invalid.size());
      for (RecordError e : invalid) {
        assertEquals(ErrorType.PARTITION_VALUE_TOO_LONG.toString(), e.getErrorType().toString());
        assertEquals("file:/in/a.csv", e.getSource());
      }
      assertNull(paths[11]);
      assertNull(paths[12]);
    }
    // The cases the shortcut must tell apart really are different directories.
    assertEquals(false, partition.pathOf(rows.get(1)).equals(partition.pathOf(rows.get(2))));
    assertEquals(false, partition.pathOf(rows.get(3)).equals(partition.pathOf(rows.get(4))));
    assertEquals(false, partition.pathOf(rows.get(5)).equals(partition.pathOf(rows.get(6))));
    assertEquals(false, partition.pathOf(rows.get(7)).equals(partition.pathOf(rows.get(8))));
  }

  @Test
  public void noPartitionColumnsIsTheEmptyDirectory() {
    List<Row> rows = input();
    ColumnBatch batch = BatchRows.of(S).toBatch(rows, "file:/in/a.csv");
    List<RecordError> invalid = new ArrayList<>();
    String[] paths = new BatchPartitions(S, HivePartition.by(List.of())).paths(batch, invalid);
    assertEquals(rows.size(), paths.length);
    for (String p : paths) {
      assertEquals("", p);
    }
    assertEquals(0, invalid.size());
  }
}
