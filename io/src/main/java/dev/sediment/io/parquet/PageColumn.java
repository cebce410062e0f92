package dev.sediment.io.parquet;

import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decodes a whole page at a time into arrays, for the common shapes: a top-level INT32, INT64,
 * FLOAT, DOUBLE, STRING or BYTES column whose pages are PLAIN or dictionary encoded. PLAIN
 * fixed-width values are copied in bulk from the page's bytes; dictionary pages are decoded once
 * into arrays (strings into one buffer) and indexed; no object per value. {@link
 * ParquetBatchReader} uses parquet-java's {@code ColumnReader} for every other shape.
 */
final class PageColumn {
  private static final Set<Encoding> SUPPORTED =
      EnumSet.of(
          Encoding.PLAIN,
          Encoding.PLAIN_DICTIONARY,
          Encoding.RLE_DICTIONARY,
          Encoding.RLE,
          Encoding.BIT_PACKED);

  private final String file;
  private final ColumnDescriptor descriptor;
  private final PageReader pages;
  private final PrimitiveTypeName type;
  private final int maxDef;

  // The dictionary, decoded.
  private int @Nullable [] dictInts;
  private long @Nullable [] dictLongs;
  private float @Nullable [] dictFloats;
  private double @Nullable [] dictDoubles;
  private int @Nullable [] dictOffsets;
  private byte @Nullable [] dictData;
  private @Nullable Dictionary dictionary;
  private int dictionarySize;

  // The current page: levels for all its entries, values for its non-null ones.
  private int pageSize;
  private int pagePos;
  private int valuePos;
  private int @Nullable [] defs;
  private int[] ints = new int[0];
  private long[] longs = new long[0];
  private float[] floats = new float[0];
  private double[] doubles = new double[0];
  private int[] offsets = new int[1];
  private byte[] data = new byte[0];
  private int[] ids = new int[0];
  private byte[] scratch = new byte[0];

  /** True if {@code column}'s chunk can be decoded here. */
  static boolean handles(ParquetBatchSchema.Column column, ColumnChunkMetaData chunk) {
    ColumnType t = column.field.type();
    boolean shape =
        !column.isList()
            && !column.widen
            && column.descriptor.getMaxRepetitionLevel() == 0
            && (t == ColumnType.INT8
                || t == ColumnType.INT16
                || t == ColumnType.INT32
                || t == ColumnType.DATE
                || t == ColumnType.INT64
                || t == ColumnType.TIMESTAMP
                || t == ColumnType.TIME
                || t == ColumnType.FLOAT
                || t == ColumnType.DOUBLE
                || ((t == ColumnType.STRING || t == ColumnType.BYTES)
                    && column.physical == PrimitiveTypeName.BINARY));
    return shape && SUPPORTED.containsAll(chunk.getEncodings());
  }

  PageColumn(String file, ParquetBatchSchema.Column column, PageReader pages) throws IOException {
    this.file = file;
    this.descriptor = column.descriptor;
    this.pages = pages;
    this.type = column.physical;
    this.maxDef = column.maxDef();
    DictionaryPage dp = pages.readDictionaryPage();
    if (dp != null) {
      Dictionary d = dp.getEncoding().initDictionary(descriptor, dp);
      int n = d.getMaxId() + 1;
      switch (type) {
        case INT32:
          dictInts = new int[n];
          for (int i = 0; i < n; i++) {
            dictInts[i] = d.decodeToInt(i);
          }
          break;
        case INT64:
          dictLongs = new long[n];
          for (int i = 0; i < n; i++) {
            dictLongs[i] = d.decodeToLong(i);
          }
          break;
        case FLOAT:
          dictFloats = new float[n];
          for (int i = 0; i < n; i++) {
            dictFloats[i] = d.decodeToFloat(i);
          }
          break;
        case DOUBLE:
          dictDoubles = new double[n];
          for (int i = 0; i < n; i++) {
            dictDoubles[i] = d.decodeToDouble(i);
          }
          break;
        default:
          {
            int[] offs = new int[n + 1];
            long total = 0;
            for (int i = 0; i < n; i++) {
              total += d.decodeToBinary(i).length();
            }
            if (total > Integer.MAX_VALUE - 16) {
              throw new IOException(file + ": the dictionary of column '" + path() + "' is too large");
            }
            byte[] bytes = new byte[(int) total];
            int pos = 0;
            for (int i = 0; i < n; i++) {
              Binary b = d.decodeToBinary(i);
              b.toByteBuffer().get(bytes, pos, b.length());
              pos += b.length();
              offs[i + 1] = pos;
            }
            dictOffsets = offs;
            dictData = bytes;
          }
      }
      dictionary = d;
      dictionarySize = n;
    }
  }

  private String path() {
    return String.join(".", descriptor.getPath());
  }

  /** The next {@code n} entries. */
  ColumnVector read(int n, long firstRow) throws IOException {
    boolean[] nulls = null;
    int[] outInts = null;
    long[] outLongs = null;
    float[] outFloats = null;
    double[] outDoubles = null;
    int[] outOffsets = null;
    byte[] outData = null;
    switch (type) {
      case INT32:
        outInts = new int[n];
        break;
      case INT64:
        outLongs = new long[n];
        break;
      case FLOAT:
        outFloats = new float[n];
        break;
      case DOUBLE:
        outDoubles = new double[n];
        break;
      default:
        outOffsets = new int[n + 1];
        outData = new byte[Math.max(64, n * 8)];
    }
    int outBytes = 0;
    int i = 0;
    while (i < n) {
      if (pagePos == pageSize) {
        loadPage(firstRow + i);
      }
      int k = Math.min(n - i, pageSize - pagePos);
      int[] d = defs;
      if (d == null && outOffsets == null) {
        // No nulls possible: one bulk copy.
        if (outInts != null) {
          System.arraycopy(ints, valuePos, outInts, i, k);
        } else if (outLongs != null) {
          System.arraycopy(longs, valuePos, outLongs, i, k);
        } else if (outFloats != null) {
          System.arraycopy(floats, valuePos, outFloats, i, k);
        } else {
          System.arraycopy(doubles, valuePos, outDoubles, i, k);
        }
        valuePos += k;
      } else if (outOffsets != null) {
        // Present values are contiguous in the page's buffer: one copy for the chunk's bytes.
        int first = valuePos;
        int base = offsets[first];
        int v = first;
        for (int j = 0; j < k; j++) {
          if (d == null || d[pagePos + j] == maxDef) {
            v++;
          } else {
            if (nulls == null) {
              nulls = new boolean[n];
            }
            nulls[i + j] = true;
          }
          outOffsets[i + j + 1] = outBytes + (offsets[v] - base);
        }
        int len = offsets[v] - base;
        if (len > outData.length - outBytes) {
          long need = (long) outBytes + len;
          if (need > Integer.MAX_VALUE - 16) {
            throw new IOException(
                file + ": column '" + path() + "' holds more than 2 GiB of bytes in " + n
                    + " rows near row " + firstRow);
          }
          outData =
              Arrays.copyOf(
                  outData,
                  (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * outData.length)));
        }
        System.arraycopy(data, base, outData, outBytes, len);
        outBytes += len;
        valuePos = v;
      } else {
        if (nulls == null) {
          for (int j = 0; j < k; j++) {
            if (d[pagePos + j] != maxDef) {
              nulls = new boolean[n];
              break;
            }
          }
        }
        int v = valuePos;
        int at = pagePos;
        if (outInts != null) {
          for (int j = 0; j < k; j++) {
            if (d[at + j] == maxDef) {
              outInts[i + j] = ints[v++];
            } else {
              nulls[i + j] = true;
            }
          }
        } else if (outLongs != null) {
          for (int j = 0; j < k; j++) {
            if (d[at + j] == maxDef) {
              outLongs[i + j] = longs[v++];
            } else {
              nulls[i + j] = true;
            }
          }
        } else if (outFloats != null) {
          for (int j = 0; j < k; j++) {
            if (d[at + j] == maxDef) {
              outFloats[i + j] = floats[v++];
            } else {
              nulls[i + j] = true;
            }
          }
        } else {
          for (int j = 0; j < k; j++) {
            if (d[at + j] == maxDef) {
              outDoubles[i + j] = doubles[v++];
            } else {
              nulls[i + j] = true;
            }
          }
        }
        valuePos = v;
      }
      pagePos += k;
      i += k;
    }
    if (outInts != null) {
      return new IntColumn(outInts, nulls, n);
    } else if (outLongs != null) {
      return new LongColumn(outLongs, nulls, n);
    } else if (outFloats != null) {
      return new FloatColumn(outFloats, nulls, n);
    } else if (outDoubles != null) {
      return new DoubleColumn(outDoubles, nulls, n);
    }
    return new BinaryColumn(outOffsets, outData, nulls, n);
  }

  private void loadPage(long row) throws IOException {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new IOException(file + ": column '" + path() + "' ends before row " + row);
    }
    int count = page.getValueCount();
    ByteBufferInputStream values;
    Encoding encoding;
    int[] levels = null;
    if (page instanceof DataPageV1) {
      DataPageV1 p = (DataPageV1) page;
      ByteBufferInputStream in = p.getBytes().toInputStream();
      // maxRep is 0: no repetition levels.
      if (maxDef > 0) {
        levels = new int[count];
        if (p.getDlEncoding() == Encoding.RLE) {
          // A 4-byte little-endian length, then the hybrid runs.
          int length = BytesUtils.readIntLittleEndian(in);
          rle(in.slice(length), BytesUtils.getWidthFromMaxInt(maxDef), levels, count, row);
        } else {
          ValuesReader dl =
              p.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
          dl.initFromPage(count, in);
          for (int j = 0; j < count; j++) {
            levels[j] = dl.readInteger();
          }
        }
      }
      values = in.remainingStream();
      encoding = p.getValueEncoding();
    } else {
      DataPageV2 p = (DataPageV2) page;
      if (maxDef > 0) {
        levels = new int[count];
        rle(
            p.getDefinitionLevels().toByteBuffer(),
            BytesUtils.getWidthFromMaxInt(maxDef),
            levels,
            count,
            row);
      }
      values = p.getData().toInputStream();
      encoding = p.getDataEncoding();
    }
    int present = count;
    if (levels != null) {
      present = 0;
      for (int j = 0; j < count; j++) {
        if (levels[j] == maxDef) {
          present++;
        } else if (levels[j] > maxDef || levels[j] < 0) {
          throw new IOException(
              file + ": column '" + path() + "' has definition level " + levels[j] + " near row "
                  + row);
        }
      }
    }
    if (encoding.usesDictionary()) {
      if (dictionary == null) {
        throw new IOException(
            file + ": column '" + path() + "' has a dictionary-encoded page but no dictionary");
      }
      fromDictionary(dictionaryIds(values, present, row), present);
    } else if (encoding == Encoding.PLAIN) {
      plain(values, present, row);
    } else {
      throw new IOException(
          file + ": column '" + path() + "' has a page of unexpected encoding " + encoding);
    }
    // A page with no null (nullable columns as pyarrow and DuckDB write them) needs no levels.
    defs = present == count ? null : levels;
    pageSize = count;
    pagePos = 0;
    valuePos = 0;
  }

  /**
   * The dictionary ids of a page's {@code present} values: a byte holding their bit width, then
   * RLE / bit-packed runs (as parquet-java's {@code DictionaryValuesReader} reads them).
   */
  private int[] dictionaryIds(ByteBufferInputStream values, int present, long row)
      throws IOException {
    ids = ensure(ids, present);
    if (present == 0) {
      return ids;
    }
    if (values.available() == 0) {
      throw new IOException(
          file + ": a dictionary-encoded page of column '" + path() + "' holds no ids for "
              + present + " values near row " + row);
    }
    int width = values.read() & 0xFF;
    rle(values.slice(values.available()), width, ids, present, row);
    int size = dictionarySize;
    for (int j = 0; j < present; j++) {
      int id = ids[j];
      if (id < 0 || id >= size) {
        throw new IOException(
            file + ": a page of column '" + path() + "' refers to dictionary entry " + id + " of "
                + size + " near row " + row);
      }
    }
    return ids;
  }

  /** Decodes {@code count} RLE / bit-packed values of {@code width} bits from {@code b}. */
  private void rle(ByteBuffer b, int width, int[] out, int count, long row) throws IOException {
    byte[] buf;
    int pos;
    if (b.hasArray()) {
      buf = b.array();
      pos = b.arrayOffset() + b.position();
    } else {
      scratch = b.remaining() > scratch.length ? new byte[b.remaining()] : scratch;
      buf = scratch;
      pos = 0;
      b.duplicate().get(buf, 0, b.remaining());
    }
    try {
      RleInts.decode(buf, pos, pos + b.remaining(), width, out, count);
    } catch (IOException e) {
      throw new IOException(
          file + ": a page of column '" + path() + "' near row " + row + ": " + e.getMessage(), e);
    }
  }

  private void fromDictionary(int[] ids, int present) {
    switch (type) {
      case INT32:
        ints = ensure(ints, present);
        for (int j = 0; j < present; j++) {
          ints[j] = dictInts[ids[j]];
        }
        return;
      case INT64:
        longs = ensure(longs, present);
        for (int j = 0; j < present; j++) {
          longs[j] = dictLongs[ids[j]];
        }
        return;
      case FLOAT:
        floats = ensure(floats, present);
        for (int j = 0; j < present; j++) {
          floats[j] = dictFloats[ids[j]];
        }
        return;
      case DOUBLE:
        doubles = ensure(doubles, present);
        for (int j = 0; j < present; j++) {
          doubles[j] = dictDoubles[ids[j]];
        }
        return;
      default:
        {
          if (offsets.length < present + 1) {
            offsets = new int[present + 1];
          }
          long total = 0;
          for (int j = 0; j < present; j++) {
            total += dictOffsets[ids[j] + 1] - dictOffsets[ids[j]];
          }
          if (data.length < total) {
            data = new byte[(int) Math.min(Integer.MAX_VALUE - 16, total)];
          }
          int pos = 0;
          for (int j = 0; j < present; j++) {
            int id = ids[j];
            int len = dictOffsets[id + 1] - dictOffsets[id];
            System.arraycopy(dictData, dictOffsets[id], data, pos, len);
            pos += len;
            offsets[j + 1] = pos;
          }
        }
    }
  }

  private void plain(ByteBufferInputStream in, int present, long row) throws IOException {
    int width =
        type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.FLOAT
            ? 4
            : type == PrimitiveTypeName.BINARY ? 0 : 8;
    if (width > 0) {
      long need = (long) present * width;
      if (need > in.available()) {
        throw new IOException(
            file + ": a PLAIN page of column '" + path() + "' holds " + in.available()
                + " bytes for " + present + " values near row " + row);
      }
      ByteBuffer b = in.slice((int) need).order(ByteOrder.LITTLE_ENDIAN);
      switch (type) {
        case INT32:
          ints = ensure(ints, present);
          b.asIntBuffer().get(ints, 0, present);
          return;
        case INT64:
          longs = ensure(longs, present);
          b.asLongBuffer().get(longs, 0, present);
          return;
        case FLOAT:
          floats = ensure(floats, present);
          b.asFloatBuffer().get(floats, 0, present);
          return;
        default:
          doubles = ensure(doubles, present);
          b.asDoubleBuffer().get(doubles, 0, present);
          return;
      }
    }
    // BINARY: a 4-byte little-endian length before each value.
    int size = in.available();
    ByteBuffer b = in.slice(size).order(ByteOrder.LITTLE_ENDIAN);
    if (offsets.length < present + 1) {
      offsets = new int[present + 1];
    }
    if (data.length < size) {
      data = new byte[size];
    }
    int pos = 0;
    for (int j = 0; j < present; j++) {
      if (b.remaining() < 4) {
        throw new IOException(
            file + ": a PLAIN page of column '" + path() + "' ends inside value " + j + " near row "
                + row);
      }
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        throw new IOException(
            file + ": a PLAIN page of column '" + path() + "' declares a value of " + len
                + " bytes with " + b.remaining() + " left, near row " + row);
      }
      b.get(data, pos, len);
      pos += len;
      offsets[j + 1] = pos;
    }
  }

  private static int[] ensure(int[] a, int n) {
    return a.length >= n ? a : new int[n];
  }

  private static long[] ensure(long[] a, int n) {
    return a.length >= n ? a : new long[n];
  }

  private static float[] ensure(float[] a, int n) {
    return a.length >= n ? a : new float[n];
  }

  private static double[] ensure(double[] a, int n) {
    return a.length >= n ? a : new double[n];
  }
}
