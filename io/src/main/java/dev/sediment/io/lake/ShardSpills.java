package dev.sediment.io.lake;

import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.parquet.ParquetBatchWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The spill files of {@link WriteBatches}: segments of rows written by one bundle to one file of
 * the run's spill directory ({@link Spiller}), and read back in (source, row index) order to be
 * written as a Parquet file ({@link #writeInOrder}) holding at most {@value #FAN_IN} segments in
 * memory, however many there are.
 */
final class ShardSpills {
  /** Runs merged at once; more interleaving runs are first merged into longer spilled runs. */
  static final int FAN_IN = 16;

  /**
   * The rows {@link ParquetBatchWriter} writes before it checks page and row group sizes: it cuts
   * pages only at such chunk boundaries, counted from the start of each batch. Handing it batches
   * of a multiple of this many rows makes a file's bytes depend on its rows alone, not on how they
   * were cut into batches.
   */
  static final int WRITER_CHUNK_ROWS = 1024;

  private ShardSpills() {}

  /** Where one bundle spills: one file, created on the first segment, named at random. */
  static final class Spiller implements Closeable {
    private final ResourceId spillDir;
    private final ColumnBatchCoder coder;
    private @Nullable CountingStream out;
    private @Nullable String file;

    Spiller(ResourceId spillDir, ColumnBatchCoder coder) {
      this.spillDir = spillDir;
      this.coder = coder;
    }

    /** Appends {@code segment} (rows of one source, in row order) to this bundle's file. */
    SpillRef spill(String directory, long block, ColumnBatch segment) throws IOException {
      CountingStream o = out;
      if (o == null) {
        ResourceId f = LakeFiles.child(spillDir, UUID.randomUUID() + ".batches");
        o =
            new CountingStream(
                new BufferedOutputStream(
                    Channels.newOutputStream(
                        FileSystems.create(
                            f,
                            CreateOptions.StandardCreateOptions.builder()
                                .setMimeType("application/octet-stream")
                                .build())),
                    1 << 16));
        out = o;
        file = f.toString();
      }
      long offset = o.count;
      coder.encode(segment, o);
      int n = segment.rowCount();
      return new SpillRef(
          directory,
          segment.source(0),
          block,
          segment.rowIndex(0),
          segment.rowIndex(n - 1),
          n,
          segment.rowBytes(),
          file,
          offset,
          o.count - offset);
    }

    @Override
    public void close() throws IOException {
      CountingStream o = out;
      out = null;
      if (o != null) {
        o.close();
      }
    }
  }

  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** The segment {@code ref} names, read back from its spill file. */
  static ColumnBatch read(SpillRef ref, ColumnBatchCoder coder) throws IOException {
    ResourceId f = FileSystems.matchNewResource(ref.file, false);
    try (ReadableByteChannel ch = FileSystems.open(f)) {
      InputStream in;
      if (ch instanceof SeekableByteChannel) {
        ((SeekableByteChannel) ch).position(ref.offset);
        in = Channels.newInputStream(ch);
      } else {
        in = Channels.newInputStream(ch);
        in.skipNBytes(ref.offset);
      }
      // Unbuffered: decode reads the segment's length, then the segment in one readFully.
      return coder.decode(in);
    }
  }

  /**
   * The rows of one source in (row index, value bytes) order: {@code batch} itself when they are
   * in that order already.
   */
  static ColumnBatch sorted(ColumnBatch batch) {
    int n = batch.rowCount();
    boolean rising = true;
    for (int i = 1; i < n && rising; i++) {
      rising = batch.rowIndex(i) > batch.rowIndex(i - 1);
    }
    if (rising) {
      return batch;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> compareRows(batch, x, batch, y));
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = order[i];
    }
    return batch.select(rows, n);
  }

  /**
   * Rows by source, then row index; rows that share both (only batches made by hand can hold such
   * rows) by the bytes of their values, so the order never depends on how the rows arrived.
   */
  static int compareRows(ColumnBatch a, int i, ColumnBatch b, int j) {
    int c = a.source(i).compareTo(b.source(j));
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.rowIndex(i), b.rowIndex(j));
    if (c != 0) {
      return c;
    }
    return Arrays.compare(valueBytes(a, i), valueBytes(b, j));
  }

  /** One row's values encoded alone, without its provenance. */
  private static byte[] valueBytes(ColumnBatch b, int row) {
    try {
      ColumnBatch one = b.slice(row, row + 1);
      ColumnVector[] v = new ColumnVector[one.schema().size()];
      for (int c = 0; c < v.length; c++) {
        v[c] = one.column(c);
      }
      ColumnBatch bare = new ColumnBatch(one.schema(), 1, v, List.of(""), null, new long[1], null, null);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ColumnBatchCoder.of(one.schema()).encode(bare, bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the rows of {@code refs} to {@code writer} in (source, row index) order. Segments that
   * do not overlap are read one at a time; a group of overlapping ones (same source, row index
   * ranges that intersect) is merged row by row with one segment per run in memory, after merging
   * runs {@value #FAN_IN} at a time into spilled runs under {@code spillDir} while there are more.
   */
  static void writeInOrder(
      List<SpillRef> refs, ColumnBatchCoder coder, ResourceId spillDir, ParquetBatchWriter writer)
      throws IOException {
    List<SpillRef> sorted = new ArrayList<>(refs);
    sorted.sort(SpillRef.IN_ROW_ORDER);
    try (Chunker out = new Chunker(writer, coder.schema())) {
      int k = 0;
      while (k < sorted.size()) {
        SpillRef first = sorted.get(k);
        long last = first.lastRow;
        int end = k + 1;
        while (end < sorted.size()
            && sorted.get(end).source.equals(first.source)
            && sorted.get(end).firstRow <= last) {
          last = Math.max(last, sorted.get(end).lastRow);
          end++;
        }
        if (end == k + 1) {
          out.write(read(first, coder));
        } else {
          List<List<SpillRef>> runs = new ArrayList<>();
          for (SpillRef r : sorted.subList(k, end)) {
            runs.add(List.of(r));
          }
          merge(runs, coder, spillDir, out);
        }
        k = end;
      }
    }
  }

  /** Receives rows in order. */
  private interface RowSink {
    void write(ColumnBatch batch) throws IOException;
  }

  private static void merge(
      List<List<SpillRef>> runs, ColumnBatchCoder coder, ResourceId spillDir, RowSink out)
      throws IOException {
    while (runs.size() > FAN_IN) {
      List<List<SpillRef>> longer = new ArrayList<>();
      for (int i = 0; i < runs.size(); i += FAN_IN) {
        List<List<SpillRef>> group = runs.subList(i, Math.min(runs.size(), i + FAN_IN));
        if (group.size() == 1) {
          longer.add(group.get(0));
          continue;
        }
        List<SpillRef> run = new ArrayList<>();
        try (Spiller spiller = new Spiller(spillDir, coder)) {
          mergeOnce(group, coder, b -> run.add(spiller.spill("", 0, b)));
        }
        longer.add(run);
      }
      runs = longer;
    }
    mergeOnce(runs, coder, out);
  }

  /** One pass: the runs' rows, merged, in batches of at most 65,536 rows. */
  private static void mergeOnce(List<List<SpillRef>> runs, ColumnBatchCoder coder, RowSink out)
      throws IOException {
    PriorityQueue<Cursor> heap =
        new PriorityQueue<>((x, y) -> compareRows(x.batch, x.row, y.batch, y.row));
    for (List<SpillRef> run : runs) {
      Cursor c = new Cursor(run, coder);
      if (c.advance()) {
        heap.add(c);
      }
    }
    ColumnBatch.Builder b = null;
    while (!heap.isEmpty()) {
      Cursor c = heap.poll();
      if (b == null) {
        b = ColumnBatch.builder(coder.schema());
      }
      b.appendRow(c.batch, c.row);
      if (b.isFull()) {
        out.write(b.build());
        b = null;
      }
      if (c.next()) {
        heap.add(c);
      }
    }
    if (b != null && b.rowCount() > 0) {
      out.write(b.build());
    }
  }

  /** A position in a run of segments; holds one decoded segment. */
  private static final class Cursor {
    private final List<SpillRef> run;
    private final ColumnBatchCoder coder;
    private int segment = -1;
    ColumnBatch batch;
    int row;

    Cursor(List<SpillRef> run, ColumnBatchCoder coder) {
      this.run = run;
      this.coder = coder;
    }

    /** Loads the next non-empty segment; false at the end of the run. */
    boolean advance() throws IOException {
      batch = null;
      while (++segment < run.size()) {
        ColumnBatch s = read(run.get(segment), coder);
        if (s.rowCount() > 0) {
          batch = s;
          row = 0;
          return true;
        }
      }
      return false;
    }

    boolean next() throws IOException {
      if (++row < batch.rowCount()) {
        return true;
      }
      return advance();
    }
  }

  /**
   * Hands the writer batches whose boundaries fall on multiples of {@value #WRITER_CHUNK_ROWS}
   * rows of the file, so the file is what one batch of all its rows would give.
   */
  private static final class Chunker implements RowSink, Closeable {
    private final ParquetBatchWriter writer;
    private final BatchSchema schema;
    private ColumnBatch.@Nullable Builder pending;

    Chunker(ParquetBatchWriter writer, BatchSchema schema) {
      this.writer = writer;
      this.schema = schema;
    }

    @Override
    public void write(ColumnBatch batch) throws IOException {
      int n = batch.rowCount();
      int i = 0;
      ColumnBatch.Builder p = pending;
      if (p != null) {
        while (p.rowCount() < WRITER_CHUNK_ROWS && i < n) {
          p.appendRow(batch, i++);
        }
        if (p.rowCount() < WRITER_CHUNK_ROWS) {
          return;
        }
        writer.write(p.build());
        pending = null;
      }
      int whole = (n - i) / WRITER_CHUNK_ROWS * WRITER_CHUNK_ROWS;
      if (whole > 0) {
        writer.write(i == 0 && whole == n ? batch : batch.slice(i, i + whole));
        i += whole;
      }
      if (i < n) {
        p = ColumnBatch.builder(schema, WRITER_CHUNK_ROWS, Long.MAX_VALUE);
        while (i < n) {
          p.appendRow(batch, i++);
        }
        pending = p;
      }
    }

    @Override
    public void close() throws IOException {
      ColumnBatch.Builder p = pending;
      pending = null;
      if (p != null && p.rowCount() > 0) {
        writer.write(p.build());
      }
    }
  }
}
