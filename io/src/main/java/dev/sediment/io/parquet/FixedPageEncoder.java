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
    if (dictionary) {
      entries = new long[1024];
      table = new int[tableSize(1024)];
      slotKeys = new long[table.length];
    }
    resetPage();
  }

  /** Appends rows {@code from} to {@code to} of {@code v} (an Int, Long, Float or DoubleColumn). */
  void append(ColumnVector v, int from, int to) throws IOException {
    if (v.hasNulls()) {
      appendWithNulls(v, from, to);
      return;
    }
    int i = from;
    while (i < to) {
      // The values this page takes before it must end: the per-value checks of valueAdded, done
      // once for the run.
      int room = Math.min(PAGE_ROW_LIMIT - pageValues, (pageBytes + width - 1) / width - count);
      int end = Math.min(to, i + Math.max(1, room));
      switch (kind) {
        case INT32:
          runInts(((IntColumn) v).values(), i, end);
          break;
        case INT64:
          runLongs(((LongColumn) v).values(), i, end);
          break;
        case FLOAT:
          runFloats(((FloatColumn) v).values(), i, end);
          break;
        default:
          runDoubles(((DoubleColumn) v).values(), i, end);
          break;
      }
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

  /** Records that {@code n} values were added from index {@code c} on; min and max are set. */
  private void added(int n) {
    count += n;
    pageValues += n;
  }

  private void runInts(int[] a, int from, int to) {
    int n = reserve(to - from);
    long[] vals = values;
    long lo = minKey;
    long hi = maxKey;
    for (int i = from; i < to; i++, n++) {
      long bits = a[i];
      vals[n] = bits;
      if (bits <= lo) {
        lo = bits;
        minBits = bits;
      }
      if (bits >= hi) {
        hi = bits;
        maxBits = bits;
      }
    }
    minKey = lo;
    maxKey = hi;
    ids(vals, n - (to - from), n);
    added(to - from);
  }

  private void runLongs(long[] a, int from, int to) {
    int n = reserve(to - from);
    long[] vals = values;
    long lo = minKey;
    long hi = maxKey;
    for (int i = from; i < to; i++, n++) {
      long bits = a[i];
      vals[n] = bits;
      if (bits <= lo) {
        lo = bits;
        minBits = bits;
      }
      if (bits >= hi) {
        hi = bits;
        maxBits = bits;
      }
    }
    minKey = lo;
    maxKey = hi;
    ids(vals, n - (to - from), n);
    added(to - from);
  }

  private void runFloats(float[] a, int from, int to) {
    int n = reserve(to - from);
    long[] vals = values;
    long lo = minKey;
    long hi = maxKey;
    for (int i = from; i < to; i++, n++) {
      int b = Float.floatToIntBits(a[i]);
      long bits = b;
      long key = b ^ ((b >> 31) & 0x7fffffff);
      vals[n] = bits;
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
    ids(vals, n - (to - from), n);
    added(to - from);
  }

  private void runDoubles(double[] a, int from, int to) {
    int n = reserve(to - from);
    long[] vals = values;
    long lo = minKey;
    long hi = maxKey;
    for (int i = from; i < to; i++, n++) {
      long bits = Double.doubleToLongBits(a[i]);
      long key = bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
      vals[n] = bits;
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
    ids(vals, n - (to - from), n);
    added(to - from);
  }

  /** The dictionary ids of values {@code from} to {@code to} of the page, while dictionary encoding. */
  private void ids(long[] vals, int from, int to) {
    if (!dictionary) {
      return;
    }
    int[] out = ids;
    for (int i = from; i < to; i++) {
      out[i] = id(vals[i]);
    }
  }

  /** The per-value path, for vectors with nulls. */
  private void appendWithNulls(ColumnVector v, int from, int to) throws IOException {
    switch (kind) {
      case INT32:
        {
          int[] a = ((IntColumn) v).values();
          for (int i = from; i < to; i++) {
            if (v.isNull(i)) {
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
            if (v.isNull(i)) {
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
            if (v.isNull(i)) {
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
            if (v.isNull(i)) {
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
