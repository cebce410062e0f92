package dev.sediment.io.batch;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Encodes a {@link ColumnBatch} of a known schema as a few bulk arrays: a length prefix, the
 * provenance, then per column a packed null mask (if any value is null) and the values as
 * little-endian arrays (strings and lists as offsets plus one buffer). No per-row work beyond
 * copying, so a batch of 64k rows encodes at memory speed. The encoding depends only on the
 * batch's contents, so the coder is deterministic.
 */
public final class ColumnBatchCoder extends CustomCoder<ColumnBatch> {
  private static final long serialVersionUID = 1L;
  private static final int FORMAT = 1;
  private static final int HAS_SOURCE_IDS = 1;
  private static final int HAS_OFFSETS = 2;
  private static final int HAS_LINES = 4;

  private final BatchSchema schema;

  private ColumnBatchCoder(BatchSchema schema) {
    this.schema = schema;
  }

  public static ColumnBatchCoder of(BatchSchema schema) {
    return new ColumnBatchCoder(schema);
  }

  public BatchSchema schema() {
    return schema;
  }

  @Override
  public void encode(ColumnBatch batch, OutputStream out) throws IOException {
    if (!batch.schema().equals(schema)) {
      throw new CoderException(
          "batch of schema " + batch.schema() + " given to a coder of " + schema);
    }
    Buf b = new Buf(64 + batch.byteSize() + 24L * batch.rowCount());
    b.putInt(FORMAT);
    int n = batch.rowCount();
    b.putInt(n);
    b.putInt(batch.sources().size());
    for (String s : batch.sources()) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      b.putInt(bytes.length);
      b.put(bytes, 0, bytes.length);
    }
    int[] ids = batch.sourceIds();
    long[] offsets = batch.byteOffsetArray();
    long[] lines = batch.lineArray();
    b.putInt((ids == null ? 0 : HAS_SOURCE_IDS)
        | (offsets == null ? 0 : HAS_OFFSETS)
        | (lines == null ? 0 : HAS_LINES));
    if (ids != null) {
      b.putInts(ids, 0, n);
    }
    b.putLongs(batch.rowIndexes(), 0, n);
    if (offsets != null) {
      b.putLongs(offsets, 0, n);
    }
    if (lines != null) {
      b.putLongs(lines, 0, n);
    }
    for (int c = 0; c < schema.size(); c++) {
      encodeVector(batch.column(c), b);
    }
    byte[] head = new byte[4];
    ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt(b.pos);
    out.write(head);
    out.write(b.bytes, 0, b.pos);
  }

  private static void encodeVector(ColumnVector v, Buf b) {
    int n = v.size();
    boolean[] nulls = v.nullMask();
    b.putInt(nulls == null ? 0 : 1);
    if (nulls != null) {
      b.putBits(nulls, n);
    }
    if (v instanceof LongColumn) {
      b.putLongs(((LongColumn) v).values(), 0, n);
    } else if (v instanceof IntColumn) {
      b.putInts(((IntColumn) v).values(), 0, n);
    } else if (v instanceof DoubleColumn) {
      b.putDoubles(((DoubleColumn) v).values(), 0, n);
    } else if (v instanceof FloatColumn) {
      b.putFloats(((FloatColumn) v).values(), 0, n);
    } else if (v instanceof BooleanColumn) {
      b.putBits(((BooleanColumn) v).values(), n);
    } else if (v instanceof BinaryColumn) {
      BinaryColumn s = (BinaryColumn) v;
      int base = s.start(0);
      int end = s.offsets()[n];
      int[] rel = new int[n + 1];
      for (int i = 0; i <= n; i++) {
        rel[i] = s.offsets()[i] - base;
      }
      b.putInts(rel, 0, n + 1);
      b.put(s.data(), base, end - base);
    } else {
      ListColumn l = (ListColumn) v;
      int base = l.start(0);
      int end = l.offsets()[n];
      int[] rel = new int[n + 1];
      for (int i = 0; i <= n; i++) {
        rel[i] = l.offsets()[i] - base;
      }
      b.putInts(rel, 0, n + 1);
      encodeVector(l.elements().slice(base, end), b);
    }
  }

  @Override
  public ColumnBatch decode(InputStream in) throws IOException {
    DataInputStream din = new DataInputStream(in);
    byte[] head = new byte[4];
    din.readFully(head);
    int len = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (len < 0) {
      throw new CoderException("negative batch length " + len);
    }
    byte[] bytes = new byte[len];
    din.readFully(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int format = b.getInt();
      if (format != FORMAT) {
        throw new CoderException("unknown batch format " + format);
      }
      int n = count(b.getInt(), b);
      int nSources = count(b.getInt(), b);
      List<String> sources = new ArrayList<>(nSources);
      for (int i = 0; i < nSources; i++) {
        int l = count(b.getInt(), b);
        sources.add(new String(bytes, b.position(), l, StandardCharsets.UTF_8));
        b.position(b.position() + l);
      }
      int flags = b.getInt();
      int[] ids = (flags & HAS_SOURCE_IDS) != 0 ? getInts(b, n) : null;
      long[] rowIndex = getLongs(b, n);
      long[] offsets = (flags & HAS_OFFSETS) != 0 ? getLongs(b, n) : null;
      long[] lines = (flags & HAS_LINES) != 0 ? getLongs(b, n) : null;
      ColumnVector[] columns = new ColumnVector[schema.size()];
      for (int c = 0; c < columns.length; c++) {
        columns[c] = decodeVector(schema.field(c), b, n);
      }
      return new ColumnBatch(schema, n, columns, sources, ids, rowIndex, offsets, lines);
    } catch (RuntimeException e) {
      throw new CoderException("corrupt column batch: " + e.getMessage(), e);
    }
  }

  private static ColumnVector decodeVector(BatchField f, ByteBuffer b, int n) throws CoderException {
    boolean[] nulls = b.getInt() != 0 ? getBits(b, n) : null;
    ColumnType t = f.type();
    if (t.isLongStored()) {
      return new LongColumn(getLongs(b, n), nulls, n);
    } else if (t.isIntStored()) {
      return new IntColumn(getInts(b, n), nulls, n);
    } else if (t == ColumnType.DOUBLE) {
      double[] v = new double[n];
      b.asDoubleBuffer().get(v);
      b.position(b.position() + 8 * n);
      return new DoubleColumn(v, nulls, n);
    } else if (t == ColumnType.FLOAT) {
      float[] v = new float[n];
      b.asFloatBuffer().get(v);
      b.position(b.position() + 4 * n);
      return new FloatColumn(v, nulls, n);
    } else if (t == ColumnType.BOOLEAN) {
      return new BooleanColumn(getBits(b, n), nulls, n);
    } else if (t.isBinaryStored()) {
      int[] offs = getInts(b, n + 1);
      int l = count(offs[n], b);
      byte[] data = new byte[l];
      b.get(data);
      return new BinaryColumn(offs, data, nulls, n);
    }
    int[] offs = getInts(b, n + 1);
    ColumnVector elements =
        decodeVector(BatchField.of("element", f.elementType(), false), b, offs[n]);
    return new ListColumn(offs, elements, nulls, n);
  }

  private static int count(int n, ByteBuffer b) throws CoderException {
    if (n < 0 || n > b.capacity()) {
      throw new CoderException("corrupt column batch: count " + n + " in " + b.capacity() + " bytes");
    }
    return n;
  }

  private static int[] getInts(ByteBuffer b, int n) {
    int[] v = new int[n];
    b.asIntBuffer().get(v);
    b.position(b.position() + 4 * n);
    return v;
  }

  private static long[] getLongs(ByteBuffer b, int n) {
    long[] v = new long[n];
    b.asLongBuffer().get(v);
    b.position(b.position() + 8 * n);
    return v;
  }

  private static boolean[] getBits(ByteBuffer b, int n) {
    boolean[] v = new boolean[n];
    int bytes = (n + 7) >>> 3;
    int p = b.position();
    byte[] a = b.array();
    for (int i = 0; i < n; i++) {
      v[i] = (a[p + (i >>> 3)] & (1 << (i & 7))) != 0;
    }
    b.position(p + bytes);
    return v;
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ColumnBatchCoder && ((ColumnBatchCoder) o).schema.equals(schema);
  }

  @Override
  public int hashCode() {
    return schema.hashCode();
  }

  @Override
  public String toString() {
    return "ColumnBatchCoder" + schema;
  }

  /** A growable little-endian buffer. */
  private static final class Buf {
    byte[] bytes;
    ByteBuffer view;
    int pos;

    Buf(long expected) {
      bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(64, expected))];
      view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    void ensure(long more) {
      long need = pos + more;
      if (need > bytes.length) {
        if (need > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("a column batch over 2 GiB cannot be encoded");
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * bytes.length)));
        view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      }
    }

    void putInt(int v) {
      ensure(4);
      view.putInt(pos, v);
      pos += 4;
    }

    void put(byte[] src, int from, int len) {
      ensure(len);
      System.arraycopy(src, from, bytes, pos, len);
      pos += len;
    }

    void putInts(int[] v, int from, int n) {
      ensure(4L * n);
      view.position(pos);
      view.asIntBuffer().put(v, from, n);
      pos += 4 * n;
    }

    void putLongs(long[] v, int from, int n) {
      ensure(8L * n);
      view.position(pos);
      view.asLongBuffer().put(v, from, n);
      pos += 8 * n;
    }

    void putDoubles(double[] v, int from, int n) {
      ensure(8L * n);
      view.position(pos);
      view.asDoubleBuffer().put(v, from, n);
      pos += 8 * n;
    }

    void putFloats(float[] v, int from, int n) {
      ensure(4L * n);
      view.position(pos);
      view.asFloatBuffer().put(v, from, n);
      pos += 4 * n;
    }

    /** Entry i is bit {@code i & 7} of byte {@code i >>> 3}; each byte is made in a register. */
    void putBits(boolean[] v, int n) {
      int len = (n + 7) >>> 3;
      ensure(len);
      byte[] a = bytes;
      int full = n >>> 3;
      for (int k = 0; k < full; k++) {
        int i = k << 3;
        a[pos + k] =
            (byte)
                ((v[i] ? 1 : 0)
                    | (v[i + 1] ? 2 : 0)
                    | (v[i + 2] ? 4 : 0)
                    | (v[i + 3] ? 8 : 0)
                    | (v[i + 4] ? 16 : 0)
                    | (v[i + 5] ? 32 : 0)
                    | (v[i + 6] ? 64 : 0)
                    | (v[i + 7] ? 128 : 0));
      }
      if (full < len) {
        int last = 0;
        for (int i = full << 3; i < n; i++) {
          if (v[i]) {
            last |= 1 << (i & 7);
          }
        }
        a[pos + full] = (byte) last;
      }
      pos += len;
    }
  }
}
