package dev.sediment.transforms.compact;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.parquet.ParquetBatchReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.SynchronousQueue;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.InputFile;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The sorted runs of the columnar merge ({@link ColumnarMerge}): a spool file read as batches of
 * the rows of one date, a spilled run of {@link ColumnBatchCoder}-encoded batches, and the thread
 * that decodes a run a batch ahead of the merge.
 */
final class ColumnarRuns {
  private ColumnarRuns() {}

  /** Rows per spilled batch: small, so 64 open spilled runs hold little. */
  static final int SPILL_ROWS = 4096;

  static final long SPILL_BYTES = 256L << 10;

  /** Something that can be opened as a sorted stream of batches. */
  interface Run {
    Batches open() throws IOException;
  }

  /** A stream of batches; {@code next} gives null at the end. */
  interface Batches extends AutoCloseable {
    @Nullable ColumnBatch next() throws IOException;

    @Override
    void close() throws IOException;
  }

  /** The schema spilled batches have: the order's columns, all nullable. */
  static BatchSchema spillSchema(BatchOrder order) {
    List<BatchField> fields = new ArrayList<>();
    for (int c = 0; c < order.columns(); c++) {
      ColumnType t;
      switch (order.kind(c)) {
        case INT:
          t = ColumnType.INT32;
          break;
        case LONG:
          t = ColumnType.INT64;
          break;
        case FLOAT:
          t = ColumnType.FLOAT;
          break;
        case DOUBLE:
          t = ColumnType.DOUBLE;
          break;
        case BOOLEAN:
          t = ColumnType.BOOLEAN;
          break;
        case STRING:
          t = ColumnType.STRING;
          break;
        default:
          t = ColumnType.BYTES;
          break;
      }
      fields.add(BatchField.of(order.name(c), t, true));
    }
    return BatchSchema.of(fields);
  }

  /**
   * The rows of a spool file that lie on the day starting at {@code dayStart} (first sort key in
   * nanoseconds, {@code nanosPerUnit} from its TIMESTAMP unit), as batches. Rows with a null sort
   * key go to {@code nulls} (when this task quarantines them) and are left out.
   */
  static final class FileRows implements Batches {
    private final ParquetBatchReader reader;
    private final BatchOrder order;
    private final long nanosPerUnit;
    private final long dayStart;
    private final NullKeyRows.@Nullable Sink nulls;

    FileRows(
        ResourceId file,
        InputFile input,
        BatchOrder order,
        long nanosPerUnit,
        long dayStart,
        NullKeyRows.@Nullable Sink nulls,
        int maxRows,
        long maxBytes)
        throws IOException {
      this.reader =
          ParquetBatchReader.open(input, file.toString())
              .withBatchLimits(maxRows, maxBytes)
              .withStreamingPages();
      this.order = order;
      this.nanosPerUnit = nanosPerUnit;
      this.dayStart = dayStart;
      this.nulls = nulls;
      if (reader.schema().size() != order.columns()) {
        throw new IOException(file + ": has " + reader.schema().size() + " columns, not " + order.columns());
      }
    }

    @Override
    public @Nullable ColumnBatch next() throws IOException {
      ColumnBatch b;
      while ((b = reader.next()) != null) {
        int n = b.rowCount();
        boolean nullKeys = order.anyNullKey(b);
        boolean[] keep = null;
        for (int i = 0; i < n; i++) {
          boolean on;
          String nullKey = nullKeys ? order.nullKey(b, i) : null;
          if (nullKey != null) {
            if (nulls != null) {
              nulls.add(order.toRecord(b, i), b.rowIndex(i), nullKey);
            }
            on = false;
          } else {
            long ts = SpoolFileCheck.toNanos(order.key(b, 0, i), nanosPerUnit);
            on = ts >= dayStart && ts - dayStart < PartitionCompactor.NANOS_PER_DAY;
          }
          if (!on && keep == null) {
            keep = new boolean[n];
            java.util.Arrays.fill(keep, 0, i, true);
          }
          if (keep != null) {
            keep[i] = on;
          }
        }
        if (keep != null) {
          b = b.filter(keep);
        }
        if (b.rowCount() > 0) {
          return b;
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      try {
        reader.close();
      } finally {
        if (nulls != null) {
          nulls.close();
        }
      }
    }
  }

  /** A sorted spool file merged straight from Parquet. */
  static final class ParquetRun implements Run {
    final ResourceId file;
    final InputFile input;
    final BatchOrder order;
    final long nanosPerUnit;
    final long dayStart;
    final NullKeyRows nullRows;
    final long batchBytes;

    ParquetRun(
        ResourceId file,
        InputFile input,
        BatchOrder order,
        long nanosPerUnit,
        long dayStart,
        NullKeyRows nullRows,
        long batchBytes) {
      this.file = file;
      this.input = input;
      this.order = order;
      this.nanosPerUnit = nanosPerUnit;
      this.dayStart = dayStart;
      this.nullRows = nullRows;
      this.batchBytes = batchBytes;
    }

    @Override
    public Batches open() throws IOException {
      NullKeyRows.Sink nulls = nullRows.open(file);
      try {
        return new FileRows(
            file, input, order, nanosPerUnit, dayStart, nulls, ColumnBatch.DEFAULT_MAX_ROWS, batchBytes);
      } catch (IOException | RuntimeException e) {
        if (nulls != null) {
          nulls.close();
        }
        throw e;
      }
    }
  }

  /** Writes one spilled run: batches of at most {@link #SPILL_ROWS} rows, each after a 1 byte. */
  static final class SpillWriter implements AutoCloseable {
    final SpilledRun run;
    private final ColumnBatchCoder coder;
    private final DataOutputStream out;
    private boolean closed;

    SpillWriter(ColumnBatchCoder coder, Path spill) throws IOException {
      this.run = new SpilledRun(spill.resolve("run-" + UUID.randomUUID() + ".batches"), coder);
      this.coder = coder;
      this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run.file), 1 << 16));
    }

    /** Appends the rows of {@code b}, whose columns are those of the spill schema's classes. */
    void append(ColumnBatch b) throws IOException {
      ColumnBatch as = retype(b);
      int n = as.rowCount();
      for (int from = 0; from < n; from += SPILL_ROWS) {
        ColumnBatch part = from == 0 && n <= SPILL_ROWS ? as : as.slice(from, Math.min(n, from + SPILL_ROWS));
        out.writeByte(1);
        coder.encode(part, out);
      }
    }

    /** {@code b} under the spill schema: the same vectors, whatever their nullability. */
    private ColumnBatch retype(ColumnBatch b) {
      if (b.schema().equals(coder.schema())) {
        return b;
      }
      if (b.sources().size() != 1) {
        throw new IllegalArgumentException("a spool batch has one source, not " + b.sources());
      }
      int n = b.rowCount();
      ColumnVector[] columns = new ColumnVector[b.schema().size()];
      for (int c = 0; c < columns.length; c++) {
        columns[c] = b.column(c);
      }
      long[] rows = new long[n];
      for (int i = 0; i < n; i++) {
        rows[i] = b.rowIndex(i);
      }
      return new ColumnBatch(coder.schema(), n, columns, b.sources(), null, rows, null, null);
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        out.writeByte(0);
        out.close();
      }
    }
  }

  /** A spilled, sorted run; deleted with the spill directory. */
  static final class SpilledRun implements Run {
    final Path file;
    private final ColumnBatchCoder coder;

    SpilledRun(Path file, ColumnBatchCoder coder) {
      this.file = file;
      this.coder = coder;
    }

    @Override
    public Batches open() throws IOException {
      DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      return new Batches() {
        boolean ended;

        @Override
        public @Nullable ColumnBatch next() throws IOException {
          if (ended || in.readByte() == 0) {
            ended = true;
            return null;
          }
          return coder.decode(in);
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }
  }

  /**
   * Opens and reads a run on its own thread, a batch ahead of the merge (at most three batches in
   * memory), so decoding overlaps the merge and the writer. A failure to open or read reaches the
   * merge as {@link PartitionCompactor.RunFailed} naming the run.
   */
  static final class Prefetch implements AutoCloseable {
    private static final Object END = new Object();
    private final Run runSource;
    private final int run;
    private final SynchronousQueue<Object> handoff = new SynchronousQueue<>();
    private final Thread thread;
    private volatile @Nullable Batches source;
    private volatile boolean closed;
    private boolean ended;
    long delivered;

    Prefetch(Run runSource, int run) {
      this.runSource = runSource;
      this.run = run;
      this.thread = new Thread(this::produce, "sediment-compact-read-" + run);
      thread.setDaemon(true);
      thread.start();
    }

    private void produce() {
      try {
        Batches s = runSource.open();
        this.source = s;
        while (!closed) {
          ColumnBatch b = s.next();
          if (b == null) {
            handoff.put(END);
            return;
          }
          handoff.put(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        try {
          handoff.put(t);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** The next batch of the run, or null at its end. */
    @Nullable ColumnBatch next() {
      if (ended) {
        return null;
      }
      Object o;
      try {
        o = handoff.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PartitionCompactor.RunFailed(run, e);
      }
      if (o instanceof Throwable) {
        ended = true;
        Throwable t = (Throwable) o;
        throw new PartitionCompactor.RunFailed(
            run, t instanceof java.io.UncheckedIOException ? t.getCause() : t);
      }
      if (o == END) {
        ended = true;
        return null;
      }
      ColumnBatch b = (ColumnBatch) o;
      delivered += b.rowCount();
      return b;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Batches s = source;
      if (s != null) {
        s.close();
      }
    }
  }
}
