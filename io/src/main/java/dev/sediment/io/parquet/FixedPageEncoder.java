package dev.sediment.io.parquet;

import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;

/**
 * {@link PageEncoder} of INT32, INT64, FLOAT and DOUBLE columns. A value is kept as its bits
 * ({@code floatToIntBits}/{@code doubleToLongBits}, as parquet-java encodes them: one NaN) and an
 * order key that sorts as parquet-java's comparator does (signed for integers, {@code
 * Float.compare}/{@code Double.compare} for floating point), so min and max are two long compares.
 */
final class FixedPageEncoder extends PageEncoder {
  private final PrimitiveType.PrimitiveTypeName kind;
  private final int width;

  private long[] values = new long[1024];
  private byte[] page = new byte[8192];
  private int count;
  private long minKey;
  private long maxKey;
  private long minBits;
  private long maxBits;

  // Dictionary: entries in order, and an open-addressing table of id + 1.
  private long[] entries = new long[0];
  private int size;
  private int[] table = new int[0];

  FixedPageEncoder(
      PageWriter out, PrimitiveType type, boolean optional, int pageBytes, int dictionaryLimit,
      boolean dictionary) {
    super(out, type, optional, pageBytes, dictionaryLimit, dictionary);
    this.kind = type.getPrimitiveTypeName();
    switch (kind) {
      case INT32:
      case FLOAT:
        width = 4;
        break;
      case INT64:
      case DOUBLE:
        width = 8;
        break;
      default:
        throw new IllegalArgumentException("no fixed-width encoder for " + type);
    }
    if (dictionary) {
      entries = new long[1024];
      table = new int[tableSize(1024)];
    }
    resetPage();
  }

  /** Appends rows {@code from} to {@code to} of {@code v} (an Int, Long, Float or DoubleColumn). */
  void append(ColumnVector v, int from, int to) throws IOException {
    boolean nulls = v.hasNulls();
    switch (kind) {
      case INT32:
        {
          int[] a = ((IntColumn) v).values();
          for (int i = from; i < to; i++) {
            if (nulls && v.isNull(i)) {
              addNull();
            } else {
              add(a[i], a[i]);
            }
          }
          return;
        }
      case INT64:
        {
          long[] a = ((LongColumn) v).values();
          for (int i = from; i < to; i++) {
            if (nulls && v.isNull(i)) {
              addNull();
            } else {
              add(a[i], a[i]);
            }
          }
          return;
        }
      case FLOAT:
        {
          float[] a = ((FloatColumn) v).values();
          for (int i = from; i < to; i++) {
            if (nulls && v.isNull(i)) {
              addNull();
            } else {
              int bits = Float.floatToIntBits(a[i]);
              add(bits, bits ^ ((bits >> 31) & 0x7fffffff));
            }
          }
          return;
        }
      default:
        {
          double[] a = ((DoubleColumn) v).values();
          for (int i = from; i < to; i++) {
            if (nulls && v.isNull(i)) {
              addNull();
            } else {
              long bits = Double.doubleToLongBits(a[i]);
              add(bits, bits ^ ((bits >> 63) & 0x7fffffffffffffffL));
            }
          }
          return;
        }
    }
  }

  private void add(long bits, long key) throws IOException {
    int n = count;
    if (n == values.length) {
      values = Arrays.copyOf(values, n * 2);
    }
    values[n] = bits;
    count = n + 1;
    if (key <= minKey) {
      minKey = key;
      minBits = bits;
    }
    if (key >= maxKey) {
      maxKey = key;
      maxBits = bits;
    }
    if (dictionary) {
      addId(n, id(bits));
    }
    valueAdded();
  }

  private int id(long bits) {
    int[] t = table;
    int mask = t.length - 1;
    int slot = mix(bits) & mask;
    while (true) {
      int e = t[slot];
      if (e == 0) {
        break;
      }
      if (entries[e - 1] == bits) {
        return e - 1;
      }
      slot = (slot + 1) & mask;
    }
    int id = size;
    if (id == entries.length) {
      entries = Arrays.copyOf(entries, id * 2);
    }
    entries[id] = bits;
    size = id + 1;
    t[slot] = id + 1;
    if (size * 2 > t.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    table = grown(table, size, id -> mix(entries[id]));
  }

  @Override
  int dictionarySize() {
    return size;
  }

  @Override
  long dictionaryBytes() {
    return (long) size * width;
  }

  @Override
  long plainBytes() {
    return (long) count * width;
  }

  @Override
  BytesInput plainValues() {
    // Into a reused buffer: the page writer has compressed (and checksummed) it when writePage
    // returns.
    if (page.length < count * width) {
      page = new byte[Math.max(count * width, page.length * 2)];
    }
    return encode(values, count, page);
  }

  @Override
  BytesInput dictionaryValues(int n) {
    // Kept by the page writer until the row group is written: a buffer of its own.
    return encode(entries, n, new byte[n * width]);
  }

  private BytesInput encode(long[] a, int n, byte[] b) {
    if (width == 8) {
      java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(a, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        INTS.set(b, i << 2, (int) a[i]);
      }
    }
    return BytesInput.from(b, 0, n * width);
  }

  @Override
  Statistics<?> statistics() {
    Statistics<?> s = Statistics.createStats(type);
    if (count > 0) {
      switch (kind) {
        case INT32:
          s.updateStats((int) minBits);
          s.updateStats((int) maxBits);
          break;
        case INT64:
          s.updateStats(minBits);
          s.updateStats(maxBits);
          break;
        case FLOAT:
          s.updateStats(Float.intBitsToFloat((int) minBits));
          s.updateStats(Float.intBitsToFloat((int) maxBits));
          break;
        default:
          s.updateStats(Double.longBitsToDouble(minBits));
          s.updateStats(Double.longBitsToDouble(maxBits));
          break;
      }
    }
    s.incrementNumNulls(pageNulls);
    return s;
  }

  @Override
  void resetPage() {
    count = 0;
    minKey = Long.MAX_VALUE;
    maxKey = Long.MIN_VALUE;
  }
}
