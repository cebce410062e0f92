package dev.sediment.io.parquet;

import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.ErrorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decodes one column of a row group value by value through parquet-java's {@link ColumnReader}
 * (which handles every encoding and the workarounds for old writers): the shapes {@link
 * PageColumn} does not take, that is BOOLEAN, DECIMAL, INT96, TIME(MILLIS), FIXED_LEN_BYTE_ARRAY,
 * lists, and pages in the v2 encodings (delta, byte stream split).
 */
final class ReaderColumn {
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final int MAX_BUFFER = Integer.MAX_VALUE - 16;

  private final String name;
  private final ParquetBatchSchema.Column col;
  private final ColumnReader r;
  private final int group;
  private long consumed;
  private long nextRow;

  ReaderColumn(
      String name,
      ParquetBatchSchema.Column col,
      PageReader pages,
      VersionParser.@Nullable ParsedVersion version,
      int group) {
    this.name = name;
    this.col = col;
    this.r = new ColumnReaderImpl(col.descriptor, pages, NoConverter.INSTANCE, version);
    this.group = group;
  }

  /** The values (entries and, for lists, elements) of the column chunk. */
  long totalValues() {
    return r.getTotalValueCount();
  }

  /** The next {@code n} entries; {@code firstRow} is the first one's index in the file. */
  ColumnVector read(int n, long firstRow) throws IOException {
    this.nextRow = firstRow;
    if (col.isList()) {
      return decodeList(n);
    }
    consumed += n;
    int maxDef = col.maxDef();
    ColumnType t = col.field.type();
    switch (col.physical) {
      case BOOLEAN:
        {
          boolean[] v = new boolean[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getBoolean();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new BooleanColumn(v, nulls, n);
        }
      case INT32:
        if (t == ColumnType.DECIMAL) {
          return decimalFromLongs(r, maxDef, n, true);
        } else if (col.widen) {
          long[] v = new long[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getInteger();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new LongColumn(v, nulls, n);
        } else {
          int[] v = new int[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getInteger();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getInteger();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new IntColumn(v, nulls, n);
        }
      case INT64:
        if (t == ColumnType.DECIMAL) {
          return decimalFromLongs(r, maxDef, n, false);
        } else {
          long[] v = new long[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getLong();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getLong();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new LongColumn(v, nulls, n);
        }
      case INT96:
        {
          long[] v = new long[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = int96Nanos(r.getBinary(), nextRow + i);
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new LongColumn(v, nulls, n);
        }
      case FLOAT:
        {
          float[] v = new float[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getFloat();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new FloatColumn(v, nulls, n);
        }
      case DOUBLE:
        {
          double[] v = new double[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getDouble();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getDouble();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new DoubleColumn(v, nulls, n);
        }
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        return decodeBinary(maxDef, n, t == ColumnType.DECIMAL);
      default:
        throw new IllegalStateException("unexpected physical type " + col.physical);
    }
  }

  private ColumnVector decodeBinary(int maxDef, int n, boolean decimal)
      throws IOException {
    int[] offsets = new int[n + 1];
    byte[] data = new byte[(int) Math.min(MAX_BUFFER, Math.max(64, (long) n * 16))];
    boolean[] nulls = null;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
        Binary b = r.getBinary();
        int len = b.length();
        if (len > data.length - pos) {
          long need = (long) pos + Math.max(len, 1);
          if (need > MAX_BUFFER) {
            throw new IOException(
                name
                    + ": column '"
                    + col.path()
                    + "' holds more than 2 GiB of bytes in "
                    + n
                    + " rows near row "
                    + nextRow);
          }
          data = Arrays.copyOf(data, (int) Math.min(MAX_BUFFER, Math.max(need, 2L * data.length)));
        }
        ByteBuffer bb = b.toByteBuffer();
        bb.get(data, pos, len);
        if (decimal) {
          len = canonicalDecimal(data, pos, len);
        }
        pos += len;
      } else {
        nulls = setNull(nulls, n, i);
      }
      offsets[i + 1] = pos;
      r.consume();
    }
    return new BinaryColumn(offsets, data, nulls, n);
  }

  /**
   * Rewrites the big-endian two's complement {@code data[pos, pos + len)} in its shortest form (as
   * {@code BigInteger.toByteArray}), so equal decimals have equal bytes whatever their Parquet
   * backing; an empty value is zero. Returns the new length.
   */
  static int canonicalDecimal(byte[] data, int pos, int len) {
    if (len == 0) {
      data[pos] = 0;
      return 1;
    }
    int k = 0;
    while (k < len - 1
        && ((data[pos + k] == 0 && data[pos + k + 1] >= 0)
            || (data[pos + k] == -1 && data[pos + k + 1] < 0))) {
      k++;
    }
    if (k > 0) {
      System.arraycopy(data, pos + k, data, pos, len - k);
    }
    return len - k;
  }

  /** A DECIMAL stored as INT32 or INT64, as the shortest big-endian two's complement. */
  private static BinaryColumn decimalFromLongs(ColumnReader r, int maxDef, int n, boolean int32) {
    int[] offsets = new int[n + 1];
    byte[] data = new byte[n * (int32 ? 4 : 8)];
    boolean[] nulls = null;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
        long v = int32 ? r.getInteger() : r.getLong();
        pos = putMinimal(v, data, pos);
      } else {
        nulls = setNull(nulls, n, i);
      }
      offsets[i + 1] = pos;
      r.consume();
    }
    return new BinaryColumn(offsets, data, nulls, n);
  }

  /** Writes {@code v} as its shortest big-endian two's complement; returns the position after. */
  static int putMinimal(long v, byte[] out, int pos) {
    int bits = 65 - Long.numberOfLeadingZeros(v ^ (v >> 63));
    int bytes = (bits + 7) / 8;
    for (int k = bytes - 1; k >= 0; k--) {
      out[pos++] = (byte) (v >>> (8 * k));
    }
    return pos;
  }

  private long int96Nanos(Binary b, long row)
      throws ParquetColumnException {
    if (b.length() != 12) {
      throw new ParquetColumnException(
          name, col.path(), row, ErrorType.TYPE_MISMATCH, "holds an INT96 value of " + b.length() + " bytes, not 12");
    }
    ByteBuffer bb = b.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = bb.getLong(bb.position());
    long julianDay = bb.getInt(bb.position() + 8);
    try {
      return Math.addExact(Math.multiplyExact(julianDay - JULIAN_EPOCH_DAY, NANOS_PER_DAY), nanosOfDay);
    } catch (ArithmeticException e) {
      throw new ParquetColumnException(
          name,
          col.path(),
          row,
          ErrorType.VALUE_OUT_OF_RANGE,
          "holds an INT96 timestamp (Julian day "
              + julianDay
              + ") outside the nanoseconds a long holds (years 1677 to 2262)");
    }
  }

  private ColumnVector decodeList(int n)
      throws IOException {
    int maxDef = col.maxDef();
    int emptyDef = col.emptyListDef;
    long total = r.getTotalValueCount();
    int[] offsets = new int[n + 1];
    boolean[] nulls = null;
    ColumnType e = col.field.elementType();
    int[] ints = e == ColumnType.INT32 ? new int[Math.max(16, n)] : null;
    long[] longs = e == ColumnType.INT64 ? new long[Math.max(16, n)] : null;
    float[] floats = e == ColumnType.FLOAT ? new float[Math.max(16, n)] : null;
    double[] doubles = e == ColumnType.DOUBLE ? new double[Math.max(16, n)] : null;
    int count = 0;
    long done = consumed;
    for (int i = 0; i < n; i++) {
      if (done >= total) {
        throw new IOException(
            name
                + ": list column '"
                + col.path()
                + "' of row group "
                + group
                + " ends before row "
                + (nextRow + i));
      }
      if (r.getCurrentRepetitionLevel() != 0) {
        throw new IOException(
            name + ": list column '" + col.path() + "' does not start row " + (nextRow + i)
                + " with repetition level 0");
      }
      int def = r.getCurrentDefinitionLevel();
      if (def <= emptyDef) {
        if (def < emptyDef) {
          nulls = setNull(nulls, n, i);
        }
        r.consume();
        done++;
      } else {
        do {
          if (r.getCurrentDefinitionLevel() < maxDef) {
            throw new ParquetColumnException(
                name,
                col.field.name(),
                nextRow + i,
                ErrorType.TYPE_MISMATCH,
                "holds a list whose element " + (count - offsets[i]) + " is null; list elements"
                    + " must not be null (leave the column out or fill the nulls)");
          }
          if (count == MAX_BUFFER) {
            throw new IOException(name + ": list column '" + col.path() + "' holds too many elements");
          }
          if (ints != null) {
            if (count == ints.length) {
              ints = Arrays.copyOf(ints, grow(count));
            }
            ints[count++] = r.getInteger();
          } else if (longs != null) {
            if (count == longs.length) {
              longs = Arrays.copyOf(longs, grow(count));
            }
            longs[count++] = r.getLong();
          } else if (floats != null) {
            if (count == floats.length) {
              floats = Arrays.copyOf(floats, grow(count));
            }
            floats[count++] = r.getFloat();
          } else {
            if (count == doubles.length) {
              doubles = Arrays.copyOf(doubles, grow(count));
            }
            doubles[count++] = r.getDouble();
          }
          r.consume();
          done++;
        } while (done < total && r.getCurrentRepetitionLevel() != 0);
      }
      offsets[i + 1] = count;
    }
    consumed = done;
    ColumnVector elements =
        ints != null
            ? new IntColumn(ints, null, count)
            : longs != null
                ? new LongColumn(longs, null, count)
                : floats != null
                    ? new FloatColumn(floats, null, count)
                    : new DoubleColumn(doubles, null, count);
    return new ListColumn(offsets, elements, nulls, n);
  }

  private static int grow(int n) {
    return (int) Math.min(MAX_BUFFER, Math.max(16L, n + (long) (n >> 1)));
  }

  private static boolean[] setNull(boolean @Nullable [] nulls, int n, int i) {
    boolean[] m = nulls == null ? new boolean[n] : nulls;
    m[i] = true;
    return m;
  }

  /** The column reader is asked for values directly; nothing is pushed to a converter. */
  private static final class NoConverter extends PrimitiveConverter {
    static final NoConverter INSTANCE = new NoConverter();
  }
}
