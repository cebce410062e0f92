package dev.sediment.transforms.compact;

import java.io.IOException;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.InputFile;

/** Reading a spool file's schema, and classifying a failure to read it. */
final class SpoolFileCheck {
  private SpoolFileCheck() {}

  /** A file that cannot be used, with the typed reason. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final CompactError type;

    Rejected(CompactError type, String message) {
      super(message);
      this.type = type;
    }
  }

  /** The Avro schema the file was written with (or converted from its Parquet schema). */
  static Schema schemaOf(InputFile file) throws Rejected {
    try (ParquetFileReader r = ParquetFileReader.open(file)) {
      FileMetaData meta = r.getFooter().getFileMetaData();
      String avro = meta.getKeyValueMetaData().get("parquet.avro.schema");
      return avro != null
          ? new Schema.Parser().parse(avro)
          : new AvroSchemaConverter().convert(meta.getSchema());
    } catch (IOException | RuntimeException e) {
      throw new Rejected(CompactError.CORRUPT_FOOTER, "the Parquet footer does not read: " + text(e));
    }
  }

  static ParquetReader<GenericRecord> open(InputFile file) throws IOException {
    return AvroParquetReader.<GenericRecord>builder(file).build();
  }

  /** Classifies a failure while reading rows. */
  static Rejected classify(Throwable e) {
    String all = chain(e).toLowerCase(Locale.ROOT);
    if (all.contains("snappy") || all.contains("failed_to_uncompress")) {
      return new Rejected(CompactError.SNAPPY_CORRUPT, "a Snappy page does not decompress: " + text(e));
    }
    if (all.contains("dictionary")) {
      return new Rejected(CompactError.DICT_CONFLICT, "a dictionary page does not decode: " + text(e));
    }
    return new Rejected(CompactError.UNREADABLE, "the rows do not read: " + text(e));
  }

  private static String chain(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  static String text(Throwable e) {
    String msg = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        msg = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
