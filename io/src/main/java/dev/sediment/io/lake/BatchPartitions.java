package dev.sediment.io.lake;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The partition directory of each row of a {@link ColumnBatch}, as {@link HivePartition} names it
 * for the same row as a Beam {@link Row}. Directories are computed once per distinct value of the
 * partition columns (a bounded memo), not once per row; a row whose partition values are those of
 * the row before it (the common case: input clustered by date or station) takes that row's
 * directory after comparing the column entries in place, with no key object. Beam-free apart
 * from the row type; not thread-safe.
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
      Arrays.fill(out, "");
      return out;
    }
    @Nullable String previous = null;
    for (int i = 0; i < n; i++) {
      String path = previous != null && sameAsPrevious(batch, i) ? previous : null;
      if (path == null) {
        path = lookup(batch, i);
      }
      previous = path;
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

  /** The directory of row {@code i} (or {@link #INVALID} and why), from the memo or made anew. */
  private String lookup(ColumnBatch batch, int i) {
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
    return path;
  }

  /**
   * True if every partition column holds at row {@code i} (> 0) the very value of row {@code i -
   * 1}: both null, or the same bits (so equal values, equal directories). False for vector types
   * not compared here, which then go through the memo.
   */
  private boolean sameAsPrevious(ColumnBatch batch, int i) {
    int j = i - 1;
    for (int c : columns) {
      ColumnVector v = batch.column(c);
      boolean nullI = v.isNull(i);
      if (nullI != v.isNull(j)) {
        return false;
      }
      if (nullI) {
        continue;
      }
      boolean same;
      if (v instanceof IntColumn) {
        same = ((IntColumn) v).get(i) == ((IntColumn) v).get(j);
      } else if (v instanceof LongColumn) {
        same = ((LongColumn) v).get(i) == ((LongColumn) v).get(j);
      } else if (v instanceof BinaryColumn) {
        BinaryColumn s = (BinaryColumn) v;
        byte[] d = s.data();
        int[] o = s.offsets();
        same = Arrays.equals(d, o[i], o[i + 1], d, o[j], o[j + 1]);
      } else if (v instanceof DoubleColumn) {
        same =
            Double.doubleToRawLongBits(((DoubleColumn) v).get(i))
                == Double.doubleToRawLongBits(((DoubleColumn) v).get(j));
      } else if (v instanceof FloatColumn) {
        same =
            Float.floatToRawIntBits(((FloatColumn) v).get(i))
                == Float.floatToRawIntBits(((FloatColumn) v).get(j));
      } else if (v instanceof BooleanColumn) {
        same = ((BooleanColumn) v).get(i) == ((BooleanColumn) v).get(j);
      } else {
        return false;
      }
      if (!same) {
        return false;
      }
    }
    return true;
  }
}
