package dev.sediment.io.parquet;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.PrimitiveType;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.xerial.snappy.Snappy;

/**
 * The pages of one column chunk, read from the file as they are asked for: a stream of its own on
 * the file, a 64 KiB buffer, and one page at a time, decompressed when it is read. Memory is the
 * page being decoded (and the dictionary page), not the column chunk, so a reader can keep many
 * large row groups open at once (a merge of many files) without fetching any of them whole, and
 * without fetching a page twice.
 *
 * <p>Only for pages whose headers {@link ParquetPageGuard} has checked (sizes within the chunk and
 * within what the codec can expand them to): a header is decoded with parquet-format's own
 * decoder, and a page's bytes are read into an array of its declared size. Reading stops after
 * the chunk's declared value count, as the guard does. Snappy pages are decompressed with
 * snappy-java in one call; other codecs through parquet-java's codec factory.
 */
final class StreamingPageReader implements PageReader, Closeable {
  private static final int BUFFER = 64 << 10;

  private final String file;
  private final String column;
  private final SeekableInputStream stream;
  private final CompressionCodecName codec;
  private final CompressionCodecFactory codecs;
  private final PrimitiveType type;
  private final boolean flat;
  private final long totalValues;
  private final @Nullable DictionaryPage dictionary;
  private InputStream in;
  private long valuesLeft;
  private long nextRow;

  /**
   * Reads {@code chunk} of {@code input} from the data page whose header starts at {@code
   * firstPage} (the chunk's first data page, or a later one of a flat column, where {@code
   * valuesBefore} values of the chunk come before it); its dictionary page, if any, is read first.
   * {@code flat}: the column has one value per row, so each page's first row index is known.
   */
  StreamingPageReader(
      InputFile input,
      String file,
      ColumnChunkMetaData chunk,
      long firstPage,
      long valuesBefore,
      boolean flat,
      CompressionCodecFactory codecs)
      throws IOException {
    this.file = file;
    this.column = chunk.getPath().toDotString();
    this.codec = chunk.getCodec();
    this.codecs = codecs;
    this.type = chunk.getPrimitiveType();
    this.flat = flat;
    this.totalValues = chunk.getValueCount() - valuesBefore;
    this.valuesLeft = totalValues;
    this.nextRow = valuesBefore;
    this.stream = input.newStream();
    DictionaryPage dict = null;
    try {
      long start = chunk.getStartingPos();
      stream.seek(start);
      in = new BufferedInputStream(stream, BUFFER);
      if (start < firstPage) {
        // The chunk begins with its dictionary page (or pages before the first one wanted).
        PageHeader h = Util.readPageHeader(in);
        if (h.isSetDictionary_page_header()) {
          DictionaryPageHeader d = h.getDictionary_page_header();
          byte[] bytes = decompress(body(h.getCompressed_page_size()), h.getUncompressed_page_size(), true);
          dict =
              new DictionaryPage(
                  BytesInput.from(bytes), h.getUncompressed_page_size(), d.getNum_values(), encoding(d.getEncoding()));
        }
        stream.seek(firstPage);
        in = new BufferedInputStream(stream, BUFFER);
      }
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e instanceof IOException ? (IOException) e : fail("its dictionary page cannot be read", e);
    }
    this.dictionary = dict;
  }

  @Override
  public @Nullable DictionaryPage readDictionaryPage() {
    return dictionary;
  }

  @Override
  public long getTotalValueCount() {
    return totalValues;
  }

  @Override
  public @Nullable DataPage readPage() {
    try {
      // Finite: every turn consumes a header and its body from a chunk of checked size.
      while (valuesLeft > 0) {
        PageHeader h = Util.readPageHeader(in);
        int compressed = h.getCompressed_page_size();
        int uncompressed = h.getUncompressed_page_size();
        switch (h.getType()) {
          case DATA_PAGE:
            {
              DataPageHeader d = h.getData_page_header();
              byte[] bytes = decompress(body(compressed), uncompressed, true);
              int n = d.getNum_values();
              DataPage p =
                  flat
                      ? new DataPageV1(
                          BytesInput.from(bytes), n, uncompressed, nextRow, n, stats(),
                          encoding(d.getRepetition_level_encoding()),
                          encoding(d.getDefinition_level_encoding()),
                          encoding(d.getEncoding()))
                      : new DataPageV1(
                          BytesInput.from(bytes), n, uncompressed, stats(),
                          encoding(d.getRepetition_level_encoding()),
                          encoding(d.getDefinition_level_encoding()),
                          encoding(d.getEncoding()));
              taken(n);
              return p;
            }
          case DATA_PAGE_V2:
            {
              DataPageHeaderV2 d = h.getData_page_header_v2();
              int rl = d.getRepetition_levels_byte_length();
              int dl = d.getDefinition_levels_byte_length();
              byte[] raw = body(compressed);
              byte[] levels = java.util.Arrays.copyOfRange(raw, 0, rl + dl);
              byte[] data =
                  decompress(
                      java.util.Arrays.copyOfRange(raw, rl + dl, raw.length),
                      uncompressed - rl - dl,
                      !d.isSetIs_compressed() || d.isIs_compressed());
              int n = d.getNum_values();
              DataPage p =
                  flat
                      ? DataPageV2.uncompressed(
                          d.getNum_rows(), d.getNum_nulls(), n, nextRow,
                          BytesInput.from(levels, 0, rl), BytesInput.from(levels, rl, dl),
                          encoding(d.getEncoding()), BytesInput.from(data), stats())
                      : DataPageV2.uncompressed(
                          d.getNum_rows(), d.getNum_nulls(), n,
                          BytesInput.from(levels, 0, rl), BytesInput.from(levels, rl, dl),
                          encoding(d.getEncoding()), BytesInput.from(data), stats());
              taken(n);
              return p;
            }
          default:
            // An index page (or a dictionary page where none belongs): passed over.
            skip(compressed);
            break;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          e.getMessage() != null && e.getMessage().startsWith(file) ? e : fail("a page cannot be read", e));
    } catch (RuntimeException e) {
      throw new UncheckedIOException(fail("a page cannot be read", e));
    }
  }

  private void taken(int values) {
    valuesLeft -= values;
    nextRow += values;
  }

  private Statistics<?> stats() {
    return Statistics.getBuilderForReading(type).build();
  }

  private static Encoding encoding(org.apache.parquet.format.Encoding e) {
    return Encoding.valueOf(e.name());
  }

  private byte[] body(int n) throws IOException {
    byte[] b = new byte[n];
    int at = 0;
    while (at < n) {
      int k = in.read(b, at, n - at);
      if (k < 0) {
        throw new EOFException(file + ": column '" + column + "' ends inside a page");
      }
      at += k;
    }
    return b;
  }

  private void skip(int n) throws IOException {
    long left = n;
    while (left > 0) {
      long k = in.skip(left);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new EOFException(file + ": column '" + column + "' ends inside a page");
        }
        k = 1;
      }
      left -= k;
    }
  }

  private byte[] decompress(byte[] bytes, int uncompressed, boolean compressed) throws IOException {
    if (!compressed || codec == CompressionCodecName.UNCOMPRESSED) {
      if (bytes.length != uncompressed) {
        throw new IOException(
            file + ": a page of column '" + column + "' holds " + bytes.length + " bytes, its header says " + uncompressed);
      }
      return bytes;
    }
    if (codec == CompressionCodecName.SNAPPY) {
      if (Snappy.uncompressedLength(bytes, 0, bytes.length) != uncompressed) {
        throw new IOException(
            file + ": a Snappy page of column '" + column + "' does not expand to the " + uncompressed + " bytes its header says");
      }
      byte[] out = new byte[uncompressed];
      Snappy.uncompress(bytes, 0, bytes.length, out, 0);
      return out;
    }
    return codecs.getDecompressor(codec).decompress(BytesInput.from(bytes), uncompressed).toByteArray();
  }

  private IOException fail(String what, Throwable cause) {
    return new IOException(file + ": column '" + column + "': " + what + ": " + cause, cause);
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
