package dev.sediment.io.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet files whose footers or page headers lie, built byte by byte from a valid file written by
 * parquet-java: the footer is cut out, patched and put back with its length and magic; a page
 * header is re-serialized in place, the bytes after it shift and the footer's offsets follow.
 */
public final class HostileParquet {
  public static final String AVRO =
      "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}";

  private HostileParquet() {}

  /** A valid file of {@code rows} rows (id, name). */
  public static byte[] valid(Path dir, int rows) throws IOException {
    Schema schema = new Schema.Parser().parse(AVRO);
    Path f = Files.createTempFile(dir, "valid", ".parquet");
    Files.delete(f);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(f))
            .withConf(new Configuration(false))
            .withSchema(schema)
            .build()) {
      for (int i = 0; i < rows; i++) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("id", (long) i);
        r.put("name", "n" + i);
        w.write(r);
      }
    }
    byte[] bytes = Files.readAllBytes(f);
    Files.delete(f);
    return bytes;
  }

  /** The footer's bytes (the Thrift FileMetaData). */
  public static byte[] footer(byte[] file) {
    int len = footerLength(file);
    return Arrays.copyOfRange(file, file.length - 8 - len, file.length - 8);
  }

  static int footerLength(byte[] file) {
    int at = file.length - 8;
    return (file[at] & 0xff)
        | (file[at + 1] & 0xff) << 8
        | (file[at + 2] & 0xff) << 16
        | (file[at + 3] & 0xff) << 24;
  }

  /** {@code file} with its footer replaced by {@code footer} (length field and magic rewritten). */
  public static byte[] withFooter(byte[] file, byte[] footer) {
    byte[] data = Arrays.copyOf(file, file.length - 8 - footerLength(file));
    return assemble(data, footer, footer.length);
  }

  static byte[] assemble(byte[] data, byte[] footer, long declaredLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(data);
    out.writeBytes(footer);
    out.write((int) declaredLength);
    out.write((int) (declaredLength >>> 8));
    out.write((int) (declaredLength >>> 16));
    out.write((int) (declaredLength >>> 24));
    out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /**
   * The footer's schema list (FileMetaData field 2) declares 2^31-1 elements: the list header
   * after the version field is patched to the long form {@code 0xFC} + varint. Everything else is
   * as parquet-java wrote it.
   */
  public static byte[] lyingSchemaCount(byte[] file) {
    byte[] footer = footer(file);
    // Field 1 (version, i32): header 0x15, then a varint. Field 2 (schema, list): header 0x19.
    if (footer[0] != 0x15) {
      throw new IllegalStateException("unexpected footer start " + footer[0]);
    }
    int i = 1;
    while ((footer[i] & 0x80) != 0) {
      i++;
    }
    i++;
    if (footer[i] != 0x19) {
      throw new IllegalStateException("no schema list at " + i);
    }
    int listHeader = i + 1;
    int after = listHeader + 1;
    if ((footer[listHeader] & 0xf0) == 0xf0) {
      after = listHeader + 1;
      while ((footer[after] & 0x80) != 0) {
        after++;
      }
      after++;
    }
    ByteArrayOutputStream patched = new ByteArrayOutputStream();
    patched.write(footer, 0, listHeader);
    patched.writeBytes(new byte[] {(byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
    patched.write(footer, after, footer.length - after);
    return withFooter(file, patched.toByteArray());
  }

  /**
   * The smallest lie, as found in the wild: 101 bytes, magic, a footer that is a version field and
   * a schema list of 2^31-1 struct elements, padding, the length and the magic.
   */
  public static byte[] tinyLyingFooter() {
    byte[] footer = new byte[81];
    byte[] head = {0x15, 0x02, 0x19, (byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    System.arraycopy(head, 0, footer, 0, head.length);
    Arrays.fill(footer, head.length, footer.length, (byte) 0x00);
    byte[] data = new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0, 0, 0, 0, 0};
    return assemble(data, footer, footer.length);
  }

  /** The footer cut after {@code keep} of its bytes; length field and magic say so. */
  public static byte[] truncatedFooter(byte[] file, int keep) {
    return withFooter(file, Arrays.copyOf(footer(file), keep));
  }

  /** The footer length field declares more bytes than the whole file. */
  public static byte[] footerLongerThanFile(byte[] file) {
    byte[] data = Arrays.copyOf(file, file.length - 8 - footerLength(file));
    return assemble(data, footer(file), file.length + 1000L);
  }

  /** The footer rewritten through parquet-format's own Thrift classes after {@code edit}. */
  public static byte[] editFooter(byte[] file, Consumer<FileMetaData> edit) throws IOException {
    FileMetaData meta = Util.readFileMetaData(new java.io.ByteArrayInputStream(footer(file)));
    edit.accept(meta);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, out);
    return withFooter(file, out.toByteArray());
  }

  /**
   * A valid file of {@code rows} rows (id, name) written with {@code codec} and page format {@code
   * version}, in row groups of about {@code rowGroupBytes}: {@code name} repeats seven values, so
   * it is dictionary-encoded (a dictionary page, then data pages).
   */
  public static byte[] written(
      Path dir, int rows, CompressionCodecName codec, WriterVersion version, long rowGroupBytes)
      throws IOException {
    Schema schema = new Schema.Parser().parse(AVRO);
    Path f = Files.createTempFile(dir, "written", ".parquet");
    Files.delete(f);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(f))
            .withConf(new Configuration(false))
            .withSchema(schema)
            .withCompressionCodec(codec)
            .withWriterVersion(version)
            .withDictionaryEncoding(true)
            .withRowGroupSize(rowGroupBytes)
            .withPageSize(4096)
            .build()) {
      for (int i = 0; i < rows; i++) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("id", (long) i);
        r.put("name", "name-" + (i % 7));
        w.write(r);
      }
    }
    byte[] bytes = Files.readAllBytes(f);
    Files.delete(f);
    return bytes;
  }

  /** Where a page starts and its header as parquet-format reads it. */
  public static final class Page {
    public final long offset;
    public final int headerLength;
    public final PageHeader header;

    Page(long offset, int headerLength, PageHeader header) {
      this.offset = offset;
      this.headerLength = headerLength;
      this.header = header;
    }
  }

  /**
   * The pages of {@code column}'s chunk in row group {@code rowGroup}, in file order (the
   * dictionary page first if there is one).
   */
  public static java.util.List<Page> pages(byte[] file, int rowGroup, String column)
      throws IOException {
    ColumnMetaData md = chunk(readFooter(file), rowGroup, column).getMeta_data();
    long pos = start(md);
    long end = pos + md.getTotal_compressed_size();
    java.util.List<Page> out = new java.util.ArrayList<>();
    while (pos < end) {
      java.io.ByteArrayInputStream in =
          new java.io.ByteArrayInputStream(file, (int) pos, file.length - (int) pos);
      int before = in.available();
      PageHeader h = Util.readPageHeader(in);
      int length = before - in.available();
      out.add(new Page(pos, length, h));
      pos += length + h.getCompressed_page_size();
    }
    return out;
  }

  /**
   * {@code file} with the header of page {@code index} (0 = the first, the dictionary page if
   * there is one) of {@code column}'s chunk in row group {@code rowGroup} edited by {@code edit}
   * and re-serialized. The bytes after it shift by the change in the header's length, and every
   * offset and size in the footer follows, so only the edited header lies.
   */
  public static byte[] editPageHeader(
      byte[] file, int rowGroup, String column, int index, Consumer<PageHeader> edit)
      throws IOException {
    Page page = pages(file, rowGroup, column).get(index);
    PageHeader h = page.header.deepCopy();
    edit.accept(h);
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    Util.writePageHeader(h, header);
    byte[] bytes = header.toByteArray();
    long delta = bytes.length - page.headerLength;
    int dataEnd = file.length - 8 - footerLength(file);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write(file, 0, (int) page.offset);
    data.writeBytes(bytes);
    int after = (int) page.offset + page.headerLength;
    data.write(file, after, dataEnd - after);
    FileMetaData meta = readFooter(file);
    ColumnChunk edited = chunk(meta, rowGroup, column);
    long at = page.offset;
    for (RowGroup g : meta.getRow_groups()) {
      if (g.isSetFile_offset()) {
        g.setFile_offset(shift(g.getFile_offset(), at, delta));
      }
      for (ColumnChunk c : g.getColumns()) {
        c.setFile_offset(shift(c.getFile_offset(), at, delta));
        if (c.isSetOffset_index_offset()) {
          c.setOffset_index_offset(shift(c.getOffset_index_offset(), at, delta));
        }
        if (c.isSetColumn_index_offset()) {
          c.setColumn_index_offset(shift(c.getColumn_index_offset(), at, delta));
        }
        ColumnMetaData md = c.getMeta_data();
        md.setData_page_offset(shift(md.getData_page_offset(), at, delta));
        if (md.isSetDictionary_page_offset()) {
          md.setDictionary_page_offset(shift(md.getDictionary_page_offset(), at, delta));
        }
        if (md.isSetIndex_page_offset()) {
          md.setIndex_page_offset(shift(md.getIndex_page_offset(), at, delta));
        }
        if (md.isSetBloom_filter_offset()) {
          md.setBloom_filter_offset(shift(md.getBloom_filter_offset(), at, delta));
        }
        if (c == edited) {
          md.setTotal_compressed_size(md.getTotal_compressed_size() + delta);
          if (g.isSetTotal_compressed_size()) {
            g.setTotal_compressed_size(g.getTotal_compressed_size() + delta);
          }
        }
      }
    }
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, footer);
    byte[] f = footer.toByteArray();
    return assemble(data.toByteArray(), f, f.length);
  }

  private static long shift(long offset, long at, long delta) {
    return offset > at ? offset + delta : offset;
  }

  private static FileMetaData readFooter(byte[] file) throws IOException {
    return Util.readFileMetaData(new java.io.ByteArrayInputStream(footer(file)));
  }

  private static ColumnChunk chunk(FileMetaData meta, int rowGroup, String column) {
    for (ColumnChunk c : meta.getRow_groups().get(rowGroup).getColumns()) {
      if (String.join(".", c.getMeta_data().getPath_in_schema()).equals(column)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no column " + column + " in row group " + rowGroup);
  }

  private static long start(ColumnMetaData md) {
    return md.isSetDictionary_page_offset()
            && md.getDictionary_page_offset() > 0
            && md.getDictionary_page_offset() < md.getData_page_offset()
        ? md.getDictionary_page_offset()
        : md.getData_page_offset();
  }
}
