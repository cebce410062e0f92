package dev.sediment.transforms.compact;

import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.parquet.ParquetBatchWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes the merged rows of {@link ColumnarMerge} to {@code data.parquet}: the merge hands over
 * (batch, row) positions, which are gathered column by column into output batches of up to
 * {@link #ROWS} rows, and each batch is encoded a page at a time by {@link ParquetBatchWriter}
 * (Sediment's page encoders) rather than value by value through parquet-java's column writers.
 *
 * <p>The file is what the record path ({@link PartitionCompactor#writer}) writes, apart from where
 * pages and row groups end: the same Parquet schema (Avro's conversion of the partition schema,
 * with the inputs' TIMESTAMP annotations, under the Avro record's name), the same footer metadata
 * (parquet-avro's {@code parquet.avro.schema} and {@code writer.model.name}), Snappy, 1 MiB
 * pages, 32 MiB row groups, dictionary encoding. The bytes depend on the rows only: {@link
 * ParquetBatchWriter} cuts pages and row groups at value counts and sizes, not at batch borders,
 * so neither {@link #ROWS} nor the runs' batching changes them.
 *
 * <p>Encoding runs on a thread of its own, one batch behind the gathering (so at most two output
 * batches are in memory): the merge and the page encoders overlap. The batches reach the one
 * {@link ParquetBatchWriter} in the order they were gathered, so the bytes are those of encoding
 * them on the merge's thread.
 */
final class MergedRowsWriter implements Closeable {
  /** Rows gathered before they are encoded. */
  static final int ROWS = 16_384;

  /** String and bytes values gathered before they are encoded, at most. */
  static final long BINARY_BYTES = 4L << 20;

  private static final String SOURCE = "compaction";

  private final BatchOrder order;
  private final BatchSchema schema;
  private final ParquetBatchWriter writer;
  private final int maxRows;
  private final long maxBinaryBytes;
  private final long[] noRowIndex;

  /** The batches rows are gathered from, in first-use order; a row names one by its index. */
  private ColumnBatch[] sources = new ColumnBatch[64];

  private int sourceCount;
  /** Per run: the batch it handed over last, and its index in {@link #sources}. */
  private ColumnBatch[] runBatch = new ColumnBatch[0];

  private int[] runSource = new int[0];
  private final int[] from;
  private final int[] rows;
  private int n;
  private long binaryBytes;
  private boolean finished;
  private final ExecutorService encoder =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sediment-compact-encode");
            t.setDaemon(true);
            return t;
          });
  /** The batch being encoded, or null. */
  private Future<?> encoding;

  MergedRowsWriter(Path file, BatchOrder order, List<MessageType> inputs) throws IOException {
    this(file, order, inputs, ROWS, BINARY_BYTES);
  }

  /** With other gathering limits (tests: the bytes do not depend on them). */
  MergedRowsWriter(Path file, BatchOrder order, List<MessageType> inputs, int maxRows, long maxBinaryBytes)
      throws IOException {
    this.order = order;
    this.maxRows = maxRows;
    this.maxBinaryBytes = maxBinaryBytes;
    this.from = new int[maxRows];
    this.rows = new int[maxRows];
    this.noRowIndex = new long[maxRows];
    Configuration conf = new Configuration(false);
    MessageType type = PartitionCompactor.parquetSchema(conf, order.schema(), inputs);
    this.schema = ParquetBatchReader.schemaOf(type);
    ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file,
            schema,
            ParquetBatchWriter.Options.defaults()
                .withCompression(CompressionCodecName.SNAPPY)
                .withRowGroupBytes(PartitionCompactor.ROW_GROUP_BYTES)
                .withPageBytes(PartitionCompactor.PAGE_BYTES)
                .withDictionary(true)
                .withMessageName(type.getName())
                .withKeyValueMetadata(footer(conf, order, type)));
    if (!w.parquetSchema().equals(type)) {
      w.close();
      throw new IllegalStateException(
          "the batch writer's schema " + w.parquetSchema() + " is not the compacted file's " + type);
    }
    this.writer = w;
  }

  /** parquet-avro's footer metadata for {@code type}, as {@code ParquetWriter} writes it. */
  static Map<String, String> footer(Configuration conf, BatchOrder order, MessageType type) {
    AvroWriteSupport<GenericRecord> avro = new AvroWriteSupport<>(type, order.schema(), null);
    WriteSupport.WriteContext ctx = avro.init(conf);
    Map<String, String> meta = new HashMap<>(ctx.getExtraMetaData());
    meta.put(ParquetWriter.OBJECT_MODEL_NAME_PROP, avro.getName());
    meta.putAll(avro.finalizeWrite().getExtraMetaData());
    return meta;
  }

  /** Appends row {@code i} of {@code b}, the current batch of merge run {@code run}. */
  void write(int run, ColumnBatch b, int i) throws IOException {
    if (run >= runBatch.length) {
      runBatch = Arrays.copyOf(runBatch, run + 1);
      runSource = Arrays.copyOf(runSource, run + 1);
    }
    int s;
    if (runBatch[run] == b) {
      s = runSource[run];
    } else {
      if (sourceCount == sources.length) {
        sources = Arrays.copyOf(sources, sourceCount * 2);
      }
      s = sourceCount++;
      sources[s] = b;
      runBatch[run] = b;
      runSource[run] = s;
    }
    from[n] = s;
    rows[n] = i;
    n++;
    for (int c : order.binaryColumns()) {
      binaryBytes += ((BinaryColumn) b.column(c)).length(i);
    }
    if (n == maxRows || binaryBytes >= maxBinaryBytes) {
      flush();
    }
  }

  /** Encodes the gathered rows and lets go of the batches they came from. */
  private void flush() throws IOException {
    if (n == 0) {
      return;
    }
    ColumnVector[] columns = new ColumnVector[order.columns()];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = gather(c);
    }
    ColumnBatch out = new ColumnBatch(schema, n, columns, List.of(SOURCE), null, noRowIndex, null, null);
    awaitEncoding();
    encoding =
        encoder.submit(
            () -> {
              writer.write(out);
              return null;
            });
    Arrays.fill(sources, 0, sourceCount, null);
    Arrays.fill(runBatch, null);
    sourceCount = 0;
    n = 0;
    binaryBytes = 0;
  }

  /** Column {@code c} of the gathered rows. */
  private ColumnVector gather(int c) {
    boolean[] nulls = nulls(c);
    switch (order.kind(c)) {
      case INT:
        {
          int[][] src = new int[sourceCount][];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = ((IntColumn) sources[s].column(c)).values();
          }
          int[] out = new int[n];
          for (int k = 0; k < n; k++) {
            out[k] = src[from[k]][rows[k]];
          }
          return new IntColumn(out, nulls, n);
        }
      case LONG:
        {
          long[][] src = new long[sourceCount][];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = ((LongColumn) sources[s].column(c)).values();
          }
          long[] out = new long[n];
          for (int k = 0; k < n; k++) {
            out[k] = src[from[k]][rows[k]];
          }
          return new LongColumn(out, nulls, n);
        }
      case FLOAT:
        {
          float[][] src = new float[sourceCount][];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = ((FloatColumn) sources[s].column(c)).values();
          }
          float[] out = new float[n];
          for (int k = 0; k < n; k++) {
            out[k] = src[from[k]][rows[k]];
          }
          return new FloatColumn(out, nulls, n);
        }
      case DOUBLE:
        {
          double[][] src = new double[sourceCount][];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = ((DoubleColumn) sources[s].column(c)).values();
          }
          double[] out = new double[n];
          for (int k = 0; k < n; k++) {
            out[k] = src[from[k]][rows[k]];
          }
          return new DoubleColumn(out, nulls, n);
        }
      case BOOLEAN:
        {
          boolean[][] src = new boolean[sourceCount][];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = ((BooleanColumn) sources[s].column(c)).values();
          }
          boolean[] out = new boolean[n];
          for (int k = 0; k < n; k++) {
            out[k] = src[from[k]][rows[k]];
          }
          return new BooleanColumn(out, nulls, n);
        }
      default:
        {
          BinaryColumn[] src = new BinaryColumn[sourceCount];
          for (int s = 0; s < sourceCount; s++) {
            src[s] = (BinaryColumn) sources[s].column(c);
          }
          int[] offsets = new int[n + 1];
          long total = 0;
          for (int k = 0; k < n; k++) {
            total += src[from[k]].length(rows[k]);
          }
          if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(
                "column '" + order.name(c) + "': " + total + " bytes of values in " + n + " rows");
          }
          byte[] data = new byte[(int) total];
          int at = 0;
          for (int k = 0; k < n; k++) {
            BinaryColumn v = src[from[k]];
            int r = rows[k];
            int len = v.length(r);
            System.arraycopy(v.data(), v.start(r), data, at, len);
            at += len;
            offsets[k + 1] = at;
          }
          return new BinaryColumn(offsets, data, nulls, n);
        }
    }
  }

  /**
   * The null mask of column {@code c} of the gathered rows, or null when no row is null. A null in
   * a column the file has as REQUIRED fails as parquet-avro fails on it.
   */
  private boolean[] nulls(int c) {
    boolean any = false;
    for (int s = 0; s < sourceCount && !any; s++) {
      any = sources[s].column(c).hasNulls();
    }
    if (!any) {
      return null;
    }
    boolean[] out = new boolean[n];
    boolean seen = false;
    for (int k = 0; k < n; k++) {
      if (sources[from[k]].column(c).isNull(rows[k])) {
        out[k] = true;
        seen = true;
      }
    }
    if (seen && !schema.field(c).nullable()) {
      throw new RuntimeException("Null-value for required field: " + order.name(c));
    }
    return seen ? out : null;
  }

  /** Waits for the batch being encoded; its failure is thrown here. */
  private void awaitEncoding() throws IOException {
    Future<?> f = encoding;
    if (f == null) {
      return;
    }
    encoding = null;
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while encoding the compacted file");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IOException(c);
    }
  }

  /** Writes the rows gathered so far, the last row group and the footer. */
  void finish() throws IOException {
    flush();
    awaitEncoding();
    finished = true;
    try {
      writer.close();
    } finally {
      encoder.shutdown();
    }
  }

  /**
   * Closes the file; without {@link #finish} (the merge failed), rows still gathered are left out
   * of a file that is deleted anyway.
   */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    n = 0;
    try {
      Future<?> f = encoding;
      encoding = null;
      if (f != null) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // The merge's own failure is being thrown; this one adds nothing.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      encoder.shutdown();
      writer.close();
    }
  }
}
