package dev.sediment.io.parquet;

import dev.sediment.io.batch.BinaryColumn;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/**
 * {@link PageEncoder} of BYTE_ARRAY columns (STRING, BYTES). The dictionary keeps its entries
 * plain encoded (4-byte little-endian length, bytes) in one buffer (that buffer is the dictionary
 * page) with an open-addressing table of ids; while a column is dictionary encoded a page holds
 * only its values' ids (and the size their plain encoding would have), and a page that falls back
 * is made plain from them. Once plain, values are copied into one buffer as they come. Min and max
 * are positions in the arena or that buffer, compared unsigned byte by byte as parquet-java's
 * binary comparator does; a value whose dictionary entry was seen earlier on the same page is not
 * compared again. No object per value.
 */
final class BinaryPageEncoder extends PageEncoder {
  private byte[] plain = new byte[1 << 12];
  private int plainLength;
  private int count;
  private int minStart = -1;
  private int minLength;
  private int maxStart = -1;
  private int maxLength;
  /** Whether min and max are positions in the arena (a dictionary page) or in plain. */
  private boolean statsInArena;
  /** Whether plain holds the page's values (else they are dictionary ids so far). */
  private boolean plainCopied;

  // Dictionary: entries plain encoded in arena; start (after the length) and length of each.
  private byte[] arena = new byte[0];
  private int arenaLength;
  private int[] starts = new int[0];
  private int[] lengths = new int[0];
  private int[] hashes = new int[0];
  private int size;
  private int[] table = new int[0];
  // The page (counted from 1) on which each dictionary entry was last taken into min and max.
  private int[] seenOnPage = new int[0];
  private int page = 1;

  BinaryPageEncoder(
      PageWriter out, PrimitiveType type, boolean optional, int pageBytes, int dictionaryLimit,
      boolean dictionary) {
    super(out, type, optional, pageBytes, dictionaryLimit, dictionary);
    if (dictionary) {
      arena = new byte[1 << 12];
      starts = new int[256];
      lengths = new int[256];
      hashes = new int[256];
      seenOnPage = new int[256];
      table = new int[tableSize(256)];
    }
  }

  /** Appends rows {@code from} to {@code to} of {@code v}. */
  void append(BinaryColumn v, int from, int to) throws IOException {
    boolean nulls = v.hasNulls();
    byte[] data = v.data();
    for (int i = from; i < to; i++) {
      if (nulls && v.isNull(i)) {
        addNull();
      } else {
        add(data, v.start(i), v.length(i));
      }
    }
  }

  /** Appends one value, {@code length} bytes of {@code data} from {@code start}. */
  void add(byte[] data, int start, int length) throws IOException {
    if (!dictionary) {
      addPlain(data, start, length);
      return;
    }
    // Dictionary encoding: the value is (or becomes) an arena entry; the page's plain encoding is
    // only counted, and made from the ids if the page falls back (plainValues).
    int id = id(data, start, length);
    int n = count++;
    addId(n, id);
    plainLength += 4 + length;
    if (seenOnPage[id] != page) {
      // First time on this page: it may change min or max (an entry seen earlier cannot).
      seenOnPage[id] = page;
      statsInArena = true;
      minMax(arena, starts[id], length);
    }
    valueAdded();
  }

  /** Appends one value to the page's plain encoding (dictionary encoding is off). */
  private void addPlain(byte[] data, int start, int length) throws IOException {
    int need = plainLength + 4 + length;
    if (need > plain.length) {
      plain = Arrays.copyOf(plain, Math.max(need, plain.length * 2));
    }
    INTS.set(plain, plainLength, length);
    int at = plainLength + 4;
    System.arraycopy(data, start, plain, at, length);
    plainLength = need;
    plainCopied = true;
    statsInArena = false;
    minMax(plain, at, length);
    count++;
    valueAdded();
  }

  /**
   * Takes the value at {@code at} of {@code buf} (the arena on a dictionary page, else plain: all
   * of a page's values are in the same one) into the page's min and max.
   */
  private void minMax(byte[] buf, int at, int length) {
    if (minStart < 0) {
      minStart = at;
      minLength = length;
      maxStart = at;
      maxLength = length;
      return;
    }
    if (Arrays.compareUnsigned(buf, at, at + length, buf, minStart, minStart + minLength) < 0) {
      minStart = at;
      minLength = length;
    }
    if (Arrays.compareUnsigned(buf, at, at + length, buf, maxStart, maxStart + maxLength) > 0) {
      maxStart = at;
      maxLength = length;
    }
  }

  private static int hash(byte[] data, int start, int length) {
    long h = length;
    int i = start;
    int end = start + length;
    for (; i + 8 <= end; i += 8) {
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(data, i);
    }
    for (; i < end; i++) {
      h = h * 31 + data[i];
    }
    return mix(h);
  }

  private int id(byte[] data, int start, int length) {
    int h = hash(data, start, length);
    int[] t = table;
    int mask = t.length - 1;
    int slot = h & mask;
    while (true) {
      int e = t[slot];
      if (e == 0) {
        break;
      }
      int id = e - 1;
      if (hashes[id] == h && lengths[id] == length && same(starts[id], data, start, length)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
    int id = size;
    if (id == starts.length) {
      starts = Arrays.copyOf(starts, id * 2);
      lengths = Arrays.copyOf(lengths, id * 2);
      hashes = Arrays.copyOf(hashes, id * 2);
      seenOnPage = Arrays.copyOf(seenOnPage, id * 2);
    }
    int need = arenaLength + 4 + length;
    if (need > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(need, arena.length * 2));
    }
    INTS.set(arena, arenaLength, length);
    System.arraycopy(data, start, arena, arenaLength + 4, length);
    starts[id] = arenaLength + 4;
    lengths[id] = length;
    hashes[id] = h;
    arenaLength = need;
    size = id + 1;
    t[slot] = id + 1;
    if (size * 2 > t.length) {
      rehash();
    }
    return id;
  }

  /** Whether the entry at {@code at} of the arena is the value; short values compared inline. */
  private boolean same(int at, byte[] data, int start, int length) {
    if (length > 16) {
      return Arrays.equals(arena, at, at + length, data, start, start + length);
    }
    byte[] a = arena;
    for (int k = 0; k < length; k++) {
      if (a[at + k] != data[start + k]) {
        return false;
      }
    }
    return true;
  }

  private void rehash() {
    table = grown(table, size, id -> hashes[id]);
  }

  @Override
  int dictionarySize() {
    return size;
  }

  @Override
  long dictionaryBytes() {
    return arenaLength;
  }

  @Override
  long plainBytes() {
    return plainLength;
  }

  @Override
  BytesInput plainValues() {
    if (!plainCopied && count > 0) {
      // The page was dictionary encoded until it fell back: its plain encoding from the ids.
      if (plain.length < plainLength) {
        plain = new byte[Math.max(plainLength, plain.length * 2)];
      }
      int p = 0;
      for (int i = 0; i < count; i++) {
        int id = ids[i];
        int length = lengths[id];
        INTS.set(plain, p, length);
        System.arraycopy(arena, starts[id], plain, p + 4, length);
        p += 4 + length;
      }
      plainCopied = true;
    }
    // Not copied: the page writer has compressed (and checksummed) it when writePage returns.
    return BytesInput.from(plain, 0, plainLength);
  }

  @Override
  BytesInput dictionaryValues(int entries) {
    int end = entries == 0 ? 0 : starts[entries - 1] + lengths[entries - 1];
    return BytesInput.from(Arrays.copyOf(arena, end));
  }

  @Override
  Statistics<?> statistics() {
    Statistics<?> s = Statistics.createStats(type);
    if (count > 0) {
      byte[] from = statsInArena ? arena : plain;
      s.updateStats(
          Binary.fromConstantByteArray(Arrays.copyOfRange(from, minStart, minStart + minLength)));
      s.updateStats(
          Binary.fromConstantByteArray(Arrays.copyOfRange(from, maxStart, maxStart + maxLength)));
    }
    s.incrementNumNulls(pageNulls);
    return s;
  }

  @Override
  void resetPage() {
    plainLength = 0;
    plainCopied = false;
    count = 0;
    minStart = -1;
    maxStart = -1;
    page++;
  }
}
