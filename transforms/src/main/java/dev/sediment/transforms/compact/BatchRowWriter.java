package dev.sediment.transforms.compact;

import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.parquet.LocalParquetFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows of {@link ColumnBatch}es to {@code data.parquet} with the very writer {@link
 * PartitionCompactor#writer} builds (parquet-java's {@code ParquetWriter}, same settings, the same
 * footer metadata as parquet-avro's: the Avro schema and {@code writer.model.name=avro}), but
 * straight from the vectors, with no Avro record per row. Values reach parquet-java's record
 * consumer in the calls parquet-avro makes for the same row (a null column is skipped), so page
 * and row group boundaries, and so the bytes, are those of the record path.
 *
 * <p>{@link dev.sediment.io.parquet.ParquetBatchWriter} is not used here: it writes a thousand values of a
 * column before the next column and checks page and row group sizes on its own schedule, so its
 * pages end elsewhere and the bytes would differ from every {@code data.parquet} written before.
 */
final class BatchRowWriter implements Closeable {
  private final ParquetWriter<Row> writer;
  private final Row row = new Row();

  /** The row written next: a row of a batch. */
  static final class Row {
    ColumnBatch batch;
    int index;
  }

  BatchRowWriter(Path file, BatchOrder order, List<MessageType> inputs) throws IOException {
    this.writer =
        PartitionCompactor.configure(
                new Builder(LocalParquetFile.of(file), order, inputs))
            .build();
  }

  void write(ColumnBatch b, int i) throws IOException {
    row.batch = b;
    row.index = i;
    writer.write(row);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final BatchOrder order;
    private final List<MessageType> inputs;

    Builder(org.apache.parquet.io.OutputFile file, BatchOrder order, List<MessageType> inputs) {
      super(file);
      this.order = order;
      this.inputs = inputs;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      Schema schema = order.schema();
      return new RowSupport(
          new AvroWriteSupport<>(PartitionCompactor.parquetSchema(conf, schema, inputs), schema, null),
          order);
    }
  }

  /** parquet-avro's write support for the footer, the vectors for the values. */
  private static final class RowSupport extends WriteSupport<Row> {
    private final AvroWriteSupport<GenericRecord> avro;
    private final BatchOrder order;
    private RecordConsumer out;

    RowSupport(AvroWriteSupport<GenericRecord> avro, BatchOrder order) {
      this.avro = avro;
      this.order = order;
    }

    @Override
    public String getName() {
      return avro.getName();
    }

    @Override
    public WriteContext init(Configuration conf) {
      return avro.init(conf);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
      avro.prepareForWrite(recordConsumer);
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
      return avro.finalizeWrite();
    }

    @Override
    public void write(Row r) {
      ColumnBatch b = r.batch;
      int i = r.index;
      RecordConsumer rc = out;
      rc.startMessage();
      int n = order.columns();
      for (int c = 0; c < n; c++) {
        ColumnVector v = b.column(c);
        if (v.isNull(i)) {
          if (!order.nullable(c)) {
            throw new RuntimeException("Null-value for required field: " + order.name(c));
          }
          continue;
        }
        String name = order.name(c);
        rc.startField(name, c);
        switch (order.kind(c)) {
          case INT:
            rc.addInteger(((IntColumn) v).values()[i]);
            break;
          case LONG:
            rc.addLong(((LongColumn) v).values()[i]);
            break;
          case FLOAT:
            rc.addFloat(((FloatColumn) v).values()[i]);
            break;
          case DOUBLE:
            rc.addDouble(((DoubleColumn) v).values()[i]);
            break;
          case BOOLEAN:
            rc.addBoolean(((BooleanColumn) v).get(i));
            break;
          default:
            {
              BinaryColumn s = (BinaryColumn) v;
              rc.addBinary(Binary.fromReusedByteArray(s.data(), s.start(i), s.length(i)));
              break;
            }
        }
        rc.endField(name, c);
      }
      rc.endMessage();
    }
  }
}
