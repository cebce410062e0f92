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
  private final MessageColumnIO columnIO;
  private final RecordMaterializer<GenericRecord> materializer;
  private @Nullable RecordReader<GenericRecord> rows;
  private long left;

  private AvroParquetRows(
      ParquetFileReader reader, MessageColumnIO columnIO, RecordMaterializer<GenericRecord> m) {
    this.reader = reader;
    this.columnIO = columnIO;
    this.materializer = m;
  }

  /** Opens {@code file}; its footer is read now. */
  public static AvroParquetRows open(InputFile file) throws IOException {
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
      return new AvroParquetRows(reader, io, materializer);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The next row, or null after the last. */
  public @Nullable GenericRecord read() throws IOException {
    while (left == 0) {
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
    reader.close();
  }
}
