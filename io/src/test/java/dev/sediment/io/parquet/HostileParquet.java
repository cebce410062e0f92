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
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Parquet files whose footers lie, built byte by byte from a valid file written by parquet-java:
 * the footer is cut out, patched and put back with its length and magic.
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
}
