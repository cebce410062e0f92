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
  /** The bits flipped in a negative value's order key: none for integers (see minMax). */
  private final long keyFlip;

  private long[] values = new long[1024];
  private byte[] page = new byte[8192];
  private int count;
  private long minKey;
  private long maxKey;
  private long minBits;
  private long maxBits;

  // Dictionary: entries in order, and an open-addressing table of id + 1 with each slot's bits.
  private long[] entries = new long[0];
  private int size;
  private int[] table = new int[0];
  private long[] slotKeys = new long[0];

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
    keyFlip =
        kind == PrimitiveType.PrimitiveTypeName.FLOAT
            ? 0x7fffffffL
            : kind == PrimitiveType.PrimitiveTypeName.DOUBLE ? 0x7fffffffffffffffL : 0;
    if (dictionary) {
      entries = new long[1024];
      table = new int[tableSize(1024)];
      slotKeys = new long[table.length];
    }
    resetPage();
  }

  /** Appends rows {@code from} to {@code to} of {@code v} (an Int, Long, Float or DoubleColumn). */
  void append(ColumnVector v, int from, int to) throws IOException {
    boolean nulls = v.hasNulls();
    int i = from;
    while (i < to) {
      if (nulls && v.isNull(i)) {
        addNull();
        i++;
        continue;
      }
      int end = i + 1;
      if (!nulls) {
        end = to;
      } else {
        while (end < to && !v.isNull(end)) {
          end++;
        }
      }
      appendValues(v, i, end);
      i = end;
    }
  }

  /**
   * Appends rows {@code from} to {@code to} of {@code v}, none null, in runs that end where the
   * page must end: the per-value checks of {@link #valueAdded}, done once per run.
   */
  private void appendValues(ColumnVector v, int from, int to) throws IOException {
    int i = from;
    while (i < to) {
      int room = Math.min(PAGE_ROW_LIMIT - pageValues, (pageBytes + width - 1) / width - count);
      int end = Math.min(to, i + Math.max(1, room));
      int n = end - i;
      int at = reserve(n);
      long[] vals = values;
      switch (kind) {
        case INT32:
          {
            int[] a = ((IntColumn) v).values();
            for (int k = 0; k < n; k++) {
              vals[at + k] = a[i + k];
            }
            break;
          }
        case INT64:
          System.arraycopy(((LongColumn) v).values(), i, vals, at, n);
          break;
        case FLOAT:
          {
            float[] a = ((FloatColumn) v).values();
            for (int k = 0; k < n; k++) {
              vals[at + k] = Float.floatToIntBits(a[i + k]);
            }
            break;
          }
        default:
          {
            double[] a = ((DoubleColumn) v).values();
            for (int k = 0; k < n; k++) {
              vals[at + k] = Double.doubleToLongBits(a[i + k]);
            }
            break;
          }
      }
      minMax(vals, at, at + n);
      if (dictionary) {
        // A value equal to the one before it (prices and sizes of sorted ticks) has its id.
        int[] out = ids;
        long last = vals[at];
        int lastId = id(last);
        out[at] = lastId;
        for (int k = at + 1; k < at + n; k++) {
          long bits = vals[k];
          if (bits != last) {
            last = bits;
            lastId = id(bits);
          }
          out[k] = lastId;
        }
      }
      count += n;
      pageValues += n;
      i = end;
      if (pageValues >= PAGE_ROW_LIMIT || plainBytes() >= pageBytes) {
        endPage();
      }
    }
  }

  /** Makes room for {@code n} more values on the page; returns the index of the first. */
  private int reserve(int n) {
    int c = count;
    if (c + n > values.length) {
      values = Arrays.copyOf(values, Math.max(c + n, values.length * 2));
    }
    if (dictionary && c + n > ids.length) {
      ids = Arrays.copyOf(ids, Math.max(c + n, ids.length * 2));
    }
    if (optional) {
      Arrays.fill(defs, pageValues, pageValues + n, 1);
    }
    return c;
  }

  /**
   * Takes values {@code from} to {@code to} of the page into its min and max. The order key of a
   * value's bits ({@code int} bits sign-extended for INT32 and FLOAT) is the bits for integers and
   * the bits with the low bits flipped when negative for floating point, so that keys compare as
   * {@code Float.compare}/{@code Double.compare} do.
   */
  private void minMax(long[] vals, int from, int to) {
    long flip = keyFlip;
    long lo = minKey;
    long hi = maxKey;
    for (int k = from; k < to; k++) {
      long bits = vals[k];
      long key = bits ^ ((bits >> 63) & flip);
      if (key <= lo) {
        lo = key;
        minBits = bits;
      }
      if (key >= hi) {
        hi = key;
        maxBits = bits;
      }
    }
    minKey = lo;
    maxKey = hi;
  }

  /**
   * The dictionary id of {@code bits}, added if new. The table holds each entry's bits beside its
   * id + 1 (0: empty), so a lookup reads one slot, not a slot and then the entry.
   */
  private int id(long bits) {
    long[] k = slotKeys;
    int[] t = table;
    int mask = t.length - 1;
    int slot = mix(bits) & mask;
    while (true) {
      int e = t[slot];
      if (e == 0) {
        break;
      }
      if (k[slot] == bits) {
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
    k[slot] = bits;
    if (size * 2 > t.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    int[] t = new int[table.length * 2];
    long[] k = new long[t.length];
    int mask = t.length - 1;
    for (int id = 0; id < size; id++) {
      long bits = entries[id];
      int slot = mix(bits) & mask;
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = id + 1;
      k[slot] = bits;
    }
    table = t;
    slotKeys = k;
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
