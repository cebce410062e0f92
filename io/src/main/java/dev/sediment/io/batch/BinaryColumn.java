package dev.sediment.io.batch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A vector of byte strings (STRING as UTF-8, BYTES, DECIMAL as the unscaled big-endian two's
 * complement): entry {@code i} is {@code data[offsets[i] .. offsets[i + 1])}, all in one buffer.
 */
public final class BinaryColumn extends ColumnVector {
  private final int[] offsets;
  private final byte[] data;

  /** Wraps {@code size + 1} offsets into {@code data}; a null entry has an empty range. */
  public BinaryColumn(int[] offsets, byte[] data, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (offsets.length < size + 1) {
      throw new IllegalArgumentException(offsets.length + " offsets for " + size + " rows");
    }
    if (offsets[0] < 0 || offsets[size] > data.length) {
      throw new IllegalArgumentException(
          "offsets [" + offsets[0] + ", " + offsets[size] + "] outside " + data.length + " bytes");
    }
    this.offsets = offsets;
    this.data = data;
  }

  /** A vector of the UTF-8 bytes of {@code values}; a null element is a null entry. */
  public static BinaryColumn ofStrings(@Nullable String... values) {
    Builder b = new Builder(values.length, 16 * values.length);
    for (String v : values) {
      if (v == null) {
        b.appendNull();
      } else {
        b.append(v.getBytes(StandardCharsets.UTF_8));
      }
    }
    return b.build();
  }

  /** Where entry {@code i} starts in {@link #data()}. */
  public int start(int i) {
    return offsets[i];
  }

  /** The byte length of entry {@code i}. */
  public int length(int i) {
    return offsets[i + 1] - offsets[i];
  }

  /** The shared buffer. Do not modify. */
  public byte[] data() {
    return data;
  }

  /** The offsets, {@code size + 1} of them that count. Do not modify. */
  public int[] offsets() {
    return offsets;
  }

  /** A copy of entry {@code i}'s bytes. */
  public byte[] getBytes(int i) {
    return Arrays.copyOfRange(data, offsets[i], offsets[i + 1]);
  }

  /** Entry {@code i} decoded as UTF-8. */
  public String getString(int i) {
    return new String(data, offsets[i], length(i), StandardCharsets.UTF_8);
  }

  /** True if entry {@code i} holds exactly {@code bytes}. */
  public boolean equalsBytes(int i, byte[] bytes) {
    return Arrays.equals(data, offsets[i], offsets[i + 1], bytes, 0, bytes.length);
  }

  /** Compares entries as unsigned bytes, as Parquet orders BINARY. */
  public int compare(int i, BinaryColumn other, int j) {
    return Arrays.compareUnsigned(
        data, offsets[i], offsets[i + 1], other.data, other.offsets[j], other.offsets[j + 1]);
  }

  @Override
  public BinaryColumn gather(int[] rows, int n) {
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += length(rows[i]);
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("gathered strings of " + total + " bytes do not fit a vector");
    }
    byte[] out = new byte[(int) total];
    int[] offs = new int[n + 1];
    int pos = 0;
    int i = 0;
    while (i < n) {
      // Rows r, r + 1, ... (as a filter keeps them) are one byte range: one copy for the run.
      int r = rows[i];
      int j = i + 1;
      while (j < n && rows[j] == rows[j - 1] + 1) {
        j++;
      }
      int from = offsets[r];
      int shift = pos - from;
      for (int k = i; k < j; k++) {
        offs[k + 1] = offsets[rows[k] + 1] + shift;
      }
      int len = offsets[rows[j - 1] + 1] - from;
      System.arraycopy(data, from, out, pos, len);
      pos += len;
      i = j;
    }
    return new BinaryColumn(offs, out, gatherNulls(rows, n), n);
  }

  @Override
  public BinaryColumn slice(int from, int to) {
    checkRange(from, to);
    int base = offsets[from];
    int[] offs = new int[to - from + 1];
    for (int i = 0; i < offs.length; i++) {
      offs[i] = offsets[from + i] - base;
    }
    boolean[] mask = nullMask();
    return new BinaryColumn(
        offs,
        Arrays.copyOfRange(data, base, offsets[to]),
        mask == null ? null : Arrays.copyOfRange(mask, from, to),
        to - from);
  }

  @Override
  public long byteSize() {
    return (long) offsets[size] - offsets[0] + 4L * (size + 1) + (hasNulls() ? size : 0);
  }

  @Override
  boolean sameValue(int i, ColumnVector other, int j) {
    BinaryColumn o = (BinaryColumn) other;
    return Arrays.equals(data, offsets[i], offsets[i + 1], o.data, o.offsets[j], o.offsets[j + 1]);
  }

  /** Builds a {@link BinaryColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private int[] offsets;
    private byte[] data;

    public Builder(int expectedRows, int expectedBytes) {
      offsets = new int[Math.max(expectedRows, 16) + 1];
      data = new byte[Math.max(expectedBytes, 64)];
    }

    /** Appends {@code bytes[from .. from + length)}. */
    public void append(byte[] bytes, int from, int length) {
      if (size + 1 >= offsets.length) {
        ensure(size + 1);
      }
      int end = offsets[size];
      ensureBytes((long) end + length);
      System.arraycopy(bytes, from, data, end, length);
      markNotNull();
      offsets[++size] = end + length;
    }

    public void append(byte[] bytes) {
      append(bytes, 0, bytes.length);
    }

    /** Appends the UTF-8 bytes of {@code s}. */
    public void appendString(String s) {
      append(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void appendFrom(ColumnVector source, int row) {
      if (source.isNull(row)) {
        appendNull();
      } else {
        BinaryColumn s = (BinaryColumn) source;
        append(s.data, s.offsets[row], s.offsets[row + 1] - s.offsets[row]);
      }
    }

    /** Bytes appended so far. */
    public int dataSize() {
      return offsets[size];
    }

    @Override
    public long byteSize() {
      return offsets[size] + 4L * size;
    }

    @Override
    public BinaryColumn build() {
      return new BinaryColumn(offsets, data, takeNulls(), size);
    }

    @Override
    int capacity() {
      return offsets.length - 1;
    }

    @Override
    void ensure(int n) {
      if (n + 1 > offsets.length) {
        offsets = Arrays.copyOf(offsets, grow(offsets.length, n + 1));
      }
    }

    private void ensureBytes(long n) {
      if (n > data.length) {
        if (n > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException(
              "a string column of one batch cannot hold " + n + " bytes; make smaller batches");
        }
        data = Arrays.copyOf(data, grow(data.length, (int) n));
      }
    }

    @Override
    void appendDefault() {
      offsets[size + 1] = offsets[size];
      size++;
    }
  }
}
