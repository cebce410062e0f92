package dev.sediment.io.lake;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The partition directory of each row of a {@link ColumnBatch}, as {@link HivePartition} names it
 * for the same row as a Beam {@link Row}. Directories are computed once per distinct value of the
 * partition columns (a bounded memo), not once per row. Beam-free apart from the row type; not
 * thread-safe.
 */
final class BatchPartitions {
  private static final int MEMO_LIMIT = 100_000;
  private static final String INVALID = "\u0000";

  private final HivePartition partition;
  private final BatchRows rows;
  private final int[] columns;
  private final Map<List<Object>, String> memo = new HashMap<>();

  BatchPartitions(Schema schema, HivePartition partition) {
    this.partition = partition;
    this.rows = BatchRows.of(schema);
    this.columns = partition.columns().stream().mapToInt(schema::indexOf).toArray();
  }

  boolean partitioned() {
    return columns.length > 0;
  }

  /**
   * The directory of each row ({@code ""} without partition columns), or null for a row whose
   * directory cannot be made; such rows are also added to {@code invalid} as the typed error the
   * quarantine keeps, naming the row's source and position.
   */
  @Nullable String[] paths(ColumnBatch batch, List<RecordError> invalid) {
    int n = batch.rowCount();
    String[] out = new String[n];
    if (columns.length == 0) {
      java.util.Arrays.fill(out, "");
      return out;
    }
    for (int i = 0; i < n; i++) {
      List<Object> key = new ArrayList<>(columns.length);
      for (int c : columns) {
        key.add(rows.value(batch, c, i));
      }
      String path = memo.get(key);
      if (path == null) {
        Row row = rows.toRow(batch, i);
        String why = partition.invalidPathOf(row);
        path = why == null ? partition.pathOf(row) : INVALID + why;
        if (memo.size() >= MEMO_LIMIT) {
          memo.clear();
        }
        memo.put(key, path);
      }
      if (path.startsWith(INVALID)) {
        String why = path.substring(1);
        RecordError e = LakeIO.partitionError(rows.toRow(batch, i), why);
        invalid.add(
            RecordError.of(
                batch.source(i),
                Math.max(0, batch.line(i)),
                Math.max(0, batch.byteOffset(i)),
                ErrorType.PARTITION_VALUE_TOO_LONG,
                e.getMessage(),
                e.getRecord()));
        continue;
      }
      out[i] = path;
    }
    return out;
  }
}
