package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.LocalParquetFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

/**
 * Byte-level damage to a Parquet file that a normal writer produced, as a bad disk, a flipped bit
 * or a torn copy leaves it. Works on a local file only, with Parquet's own footer and page-header
 * (Thrift) classes, and knows nothing of the compactor: damage a file, then hand it to whatever
 * reads it.
 *
 * <p>Every damage rewrites bytes in place and keeps the file's length and every offset the footer
 * holds: a page header is re-serialized and must come out exactly as long as it was (otherwise
 * the call fails, and the file is left as it was). So the footer still reads, pages still
 * decompress, and only what a reader finds <em>inside</em> the column chunk is wrong.
 */
final class ParquetSurgery {
  private ParquetSurgery() {}

  /** One page of a column chunk: where its header starts, the header's length, the header. */
  static final class Page {
    final long offset;
    final int headerLength;
    final PageHeader header;

    Page(long offset, int headerLength, PageHeader header) {
      this.offset = offset;
      this.headerLength = headerLength;
      this.header = header;
    }

    /** The first byte past this page (its header and its compressed data). */
    long end() {
      return offset + headerLength + header.getCompressed_page_size();
    }
  }

  /**
   * The column chunk of {@code column} (a dotted path, e.g. {@code "bid_px"}) in the first row
   * group.
   */
  static ColumnChunkMetaData chunk(Path file, String column) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(file))) {
      for (ColumnChunkMetaData c : r.getFooter().getBlocks().get(0).getColumns()) {
        if (c.getPath().toDotString().equals(column)) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("no column " + column + " in " + file);
  }

  /**
   * The pages of {@code column}'s chunk in the first row group, in file order: the dictionary
   * page first if the chunk has one, then its data pages.
   */
  static List<Page> pages(Path file, String column) throws IOException {
    ColumnChunkMetaData c = chunk(file, column);
    long pos = c.getStartingPos();
    long end = pos + c.getTotalSize();
    List<Page> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (pos < end) {
        ch.position(pos);
        CountingInput in = new CountingInput(Channels.newInputStream(ch));
        PageHeader h = Util.readPageHeader(in);
        Page p = new Page(pos, (int) in.count, h);
        out.add(p);
        pos = p.end();
      }
    }
    if (pos != end) {
      throw new IllegalStateException(
          "pages of " + column + " end at " + pos + ", the chunk at " + end);
    }
    return out;
  }

  /**
   * Damage: the dictionary page of {@code column} declares {@code entries} dictionary entries
   * instead of the number it holds, as a flipped bit in the header's {@code num_values} leaves it.
   * The page's bytes are untouched, so it still decompresses (and its CRC still matches). With
   * fewer entries declared, a reader builds a dictionary of {@code entries} values and fails on
   * the first data-page index past them; with more, it runs out of bytes while building the
   * dictionary.
   *
   * @return the number of entries the dictionary page declared before
   */
  static int declareDictionaryEntries(Path file, String column, int entries) throws IOException {
    Page dict = pages(file, column).get(0);
    if (dict.header.getType() != PageType.DICTIONARY_PAGE) {
      throw new IllegalArgumentException(
          column + " in " + file + " has no dictionary page (it is not dictionary-encoded)");
    }
    int before = dict.header.getDictionary_page_header().getNum_values();
    rewriteHeader(file, dict, h -> h.getDictionary_page_header().setNum_values(entries));
    return before;
  }

  /**
   * Damage: {@code length} bytes from {@code from} inside the (compressed) data of page {@code
   * index} of {@code column} (0 = the first page, the dictionary page if there is one) are
   * overwritten with garbage, as a bad sector leaves them. Headers and footer are untouched.
   */
  static void garblePageData(Path file, String column, int index, int from, int length)
      throws IOException {
    Page page = pages(file, column).get(index);
    if (from < 0 || from + length > page.header.getCompressed_page_size()) {
      throw new IllegalArgumentException(
          "bytes "
              + from
              + ".."
              + (from + length)
              + " are not inside the "
              + page.header.getCompressed_page_size()
              + " bytes of the page");
    }
    byte[] garbage = new byte[length];
    for (int i = 0; i < length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    overwrite(file, page.offset + page.headerLength + from, garbage);
  }

  /**
   * Damage: data page {@code index} (0 = the first data page) of {@code column} declares {@code
   * values} values instead of the number it holds, as a flipped bit in the header's {@code
   * num_values} leaves it. The page's bytes are untouched, so it still decompresses.
   *
   * @return the number of values the page declared before
   */
  static int miscountDataPage(Path file, String column, int index, int values) throws IOException {
    Page page = dataPages(file, column).get(index);
    int before;
    if (page.header.getType() == PageType.DATA_PAGE) {
      before = page.header.getData_page_header().getNum_values();
      rewriteHeader(file, page, h -> h.getData_page_header().setNum_values(values));
    } else {
      before = page.header.getData_page_header_v2().getNum_values();
      rewriteHeader(file, page, h -> h.getData_page_header_v2().setNum_values(values));
    }
    return before;
  }

  /**
   * Damage: data page {@code index} (0 = the first data page) of {@code column} declares its
   * values encoded as {@code encoding}, as a flipped bit in the header's {@code encoding} leaves
   * it (PLAIN is 0, PLAIN_DICTIONARY 2: one bit apart). The page's bytes are untouched. A PLAIN
   * page of a chunk without a dictionary page that declares PLAIN_DICTIONARY refers to a
   * dictionary that is not there.
   *
   * @return the encoding the page declared before
   */
  static Encoding reencodeDataPage(Path file, String column, int index, Encoding encoding)
      throws IOException {
    Page page = dataPages(file, column).get(index);
    Encoding before;
    if (page.header.getType() == PageType.DATA_PAGE) {
      before = page.header.getData_page_header().getEncoding();
      rewriteHeader(file, page, h -> h.getData_page_header().setEncoding(encoding));
    } else {
      before = page.header.getData_page_header_v2().getEncoding();
      rewriteHeader(file, page, h -> h.getData_page_header_v2().setEncoding(encoding));
    }
    return before;
  }

  private static List<Page> dataPages(Path file, String column) throws IOException {
    List<Page> data = new ArrayList<>();
    for (Page p : pages(file, column)) {
      if (p.header.getType() == PageType.DATA_PAGE || p.header.getType() == PageType.DATA_PAGE_V2) {
        data.add(p);
      }
    }
    return data;
  }

  /**
   * Re-serializes {@code page}'s header after {@code edit} and writes it over the old one. Fails,
   * leaving the file as it was, if the new header is not exactly as long as the old one.
   */
  static void rewriteHeader(Path file, Page page, Consumer<PageHeader> edit) throws IOException {
    PageHeader h = page.header.deepCopy();
    edit.accept(h);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Util.writePageHeader(h, buf);
    byte[] bytes = buf.toByteArray();
    if (bytes.length != page.headerLength) {
      throw new IllegalArgumentException(
          "the edited page header at "
              + page.offset
              + " is "
              + bytes.length
              + " bytes, the original "
              + page.headerLength
              + ": choose a value of the same encoded length");
    }
    overwrite(file, page.offset, bytes);
  }

  private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      long pos = at;
      while (b.hasRemaining()) {
        pos += ch.write(b, pos);
      }
      ch.force(true);
    }
  }

  /** Counts the bytes a Thrift read takes, reading no further than asked. */
  private static final class CountingInput extends InputStream {
    private final InputStream in;
    long count;

    CountingInput(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
