package dev.sediment.io.parquet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Checks that a Parquet file's footer is safe to decode, before parquet-java decodes it.
 *
 * <pre>{@code
 * ParquetFooterGuard.check(file); // throws CorruptFooterException naming the file and byte
 * try (ParquetFileReader r = ParquetFileReader.open(file)) { ... }
 * }</pre>
 *
 * <p>parquet-java trusts the footer: a footer of 101 bytes that declares 2^31-1 schema elements
 * makes it allocate an array of that size ({@code OutOfMemoryError: Requested array size exceeds
 * VM limit}), and a column chunk declaring more bytes than the file has makes it allocate buffers
 * for all of them before reading. This guard walks the footer's Thrift compact encoding without
 * building anything and refuses, with a {@link CorruptFooterException} naming the file and byte
 * offset:
 *
 * <ul>
 *   <li>a file shorter than 12 bytes, without the {@code PAR1} magic at its end, or with an
 *       encrypted footer ({@code PARE}), which Sediment does not read;
 *   <li>a footer length larger than the file (less the magic bytes) or than {@value
 *       #MAX_FOOTER_BYTES} bytes;
 *   <li>a list, set or map declaring more elements than the bytes left in the footer can hold
 *       (every element takes at least one byte; a double eight), or more than {@value
 *       #MAX_CONTAINER_SIZE} (Arrow C++'s default {@code thrift_container_size_limit});
 *   <li>a string or binary longer than the bytes left, or than {@value #MAX_STRING_BYTES} (Arrow's
 *       {@code thrift_string_size_limit});
 *   <li>a row group with more column chunks than the schema has elements (a valid file has one per
 *       leaf column), and a column chunk whose bytes lie outside the data before the footer;
 *   <li>structures nested deeper than {@value #MAX_DEPTH}, unknown Thrift types, over-long varints,
 *       and a footer that ends inside a structure (truncated).
 * </ul>
 *
 * <p>Memory is one 64 KiB buffer whatever the footer declares; the footer is read once more than
 * parquet-java alone reads it. Beam-free: it needs only parquet's {@link InputFile}.
 */
public final class ParquetFooterGuard {
  /** The largest list, set or map a footer may declare. */
  public static final int MAX_CONTAINER_SIZE = 1_000_000;

  /** The longest string or binary a footer may declare. */
  public static final int MAX_STRING_BYTES = 100_000_000;

  /** The longest footer accepted: parquet-java reads the whole footer into one array. */
  public static final int MAX_FOOTER_BYTES = 256 << 20;

  /** How deep structures may nest (Thrift's own default recursion limit). */
  public static final int MAX_DEPTH = 64;

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

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

  private ParquetFooterGuard() {}

  /**
   * Throws {@link CorruptFooterException} if the footer of {@code file} is not safe to decode;
   * other {@link IOException}s if the file cannot be read.
   */
  public static void check(InputFile file) throws IOException {
    String name = file.toString();
    long length = file.getLength();
    if (length < 12) {
      throw new CorruptFooterException(
          name, 0, "the file has " + length + " bytes, too few for Parquet (at least 12)");
    }
    try (SeekableInputStream in = file.newStream()) {
      check(name, length, in);
    }
  }

  private static void check(String name, long length, SeekableInputStream in) throws IOException {
    byte[] tail = new byte[8];
    in.seek(length - 8);
    in.readFully(tail);
    byte[] magic = java.util.Arrays.copyOfRange(tail, 4, 8);
    if (java.util.Arrays.equals(magic, ENCRYPTED_MAGIC)) {
      throw new CorruptFooterException(
          name, length - 4, "the footer is encrypted (PARE), which is not supported");
    }
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CorruptFooterException(
          name, length - 4, "the file does not end with the Parquet magic PAR1 (truncated or not"
              + " Parquet)");
    }
    long footerLength =
        (tail[0] & 0xffL) | (tail[1] & 0xffL) << 8 | (tail[2] & 0xffL) << 16 | (tail[3] & 0xffL) << 24;
    long room = length - 12; // leading magic, length field, trailing magic
    if (footerLength > room) {
      throw new CorruptFooterException(
          name,
          length - 8,
          "the footer length field says "
              + footerLength
              + " bytes, but the file has only "
              + room
              + " bytes for it");
    }
    if (footerLength > MAX_FOOTER_BYTES) {
      throw new CorruptFooterException(
          name,
          length - 8,
          "the footer is " + footerLength + " bytes, more than the limit of " + MAX_FOOTER_BYTES);
    }
    long start = length - 8 - footerLength;
    new Walker(name, new Cursor(name, in, start, length - 8), start).fileMetaData();
  }

  /** What a structure is, where that matters for the bounds. */
  private enum Kind {
    FILE_META_DATA,
    ROW_GROUP,
    COLUMN_CHUNK,
    COLUMN_META_DATA,
    OTHER
  }

  /** Walks the Thrift compact encoding of a {@code FileMetaData}, bounding every size. */
  private static final class Walker {
    private final String name;
    private final Cursor c;
    /** Where the footer starts: every column chunk must lie before it. */
    private final long dataEnd;

    private long schemaElements = -1;
    // Filled while walking a ColumnMetaData, read by its ColumnChunk.
    private long dataPageOffset;
    private long dictionaryPageOffset;
    private long compressedSize;

    Walker(String name, Cursor c, long dataEnd) {
      this.name = name;
      this.c = c;
      this.dataEnd = dataEnd;
    }

    void fileMetaData() throws IOException {
      struct(1, Kind.FILE_META_DATA);
    }

    private void struct(int depth, Kind kind) throws IOException {
      if (depth > MAX_DEPTH) {
        throw fail(c.position(), "structures nest deeper than " + MAX_DEPTH + " levels");
      }
      long structAt = c.position();
      boolean hasMeta = false;
      boolean external = false;
      if (kind == Kind.COLUMN_META_DATA) {
        dataPageOffset = -1;
        dictionaryPageOffset = -1;
        compressedSize = -1;
      }
      int lastId = 0;
      while (true) {
        long at = c.position();
        int header = c.u8();
        int type = header & 0x0f;
        if (type == STOP) {
          if (header != 0) {
            throw fail(at, "a field header " + hex(header) + " has the STOP type");
          }
          break;
        }
        int delta = header >>> 4;
        int id = delta == 0 ? zigzag((int) c.varint(5)) : lastId + delta;
        lastId = id;
        if (type == BOOLEAN_TRUE || type == BOOLEAN_FALSE) {
          continue; // the value is in the type
        }
        if (kind == Kind.FILE_META_DATA && id == 2 && type == LIST) {
          schemaElements = list(depth, Kind.OTHER, -1, "schema elements");
        } else if (kind == Kind.FILE_META_DATA && id == 4 && type == LIST) {
          list(depth, Kind.ROW_GROUP, -1, "row groups");
        } else if (kind == Kind.ROW_GROUP && id == 1 && type == LIST) {
          list(depth, Kind.COLUMN_CHUNK, schemaElements, "column chunks");
        } else if (kind == Kind.COLUMN_CHUNK && id == 1 && type == BINARY) {
          external = true; // the chunk lives in another file
          value(type, depth);
        } else if (kind == Kind.COLUMN_CHUNK && id == 3 && type == STRUCT) {
          struct(depth + 1, Kind.COLUMN_META_DATA);
          hasMeta = true;
        } else if (kind == Kind.COLUMN_META_DATA && type == I64 && (id == 7 || id == 9 || id == 11)) {
          long v = unzigzag(c.varint(10));
          if (id == 7) {
            compressedSize = v;
          } else if (id == 9) {
            dataPageOffset = v;
          } else {
            dictionaryPageOffset = v;
          }
        } else {
          value(type, depth);
        }
      }
      if (kind == Kind.COLUMN_CHUNK && hasMeta && !external) {
        checkChunk(structAt);
      }
    }

    /** The column chunk's bytes, as parquet-java will read them, lie before the footer. */
    private void checkChunk(long at) throws IOException {
      long startPos =
          dictionaryPageOffset > 0 && dictionaryPageOffset < dataPageOffset
              ? dictionaryPageOffset
              : dataPageOffset;
      if (compressedSize < 0
          || startPos < 0
          || startPos > dataEnd
          || compressedSize > dataEnd - startPos) {
        throw fail(
            at,
            "a column chunk declares "
                + compressedSize
                + " bytes from byte "
                + startPos
                + ", outside the "
                + dataEnd
                + " bytes before the footer");
      }
    }

    /** Walks a list or set; returns its size. */
    private long list(int depth, Kind elements, long maxSize, String what) throws IOException {
      long at = c.position();
      int header = c.u8();
      long size = header >>> 4;
      int type = header & 0x0f;
      if (size == 15) {
        size = c.varint(5);
      }
      checkSize(at, size, minBytes(type, at), what);
      if (maxSize >= 0 && size > maxSize) {
        throw fail(
            at,
            "a row group declares "
                + size
                + " "
                + what
                + ", more than the "
                + maxSize
                + " schema elements");
      }
      for (long i = 0; i < size; i++) {
        element(type, depth, elements);
      }
      return size;
    }

    private void map(int depth) throws IOException {
      long at = c.position();
      long size = c.varint(5);
      if (size == 0) {
        return;
      }
      int types = c.u8();
      int keyType = types >>> 4;
      int valueType = types & 0x0f;
      checkSize(at, size, minBytes(keyType, at) + minBytes(valueType, at), "map entries");
      for (long i = 0; i < size; i++) {
        element(keyType, depth, Kind.OTHER);
        element(valueType, depth, Kind.OTHER);
      }
    }

    private void element(int type, int depth, Kind kind) throws IOException {
      if (type == BOOLEAN_TRUE || type == BOOLEAN_FALSE) {
        c.u8(); // inside a collection a boolean takes one byte
      } else if (type == STRUCT) {
        struct(depth + 1, kind);
      } else {
        value(type, depth);
      }
    }

    private void value(int type, int depth) throws IOException {
      long at = c.position();
      switch (type) {
        case BYTE:
          c.u8();
          return;
        case I16:
        case I32:
          c.varint(5);
          return;
        case I64:
          c.varint(10);
          return;
        case DOUBLE:
          c.skip(8);
          return;
        case BINARY:
          long n = c.varint(5);
          if (n > MAX_STRING_BYTES) {
            throw fail(at, "a string declares " + n + " bytes, more than " + MAX_STRING_BYTES);
          }
          if (n > c.remaining()) {
            throw fail(
                at,
                "a string declares " + n + " bytes, but only " + c.remaining() + " are left");
          }
          c.skip(n);
          return;
        case LIST:
        case SET:
          list(depth, Kind.OTHER, -1, "elements");
          return;
        case MAP:
          map(depth);
          return;
        case STRUCT:
          struct(depth + 1, Kind.OTHER);
          return;
        default:
          throw fail(at, "unknown Thrift type " + type);
      }
    }

    private void checkSize(long at, long size, int minBytes, String what) throws IOException {
      if (size > MAX_CONTAINER_SIZE) {
        throw fail(at, "a list declares " + size + " " + what + ", more than " + MAX_CONTAINER_SIZE);
      }
      long left = c.remaining();
      if (size * minBytes > left) {
        throw fail(
            at,
            "a list declares "
                + size
                + " "
                + what
                + ", but only "
                + left
                + " bytes are left in the footer");
      }
    }

    private int minBytes(int type, long at) throws IOException {
      switch (type) {
        case BOOLEAN_TRUE:
        case BOOLEAN_FALSE:
        case BYTE:
        case I16:
        case I32:
        case I64:
        case BINARY:
        case LIST:
        case SET:
        case MAP:
        case STRUCT:
          return 1;
        case DOUBLE:
          return 8;
        default:
          throw fail(at, "unknown Thrift element type " + type);
      }
    }

    private CorruptFooterException fail(long at, String problem) {
      return new CorruptFooterException(name, at, problem);
    }
  }

  private static int zigzag(int n) {
    return (n >>> 1) ^ -(n & 1);
  }

  private static long unzigzag(long n) {
    return (n >>> 1) ^ -(n & 1);
  }

  private static String hex(int b) {
    return String.format("0x%02x", b);
  }

  /** Reads the footer's bytes through a small buffer, never past its end. */
  private static final class Cursor {
    private final String name;
    private final SeekableInputStream in;
    private final long end;
    private final byte[] buf = new byte[1 << 16];
    private long bufStart;
    private int bufLength;
    private long pos;

    Cursor(String name, SeekableInputStream in, long start, long end) {
      this.name = name;
      this.in = in;
      this.end = end;
      this.pos = start;
      this.bufStart = start;
    }

    long position() {
      return pos;
    }

    long remaining() {
      return end - pos;
    }

    int u8() throws IOException {
      if (pos >= end) {
        throw new CorruptFooterException(
            name, pos, "the footer ends inside a structure (truncated)");
      }
      if (pos < bufStart || pos >= bufStart + bufLength) {
        int n = (int) Math.min(buf.length, end - pos);
        in.seek(pos);
        try {
          in.readFully(buf, 0, n);
        } catch (EOFException e) {
          throw new CorruptFooterException(name, pos, "the file ends inside the footer");
        }
        bufStart = pos;
        bufLength = n;
      }
      return buf[(int) (pos++ - bufStart)] & 0xff;
    }

    void skip(long n) throws IOException {
      if (n > remaining()) {
        throw new CorruptFooterException(
            name, pos, "the footer ends inside a value (truncated)");
      }
      pos += n;
    }

    /** An unsigned varint of at most {@code maxBytes} bytes. */
    long varint(int maxBytes) throws IOException {
      long at = pos;
      long v = 0;
      for (int i = 0; i < maxBytes; i++) {
        int b = u8();
        v |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          if (maxBytes == 5 && (v < 0 || v > 0xffffffffL)) {
            throw new CorruptFooterException(name, at, "a varint overflows 32 bits");
          }
          return maxBytes == 5 ? (long) (int) v & 0xffffffffL : v;
        }
      }
      throw new CorruptFooterException(name, at, "a varint is longer than " + maxBytes + " bytes");
    }
  }
}
