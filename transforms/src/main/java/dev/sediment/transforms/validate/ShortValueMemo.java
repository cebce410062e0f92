package dev.sediment.transforms.validate;

import java.util.Arrays;

/**
 * Remembered pass/fail verdicts of string values of at most {@link #MAX_BYTES} bytes, each keyed by
 * its bytes and length packed into one {@code long}: no key object, no hashing of byte arrays, no
 * boxed verdict. Columns that repeat short values (symbols, codes) hit it on almost every row.
 * Bounded: it forgets everything once {@link #LIMIT} values are in it, as the verdicts can always
 * be computed again.
 */
final class ShortValueMemo {
  /** The longest value kept: 7 bytes, and the length in the key's top byte. */
  static final int MAX_BYTES = 7;

  /** Unknown, as {@link #get} says. */
  static final int UNKNOWN = 0;

  static final int PASSES = 1;
  static final int FAILS = 2;

  private static final int LIMIT = 4096;
  private static final int SLOTS = 8192;

  private final long[] keys = new long[SLOTS];
  private final byte[] verdicts = new byte[SLOTS];
  private int size;

  /** The key of {@code length <= MAX_BYTES} bytes of {@code data} from {@code from}. */
  static long key(byte[] data, int from, int length) {
    long k = (long) length << 56;
    for (int i = 0; i < length; i++) {
      k |= (data[from + i] & 0xFFL) << (8 * i);
    }
    return k;
  }

  /** {@link #PASSES}, {@link #FAILS} or {@link #UNKNOWN}. */
  int get(long key) {
    int mask = SLOTS - 1;
    int h = slot(key);
    while (verdicts[h] != UNKNOWN) {
      if (keys[h] == key) {
        return verdicts[h];
      }
      h = (h + 1) & mask;
    }
    return UNKNOWN;
  }

  /** Remembers the verdict of a value {@link #get} did not know. */
  void put(long key, boolean fails) {
    if (size >= LIMIT) {
      Arrays.fill(verdicts, (byte) UNKNOWN);
      size = 0;
    }
    int mask = SLOTS - 1;
    int h = slot(key);
    while (verdicts[h] != UNKNOWN) {
      if (keys[h] == key) {
        verdicts[h] = (byte) (fails ? FAILS : PASSES);
        return;
      }
      h = (h + 1) & mask;
    }
    keys[h] = key;
    verdicts[h] = (byte) (fails ? FAILS : PASSES);
    size++;
  }

  private static int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 51); // the top 13 bits: SLOTS = 2^13
  }
}
