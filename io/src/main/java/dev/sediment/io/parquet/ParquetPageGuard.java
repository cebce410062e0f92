package dev.sediment.io.parquet;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.PrimitiveType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Checks that the page headers of a Parquet row group are safe to decode, before parquet-java
 * reads the row group.
 *
 * <pre>{@code
 * ParquetFooterGuard.check(file);
 * try (ParquetFileReader r = ParquetFileReader.open(file);
 *     ParquetPageGuard pages = new ParquetPageGuard(file, r.getFooter().getBlocks())) {
 *   pages.checkRowGroup(0); // throws CorruptPageException naming the file, column and byte
 *   PageReadStore store = r.readNextRowGroup();
 * }
 * }</pre>
 *
 * <p>parquet-java trusts page headers: a page declaring {@code uncompressed_page_size} 2^31-1 makes
 * the decompressor allocate that many bytes ({@code OutOfMemoryError: Requested array size exceeds
 * VM limit}), a dictionary page declaring 2^31-1 values makes the dictionary decoder allocate an
 * array of that many entries, a Snappy block declaring 2^31-1 bytes in its own preamble makes
 * snappy allocate a direct buffer of that size, and a {@code compressed_page_size} beyond the last
 * column chunk makes it read (and allocate) past the chunk. This guard walks each column chunk's
 * page headers (the Thrift compact encoding, without building anything) and refuses, with a
 * {@link CorruptPageException} naming the file, column and byte offset of the page:
 *
 * <ul>
 *   <li>a header that runs past its column chunk, with strings or lists longer than the bytes left
 *       in the chunk, nested deeper than {@value ParquetFooterGuard#MAX_DEPTH} levels, or lacking
 *       its type or sizes;
 *   <li>negative sizes or value counts, and a page whose bytes run past its column chunk;
 *   <li>an uncompressed size more than its codec can expand the compressed bytes to (Snappy 32
 *       times, which no Snappy block reaches; GZIP 1032; LZ4 255; not compressed: 1), or than
 *       {@value #MAX_PAGE_BYTES} bytes (the only bound for ZSTD, Brotli and LZO);
 *   <li>a Snappy page whose preamble declares another uncompressed size than its header;
 *   <li>a dictionary page declaring more values than its bytes can hold in the column's type;
 *   <li>a column chunk that ends before the values its footer entry declares.
 * </ul>
 *
 * <p>It reads a few KiB at each page header (one small positioned read per page, none of the page
 * bodies) through one stream that {@link #close} closes: on a local file 32 to 44 ms per 443 MB of
 * Snappy pages of 1 MiB, under 1 % of reading their rows (docs/benchmarks.md); on an object store
 * each positioned read is a ranged GET. Files whose column chunk size omits the
 * dictionary page header (parquet-mr before 1.2, which parquet-java reads with a workaround) are
 * refused. Beam-free.
 */
public final class ParquetPageGuard implements Closeable {
  /** The largest uncompressed page accepted (parquet-java's writers use 1 MiB pages). */
  public static final int MAX_PAGE_BYTES = 256 << 20;

  // PageType values.
  private static final int DATA_PAGE = 0;
  private static final int DICTIONARY_PAGE = 2;
  private static final int DATA_PAGE_V2 = 3;

  // Thrift compact protocol type codes.
  private static final int STOP = 0;
  private static final int BOOLEAN_TRUE = 1;
  private static final int BOOLEAN_FALSE = 2;
  private static final int BYTE = 3;
  private static final int I16 = 4;
  private static final int I32 = 5;
  private static final int I64 = 6;
  private static final int DOUBLE = 7;
  private static final int BINARY = 8;
  private static final int LIST = 9;
  private static final int SET = 10;
  private static final int MAP = 11;
  private static final int STRUCT = 12;

  private final InputFile file;
  private final String name;
  private final List<BlockMetaData> blocks;
  private @Nullable SeekableInputStream in;
  private final byte[] buf = new byte[4096];
  private long bufStart;
  private int bufLength;

  // The chunk being walked.
  private String column = "";
  private long chunkEnd;

  /** A guard for {@code file}, whose footer (already checked by ParquetFooterGuard) has blocks. */
  public ParquetPageGuard(InputFile file, List<BlockMetaData> blocks) {
    this.file = file;
    this.name = file.toString();
    this.blocks = blocks;
  }

  // The data pages of each chunk of the row group checked last, by the chunk's first byte.
  private final Map<Long, long[][]> dataPages = new HashMap<>();
  private final Map<Long, long[]> pageSizes = new HashMap<>();
  private long[] pageOffsets = new long[16];
  private long[] pageValues = new long[16];
  private int pageCount;

  /** Checks every page header of row group {@code index}. */
  public void checkRowGroup(int index) throws IOException {
    dataPages.clear();
    pageSizes.clear();
    for (ColumnChunkMetaData c : blocks.get(index).getColumns()) {
      checkChunk(c);
    }
  }

  /**
   * The data pages of column chunk {@code c} of the row group {@link #checkRowGroup} checked last,
   * as its headers say: {@code [0][i]} where page {@code i}'s header starts in the file and {@code
   * [1][i]} how many values the chunk holds before it. Null if {@code c} was not checked. An offset
   * index can be held against it, since parquet-java fetches pages where the index says.
   */
  public long @Nullable [][] dataPages(ColumnChunkMetaData c) {
    return dataPages.get(c.getStartingPos());
  }

  /**
   * The page sizes of column chunk {@code c} as its headers say, for what a reader decoding it a
   * page at a time holds: {@code [0]} its largest decompressed data page, {@code [1]} its largest
   * compressed page, {@code [2]} the most values in one data page, {@code [3]} its decompressed
   * dictionary page (0: none). Null if {@code c} was not checked by the last {@link
   * #checkRowGroup}.
   */
  public long @Nullable [] pageSizes(ColumnChunkMetaData c) {
    return pageSizes.get(c.getStartingPos());
  }

  /** Checks every page header of every row group. */
  public void checkAll() throws IOException {
    for (int i = 0; i < blocks.size(); i++) {
      checkRowGroup(i);
    }
  }

  private void checkChunk(ColumnChunkMetaData c) throws IOException {
    column = c.getPath().toDotString();
    long start = c.getStartingPos();
    chunkEnd = start + c.getTotalSize();
    long values = c.getValueCount();
    CompressionCodecName codec = c.getCodec();
    PrimitiveType type = c.getPrimitiveType();
    long seen = 0;
    long pos = start;
    pageCount = 0;
    long largestPage = 0;
    long dictionaryPage = 0;
    long largestCompressed = 0;
    long mostValues = 0;
    while (seen < values) {
      if (pos >= chunkEnd) {
        throw fail(
            pos,
            "the column chunk ends after "
                + seen
                + " of the "
                + values
                + " values its footer entry declares");
      }
      Header h = header(pos);
      long body = h.end;
      if (h.compressed < 0 || h.uncompressed < 0) {
        throw fail(
            pos,
            "the page header declares negative sizes ("
                + h.compressed
                + " compressed, "
                + h.uncompressed
                + " uncompressed bytes)");
      }
      if (h.compressed > chunkEnd - body) {
        throw fail(
            pos,
            "the page declares "
                + h.compressed
                + " bytes, but only "
                + (chunkEnd - body)
                + " are left in its column chunk");
      }
      if (h.type == DATA_PAGE || h.type == DICTIONARY_PAGE) {
        checkSizes(pos, h.compressed, h.uncompressed, codec, true, body);
      } else if (h.type == DATA_PAGE_V2) {
        if (h.repBytes < 0
            || h.defBytes < 0
            || h.repBytes + h.defBytes > h.compressed
            || h.repBytes + h.defBytes > h.uncompressed) {
          throw fail(
              pos,
              "the page's level sizes ("
                  + h.repBytes
                  + " repetition, "
                  + h.defBytes
                  + " definition bytes) do not fit its "
                  + h.compressed
                  + " bytes");
        }
        long levels = h.repBytes + h.defBytes;
        checkSizes(
            pos, h.compressed - levels, h.uncompressed - levels, codec, h.v2Compressed, body + levels);
      }
      if (h.type == DICTIONARY_PAGE) {
        dictionaryPage = Math.max(dictionaryPage, h.uncompressed);
      } else if (h.type == DATA_PAGE || h.type == DATA_PAGE_V2) {
        largestPage = Math.max(largestPage, h.uncompressed);
        mostValues = Math.max(mostValues, h.numValues);
      }
      largestCompressed = Math.max(largestCompressed, h.compressed);
      if (h.type == DICTIONARY_PAGE) {
        long bytes = codec == CompressionCodecName.UNCOMPRESSED ? h.compressed : h.uncompressed;
        long most = bytes * 8 / minBits(type);
        if (h.numValues < 0 || h.numValues > most) {
          throw fail(
              pos,
              "the dictionary page declares "
                  + h.numValues
                  + " values, but its "
                  + bytes
                  + " bytes hold at most "
                  + most
                  + " "
                  + type.getPrimitiveTypeName());
        }
      } else if (h.type == DATA_PAGE || h.type == DATA_PAGE_V2) {
        if (h.numValues < 0) {
          throw fail(pos, "the data page declares " + h.numValues + " values");
        }
        if (pageCount == pageOffsets.length) {
          pageOffsets = java.util.Arrays.copyOf(pageOffsets, pageCount * 2);
          pageValues = java.util.Arrays.copyOf(pageValues, pageCount * 2);
        }
        pageOffsets[pageCount] = pos;
        pageValues[pageCount] = seen;
        pageCount++;
        seen += h.numValues;
      }
      pos = body + h.compressed;
    }
    pageSizes.put(start, new long[] {largestPage, largestCompressed, mostValues, dictionaryPage});
    dataPages.put(
        start,
        new long[][] {
          java.util.Arrays.copyOf(pageOffsets, pageCount), java.util.Arrays.copyOf(pageValues, pageCount)
        });
  }

  /** The uncompressed size a codec can produce from the bytes, and Snappy's own preamble. */
  private void checkSizes(
      long at, long compressed, long uncompressed, CompressionCodecName codec, boolean isCompressed,
      long dataStart)
      throws IOException {
    boolean plain = !isCompressed || codec == CompressionCodecName.UNCOMPRESSED;
    long ratio = plain ? 1 : maxRatio(codec);
    long limit = Math.min(MAX_PAGE_BYTES, saturatingBound(compressed, ratio, plain ? 0 : 64));
    if (uncompressed > limit) {
      throw fail(
          at,
          "the page declares "
              + uncompressed
              + " uncompressed bytes from "
              + compressed
              + (plain
                  ? " bytes that are not compressed"
                  : " " + codec + " bytes, more than " + limit + " (the most it can expand to)"));
    }
    if (!plain && codec == CompressionCodecName.SNAPPY && compressed > 0) {
      long declared = snappyLength(dataStart, compressed);
      if (declared != uncompressed) {
        throw fail(
            at,
            "the Snappy data declares "
                + declared
                + " uncompressed bytes, the page header "
                + uncompressed);
      }
    }
  }

  private static long saturatingBound(long compressed, long ratio, long slack) {
    return compressed > (Long.MAX_VALUE - slack) / ratio ? Long.MAX_VALUE : compressed * ratio + slack;
  }

  /**
   * How many times a codec can expand its input at most. Snappy: a 3-byte copy yields at most 64
   * bytes; GZIP (deflate): 1032; LZ4: about 255. ZSTD, Brotli and LZO have no useful bound.
   */
  private static long maxRatio(CompressionCodecName codec) {
    switch (codec) {
      case SNAPPY:
        return 32;
      case GZIP:
        return 1032;
      case LZ4:
      case LZ4_RAW:
        return 255;
      default:
        return Long.MAX_VALUE / 2;
    }
  }

  /** The fewest bits one PLAIN-encoded dictionary value of {@code type} takes. */
  private static long minBits(PrimitiveType type) {
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return 1;
      case INT32:
      case FLOAT:
      case BINARY:
        return 32;
      case INT64:
      case DOUBLE:
        return 64;
      case INT96:
        return 96;
      case FIXED_LEN_BYTE_ARRAY:
        return Math.max(8, 8L * type.getTypeLength());
      default:
        return 1;
    }
  }

  /** The uncompressed length in a Snappy block's preamble (a varint of at most 5 bytes). */
  private long snappyLength(long at, long size) throws IOException {
    long v = 0;
    for (int i = 0; i < 5 && i < size; i++) {
      int b = u8(at + i, "the Snappy preamble");
      v |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw fail(at, "the Snappy preamble is not a valid length");
  }

  /** What the guard needs from a PageHeader. */
  private static final class Header {
    int type = -1;
    long uncompressed = Long.MIN_VALUE;
    long compressed = Long.MIN_VALUE;
    long numValues;
    long repBytes;
    long defBytes;
    boolean v2Compressed = true;
    /** Where the header ends: the page's bytes start here. */
    long end;
  }

  private Header header(long at) throws IOException {
    Header h = new Header();
    long[] pos = {at};
    int lastId = 0;
    while (true) {
      int fieldHeader = u8(pos[0]++, "the page header");
      int ftype = fieldHeader & 0x0f;
      if (ftype == STOP) {
        break;
      }
      int delta = fieldHeader >>> 4;
      int id = delta == 0 ? (int) zigzag(varint(pos, 5)) : lastId + delta;
      lastId = id;
      if (ftype == I32 && id >= 1 && id <= 3) {
        long v = zigzag(varint(pos, 5));
        if (id == 1) {
          h.type = (int) v;
        } else if (id == 2) {
          h.uncompressed = v;
        } else {
          h.compressed = v;
        }
      } else if (ftype == STRUCT && (id == 5 || id == 7 || id == 8)) {
        pageTypeHeader(pos, h, id);
      } else {
        skip(pos, ftype, 1);
      }
    }
    if (h.type < 0 || h.uncompressed == Long.MIN_VALUE || h.compressed == Long.MIN_VALUE) {
      throw fail(at, "the page header lacks its type or sizes");
    }
    h.end = pos[0];
    return h;
  }

  /** A DataPageHeader (5), DictionaryPageHeader (7) or DataPageHeaderV2 (8). */
  private void pageTypeHeader(long[] pos, Header h, int which) throws IOException {
    int lastId = 0;
    while (true) {
      int fieldHeader = u8(pos[0]++, "the page header");
      int ftype = fieldHeader & 0x0f;
      if (ftype == STOP) {
        return;
      }
      int delta = fieldHeader >>> 4;
      int id = delta == 0 ? (int) zigzag(varint(pos, 5)) : lastId + delta;
      lastId = id;
      if (ftype == I32 && id == 1) {
        h.numValues = zigzag(varint(pos, 5));
      } else if (which == 8 && ftype == I32 && id == 5) {
        h.defBytes = zigzag(varint(pos, 5));
      } else if (which == 8 && ftype == I32 && id == 6) {
        h.repBytes = zigzag(varint(pos, 5));
      } else if (which == 8 && id == 7 && (ftype == BOOLEAN_TRUE || ftype == BOOLEAN_FALSE)) {
        h.v2Compressed = ftype == BOOLEAN_TRUE;
      } else {
        skip(pos, ftype, 2);
      }
    }
  }

  private void skip(long[] pos, int type, int depth) throws IOException {
    if (depth > ParquetFooterGuard.MAX_DEPTH) {
      throw fail(pos[0], "the page header nests deeper than " + ParquetFooterGuard.MAX_DEPTH);
    }
    long at = pos[0];
    switch (type) {
      case BOOLEAN_TRUE:
      case BOOLEAN_FALSE:
        return; // a field's value is in its type
      case BYTE:
        u8(pos[0]++, "the page header");
        return;
      case I16:
      case I32:
        varint(pos, 5);
        return;
      case I64:
        varint(pos, 10);
        return;
      case DOUBLE:
        advance(pos, 8);
        return;
      case BINARY:
        advance(pos, varint(pos, 5));
        return;
      case LIST:
      case SET:
        {
          int header = u8(pos[0]++, "the page header");
          long size = header >>> 4;
          int etype = header & 0x0f;
          if (size == 15) {
            size = varint(pos, 5);
          }
          if (size > chunkEnd - pos[0] || size > ParquetFooterGuard.MAX_CONTAINER_SIZE) {
            throw fail(at, "a list in the page header declares " + size + " elements");
          }
          for (long i = 0; i < size; i++) {
            if (etype == BOOLEAN_TRUE || etype == BOOLEAN_FALSE) {
              u8(pos[0]++, "the page header");
            } else {
              skip(pos, etype, depth + 1);
            }
          }
          return;
        }
      case MAP:
        {
          long size = varint(pos, 5);
          if (size == 0) {
            return;
          }
          int types = u8(pos[0]++, "the page header");
          if (size > chunkEnd - pos[0] || size > ParquetFooterGuard.MAX_CONTAINER_SIZE) {
            throw fail(at, "a map in the page header declares " + size + " entries");
          }
          for (long i = 0; i < size; i++) {
            for (int t : new int[] {types >>> 4, types & 0x0f}) {
              if (t == BOOLEAN_TRUE || t == BOOLEAN_FALSE) {
                u8(pos[0]++, "the page header");
              } else {
                skip(pos, t, depth + 1);
              }
            }
          }
          return;
        }
      case STRUCT:
        {
          int lastId = 0;
          while (true) {
            int fieldHeader = u8(pos[0]++, "the page header");
            int ftype = fieldHeader & 0x0f;
            if (ftype == STOP) {
              return;
            }
            int delta = fieldHeader >>> 4;
            lastId = delta == 0 ? (int) zigzag(varint(pos, 5)) : lastId + delta;
            skip(pos, ftype, depth + 1);
          }
        }
      default:
        throw fail(at, "the page header holds an unknown Thrift type " + type);
    }
  }

  private void advance(long[] pos, long n) throws IOException {
    if (n > chunkEnd - pos[0]) {
      throw fail(pos[0], "a value of " + n + " bytes runs past the end of the column chunk");
    }
    pos[0] += n;
  }

  private long varint(long[] pos, int maxBytes) throws IOException {
    long at = pos[0];
    long v = 0;
    for (int i = 0; i < maxBytes; i++) {
      int b = u8(pos[0]++, "the page header");
      v |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (maxBytes == 5 && (v < 0 || v > 0xffffffffL)) {
          throw fail(at, "a varint in the page header overflows 32 bits");
        }
        return maxBytes == 5 ? (long) (int) v & 0xffffffffL : v;
      }
    }
    throw fail(at, "a varint in the page header is longer than " + maxBytes + " bytes");
  }

  /** Zigzag-decodes a 32-bit value (as parquet's i32 fields are). */
  private static long zigzag(long n) {
    int i = (int) n;
    return (i >>> 1) ^ -(i & 1);
  }

  /** The byte at {@code pos}, which must lie in the column chunk. */
  private int u8(long pos, String what) throws IOException {
    if (pos >= chunkEnd) {
      throw fail(pos, what + " runs past the end of its column chunk");
    }
    if (pos < bufStart || pos >= bufStart + bufLength) {
      if (in == null) {
        in = file.newStream();
      }
      int n = (int) Math.min(buf.length, chunkEnd - pos);
      in.seek(pos);
      try {
        in.readFully(buf, 0, n);
      } catch (EOFException e) {
        throw fail(pos, "the file ends inside the column chunk");
      }
      bufStart = pos;
      bufLength = n;
    }
    return buf[(int) (pos - bufStart)] & 0xff;
  }

  private CorruptPageException fail(long at, String problem) {
    return new CorruptPageException(name, column, at, problem);
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
      in = null;
    }
  }
}
