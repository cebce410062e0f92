package dev.sediment.io.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rows of a Parquet file as Avro {@link GenericRecord}s, read row group by row group with
 * parquet-avro's own {@link AvroReadSupport}: the records are those {@code AvroParquetReader}
 * gives, without its per-reader Hadoop {@code Configuration} that loads and parses Hadoop's XML
 * default resources every time a reader is built (tens of milliseconds, which dominated the
 * compaction of partitions made of many small files).
 */
public final class AvroParquetRows implements Closeable {
  private final ParquetFileReader reader;
  private final ParquetPageGuard pageGuard;
  private final MessageColumnIO columnIO;
  private final RecordMaterializer<GenericRecord> materializer;
  private @Nullable RecordReader<GenericRecord> rows;
  private long left;
  private int stride = 1;
  private int offset;
  private int next;
  private int group = -1;

  private AvroParquetRows(
      ParquetFileReader reader,
      ParquetPageGuard pageGuard,
      MessageColumnIO columnIO,
      RecordMaterializer<GenericRecord> m) {
    this.reader = reader;
    this.pageGuard = pageGuard;
    this.columnIO = columnIO;
    this.materializer = m;
  }

  /**
   * Opens {@code file}; its footer is checked by {@link ParquetFooterGuard} (a {@link
   * CorruptFooterException} if it cannot be trusted) and read now. Each row group's page headers
   * are checked by {@link ParquetPageGuard} before the row group is read: {@link #read} throws a
   * {@link CorruptPageException} for a page that declares more than its column chunk holds.
   */
  public static AvroParquetRows open(InputFile file) throws IOException {
    ParquetFooterGuard.check(file);
    ParquetFileReader reader = ParquetFileReader.open(file);
    try {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      MessageType fileSchema = meta.getSchema();
      Configuration conf = new Configuration(false);
      AvroReadSupport<GenericRecord> support = new AvroReadSupport<>(GenericData.get());
      Map<String, Set<String>> kv = new HashMap<>();
      meta.getKeyValueMetaData().forEach((k, v) -> kv.put(k, Collections.singleton(v)));
      ReadSupport.ReadContext context = support.init(new InitContext(conf, kv, fileSchema));
      RecordMaterializer<GenericRecord> materializer =
          support.prepareForRead(conf, meta.getKeyValueMetaData(), fileSchema, context);
      MessageType requested = context.getRequestedSchema();
      reader.setRequestedSchema(requested);
      MessageColumnIO io =
          new ColumnIOFactory(meta.getCreatedBy()).getColumnIO(requested, fileSchema, true);
      return new AvroParquetRows(
          reader, new ParquetPageGuard(file, reader.getRowGroups()), io, materializer);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The file's footer metadata (schema, key-value metadata). */
  public FileMetaData fileMetaData() {
    return reader.getFooter().getFileMetaData();
  }

  /** The Avro schema parquet-avro stored in the footer, else the conversion of the Parquet one. */
  public org.apache.avro.Schema avroSchema() {
    return avroSchemaOf(fileMetaData());
  }

  /** The Avro schema parquet-avro stored in {@code meta}, else the conversion of its schema. */
  public static org.apache.avro.Schema avroSchemaOf(FileMetaData meta) {
    String avro = meta.getKeyValueMetaData().get("parquet.avro.schema");
    if (avro != null) {
      return new org.apache.avro.Schema.Parser().parse(avro);
    }
    org.apache.avro.Schema converted =
        new org.apache.parquet.avro.AvroSchemaConverter(new Configuration(false))
            .convert(meta.getSchema());
    // Avro 1.11 has no timestamp-nanos, so the converter leaves a UTC TIMESTAMP(NANOS) column a
    // plain long; mark it as parquet-avro itself writes it, so the column keeps its meaning.
    for (org.apache.parquet.schema.Type t : meta.getSchema().getFields()) {
      org.apache.parquet.schema.LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
      if (t.isPrimitive()
          && a instanceof org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
          && ((org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a)
                  .getUnit()
              == org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.NANOS
          && ((org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a)
              .isAdjustedToUTC()) {
        org.apache.avro.Schema.Field f = converted.getField(t.getName());
        if (f == null) {
          continue;
        }
        org.apache.avro.Schema fs = f.schema();
        if (fs.getType() == org.apache.avro.Schema.Type.UNION) {
          for (org.apache.avro.Schema u : fs.getTypes()) {
            if (u.getType() == org.apache.avro.Schema.Type.LONG && u.getProp("logicalType") == null) {
              u.addProp("logicalType", "timestamp-nanos");
            }
          }
        } else if (fs.getType() == org.apache.avro.Schema.Type.LONG
            && fs.getProp("logicalType") == null) {
          fs.addProp("logicalType", "timestamp-nanos");
        }
      }
    }
    return converted;
  }

  /** The number of row groups in the file. */
  public int rowGroups() {
    return reader.getRowGroups().size();
  }

  /**
   * Reads only the row groups whose index {@code i} has {@code i % stride == offset}: several
   * readers of one file, each with its own offset, share its row groups between threads. Call
   * before the first {@link #read}.
   */
  public AvroParquetRows onlyRowGroups(int stride, int offset) {
    if (stride < 1 || offset < 0 || offset >= stride) {
      throw new IllegalArgumentException("row group stride " + stride + ", offset " + offset);
    }
    this.stride = stride;
    this.offset = offset;
    return this;
  }

  /** The index of the row group the last row came from. */
  public int rowGroup() {
    return group;
  }

  /** The next row, or null after the last. */
  public @Nullable GenericRecord read() throws IOException {
    while (left == 0) {
      while ((next % stride) != offset) {
        if (!reader.skipNextRowGroup()) {
          return null;
        }
        next++;
      }
      group = next++;
      if (group < reader.getRowGroups().size()) {
        pageGuard.checkRowGroup(group);
      }
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        return null;
      }
      rows = columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
      left = pages.getRowCount();
    }
    left--;
    return rows.read();
  }

  @Override
  public void close() throws IOException {
    try {
      pageGuard.close();
    } finally {
      reader.close();
    }
  }
}
