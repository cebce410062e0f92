package dev.sediment.transforms.compact;

import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.transforms.compact.ColumnarRuns.Prefetch;
import dev.sediment.transforms.compact.ColumnarRuns.Run;
import dev.sediment.transforms.compact.ColumnarRuns.SpillWriter;
import dev.sediment.transforms.compact.ColumnarRuns.SpilledRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;

/**
 * The read, merge and write of {@link PartitionCompactor} over column batches, for partitions
 * whose rows are flat ({@link BatchOrder#of}): spool files are decoded a column chunk at a time
 * ({@link ParquetBatchReader}), the merge compares sort keys straight from the vectors and moves
 * (batch, row) positions, unsorted files are spilled as {@link ColumnBatchCoder} batches, and the
 * merged rows are gathered into batches that Sediment's page encoders write ({@link
 * MergedRowsWriter}). Order, spilling, the number of open readers and failures are those of the
 * record path, and so are the rows written and their order; pages and row groups end elsewhere.
 */
final class ColumnarMerge {
  private final PartitionCompactor.Settings settings;
  private final BatchOrder order;
  private final ColumnBatchCoder coder;
  private final Path spill;

  ColumnarMerge(PartitionCompactor.Settings settings, BatchOrder order, Path spill) {
    this.settings = settings;
    this.order = order;
    this.coder = ColumnBatchCoder.of(ColumnarRuns.spillSchema(order));
    this.spill = spill;
  }

  /** Bytes of a batch a run decodes ahead: a share of an eighth of the heap, 64 KiB to 8 MiB. */
  static long batchBytes(int runs) {
    long share = Runtime.getRuntime().maxMemory() / 8 / (3L * Math.max(1, runs));
    return Math.max(64L << 10, Math.min(8L << 20, share));
  }

  /** Where merged rows go: row {@code i} of {@code b}, the current batch of run {@code run}. */
  interface RowSink {
    void accept(int run, ColumnBatch b, int i) throws IOException;
  }

  /** One run's current batch and row. */
  private static final class Cursor {
    final int run;
    final Prefetch source;
    final boolean check;
    ColumnBatch batch;
    long[][] keys;
    int row;
    long position;

    Cursor(int run, Prefetch source, boolean check) {
      this.run = run;
      this.source = source;
      this.check = check;
    }
  }

  private long[][] keys(ColumnBatch b) {
    long[][] k = new long[order.keys().length][];
    for (int i = 0; i < k.length; i++) {
      k[i] = order.keyValues(b, i);
    }
    return k;
  }

  private int compare(ColumnBatch a, long[][] ka, int i, ColumnBatch b, long[][] kb, int j) {
    for (int k = 0; k < ka.length; k++) {
      int c = Long.compare(ka[k][i], kb[k][j]);
      if (c != 0) {
        return c;
      }
    }
    return order.compareRest(a, i, b, j);
  }

  /** Strictly before in the merge: smaller row, or equal and from an earlier run. */
  private boolean before(Cursor x, Cursor y) {
    int c = compare(x.batch, x.keys, x.row, y.batch, y.keys, y.row);
    return c < 0 || (c == 0 && x.run < y.run);
  }

  /**
   * Merges {@code sources} into {@code sink}: equal rows in run order, with {@code dedupe} a row
   * equal to the one before it dropped. Runs not {@code trusted} are checked as they are consumed;
   * an unsorted one raises {@link PartitionCompactor.RunFailed} with an {@link
   * UnsortedRunException}. Returns the duplicates dropped.
   */
  long merge(List<Prefetch> sources, boolean[] trusted, boolean dedupe, RowSink sink)
      throws IOException {
    int k = sources.size();
    Cursor[] heap = new Cursor[k];
    int size = 0;
    for (int r = 0; r < k; r++) {
      Cursor c = new Cursor(r, sources.get(r), !trusted[r]);
      ColumnBatch b = c.source.next();
      if (b != null) {
        c.batch = b;
        c.keys = keys(b);
        heap[size++] = c;
        siftUp(heap, size - 1);
      }
    }
    long dropped = 0;
    ColumnBatch lastBatch = null;
    long[][] lastKeys = null;
    int lastRow = -1;
    while (size > 0) {
      Cursor c = heap[0];
      ColumnBatch b = c.batch;
      long[][] kb = c.keys;
      int i = c.row;
      if (dedupe && lastBatch != null && compare(b, kb, i, lastBatch, lastKeys, lastRow) == 0) {
        dropped++;
      } else {
        sink.accept(c.run, b, i);
        lastBatch = b;
        lastKeys = kb;
        lastRow = i;
      }
      // Advance the run.
      if (i + 1 < b.rowCount()) {
        c.row = i + 1;
      } else {
        ColumnBatch nb = c.source.next();
        if (nb == null) {
          heap[0] = heap[--size];
          heap[size] = null;
          if (size > 0) {
            siftDown(heap, size, 0);
          }
          continue;
        }
        c.batch = nb;
        c.keys = keys(nb);
        c.row = 0;
      }
      c.position++;
      if (c.check && compare(c.batch, c.keys, c.row, b, kb, i) < 0) {
        throw new PartitionCompactor.RunFailed(c.run, new UnsortedRunException(c.run, c.position));
      }
      siftDown(heap, size, 0);
    }
    return dropped;
  }

  private void siftUp(Cursor[] heap, int at) {
    Cursor x = heap[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!before(x, heap[parent])) {
        break;
      }
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = x;
  }

  private void siftDown(Cursor[] heap, int size, int at) {
    Cursor x = heap[at];
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], x)) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = x;
  }

  private static void closeAll(List<Prefetch> its) throws IOException {
    IOException first = null;
    for (Prefetch it : its) {
      try {
        it.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Writes the merge of {@code runs} to {@code tmp}; rows merged per Parquet run into {@code counted}. */
  void write(
      List<Run> runs,
      Path tmp,
      PartitionCompactor.Result result,
      Map<ResourceId, Long> counted,
      List<MessageType> parquetSchemas)
      throws IOException {
    List<Prefetch> its = new ArrayList<>();
    result.rowCount = 0;
    try {
      boolean[] trusted = new boolean[runs.size()];
      for (int i = 0; i < runs.size(); i++) {
        its.add(new Prefetch(runs.get(i), i));
        trusted[i] = runs.get(i) instanceof SpilledRun;
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      long[] first = {0};
      try (MergedRowsWriter w = new MergedRowsWriter(tmp, order, parquetSchemas)) {
        result.duplicatesDropped =
            merge(
                its,
                trusted,
                settings.dedupe,
                (run, b, i) -> {
                  long k = order.key(b, 0, i);
                  if (first[0]++ == 0) {
                    result.sortKeyMin = k;
                  }
                  result.sortKeyMax = k;
                  w.write(run, b, i);
                  result.rowCount++;
                });
        w.finish();
      }
      for (int i = 0; i < runs.size(); i++) {
        if (runs.get(i) instanceof ColumnarRuns.ParquetRun) {
          counted.put(((ColumnarRuns.ParquetRun) runs.get(i)).file, its.get(i).delivered);
        }
      }
    } finally {
      closeAll(its);
    }
  }

  /** Merges groups of spilled runs until at most {@code room} are left. */
  List<Run> shrink(List<Run> runs, int room, PartitionCompactor.Result result) throws IOException {
    while (runs.size() > room) {
      List<Run> next = new ArrayList<>();
      int fanIn = settings.maxOpenRuns;
      for (int i = 0; i < runs.size(); i += fanIn) {
        List<Run> group = runs.subList(i, Math.min(runs.size(), i + fanIn));
        next.add(group.size() == 1 ? group.get(0) : mergeToSpill(group, result));
      }
      runs = next;
    }
    return runs;
  }

  private Run mergeToSpill(List<Run> group, PartitionCompactor.Result result) throws IOException {
    List<Prefetch> its = new ArrayList<>();
    SpillWriter w = new SpillWriter(coder, spill);
    try {
      boolean[] trusted = new boolean[group.size()];
      for (int i = 0; i < group.size(); i++) {
        its.add(new Prefetch(group.get(i), i));
        trusted[i] = true;
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      RowBuffer out = new RowBuffer(w);
      // Duplicates are only dropped in the final merge, where all copies meet.
      merge(its, trusted, false, out::add);
      out.flush();
    } finally {
      w.close();
      closeAll(its);
    }
    for (Run r : group) {
      Files.deleteIfExists(((SpilledRun) r).file);
    }
    return w.run;
  }

  /** Rows gathered into spilled batches of {@link ColumnarRuns#SPILL_ROWS}. */
  private final class RowBuffer {
    private final SpillWriter w;
    private ColumnBatch.Builder b = newBuilder();

    RowBuffer(SpillWriter w) {
      this.w = w;
    }

    private ColumnBatch.Builder newBuilder() {
      return ColumnBatch.builder(coder.schema(), ColumnarRuns.SPILL_ROWS, ColumnarRuns.SPILL_BYTES);
    }

    void add(int run, ColumnBatch from, int i) throws IOException {
      b.appendRow(from, i);
      if (b.isFull()) {
        flush();
      }
    }

    void flush() throws IOException {
      if (b.rowCount() > 0) {
        w.append(b.build());
        b = newBuilder();
      }
    }
  }

  /**
   * Reads the rows of the date in {@code file} once into sorted spilled runs: one run while the
   * rows come in order, then runs of at most {@code maxRowsInMemory} rows sorted in memory. Returns
   * the rows read; a failure is thrown after the file's runs are deleted. Pages are read as they
   * are decoded ({@link ParquetBatchReader#withStreamingPages}), whatever the row group's size.
   */
  long spillFile(
      ResourceId id,
      InputFile file,
      long nanosPerUnit,
      long dayStart,
      NullKeyRows nullRows,
      List<Run> runs)
      throws IOException {
    List<SpilledRun> mine = new ArrayList<>();
    long rows = 0;
    NullKeyRows.Sink nulls = nullRows.open(id);
    try (ColumnarRuns.FileRows r =
        new ColumnarRuns.FileRows(
            id, file, order, nanosPerUnit, dayStart, nulls, ColumnarRuns.SPILL_ROWS, ColumnarRuns.SPILL_BYTES)) {
      SpillWriter streaming = new SpillWriter(coder, spill);
      mine.add(streaming.run);
      List<ColumnBatch> buf = null;
      int buffered = 0;
      ColumnBatch prev = null;
      long[][] prevKeys = null;
      try {
        ColumnBatch b;
        while ((b = r.next()) != null) {
          rows += b.rowCount();
          if (buf == null) {
            long[][] kb = keys(b);
            int n = b.rowCount();
            int cut = 0;
            if (prev == null || compare(prev, prevKeys, prev.rowCount() - 1, b, kb, 0) <= 0) {
              cut = 1;
              while (cut < n && compare(b, kb, cut - 1, b, kb, cut) <= 0) {
                cut++;
              }
            }
            if (cut == n) {
              streaming.append(b);
              prev = b;
              prevKeys = kb;
              continue;
            }
            if (cut > 0) {
              streaming.append(b.slice(0, cut));
            }
            buf = new ArrayList<>();
            b = b.slice(cut, n);
          }
          while (b.rowCount() > 0) {
            int take = Math.min(b.rowCount(), settings.maxRowsInMemory - buffered);
            buf.add(take == b.rowCount() ? b : b.slice(0, take));
            buffered += take;
            b = take == b.rowCount() ? b.slice(0, 0) : b.slice(take, b.rowCount());
            if (buffered >= settings.maxRowsInMemory) {
              mine.add(spillSorted(buf));
              buf.clear();
              buffered = 0;
            }
          }
        }
      } finally {
        streaming.close();
      }
      if (buf != null && !buf.isEmpty()) {
        mine.add(spillSorted(buf));
      }
    } catch (IOException | RuntimeException e) {
      for (SpilledRun run : mine) {
        Files.deleteIfExists(run.file);
      }
      throw e;
    }
    runs.addAll(mine);
    return rows;
  }

  /** Sorts the rows of {@code buf} (stable: equal rows keep their order) into one spilled run. */
  private SpilledRun spillSorted(List<ColumnBatch> buf) throws IOException {
    ColumnBatch[] batches = buf.toArray(new ColumnBatch[0]);
    long[][][] keys = new long[batches.length][][];
    int total = 0;
    for (int i = 0; i < batches.length; i++) {
      keys[i] = keys(batches[i]);
      total += batches[i].rowCount();
    }
    long[] refs = new long[total];
    int n = 0;
    for (int i = 0; i < batches.length; i++) {
      for (int j = 0; j < batches[i].rowCount(); j++) {
        refs[n++] = ((long) i << 32) | j;
      }
    }
    long[] tmp = new long[total];
    mergeSort(refs, tmp, 0, total, batches, keys);
    SpillWriter w = new SpillWriter(coder, spill);
    try {
      RowBuffer out = new RowBuffer(w);
      for (long ref : refs) {
        out.add(0, batches[(int) (ref >>> 32)], (int) ref);
      }
      out.flush();
    } finally {
      w.close();
    }
    return w.run;
  }

  private void mergeSort(long[] a, long[] tmp, int from, int to, ColumnBatch[] b, long[][][] k) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid, b, k);
    mergeSort(a, tmp, mid, to, b, k);
    if (cmp(a[mid - 1], a[mid], b, k) <= 0) {
      return;
    }
    System.arraycopy(a, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    for (int o = from; o < to; o++) {
      if (j >= to || (i < mid && cmp(tmp[i], tmp[j], b, k) <= 0)) {
        a[o] = tmp[i++];
      } else {
        a[o] = tmp[j++];
      }
    }
  }

  private int cmp(long x, long y, ColumnBatch[] b, long[][][] k) {
    int bx = (int) (x >>> 32);
    int by = (int) (y >>> 32);
    return compare(b[bx], k[bx], (int) x, b[by], k[by], (int) y);
  }

  /**
   * Why a spool file failed to read: parquet-avro's reading of it is classified when it fails
   * too (so a damaged file is rejected with the same type and message as the record path gives),
   * else the columnar reader's failure.
   */
  static SpoolFileCheck.Rejected classify(InputFile file, Throwable failure) {
    try (AvroParquetRows r = SpoolFileCheck.open(file)) {
      while (r.read() != null) {
        // read every row
      }
    } catch (IOException | RuntimeException e) {
      return SpoolFileCheck.classify(e);
    }
    return SpoolFileCheck.classify(failure);
  }

  /**
   * Reads {@code file} back as batches and checks its row count and order. Row groups are shared
   * between up to two threads, each reading pages as it decodes them ({@link
   * ParquetBatchReader#withStreamingPages}: a page per column, whatever the row group's size); a
   * second thread reads only when both readers' pages fit {@code readerMemory} together. Each
   * checks the order within its row groups, and the borders between row groups are checked at the
   * end.
   */
  void verify(Path file, long expectedRows, long readerMemory) throws IOException {
    int groups;
    long most = 0;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), file.toString())) {
      groups = r.rowGroupCount();
      for (int g = 0; g < groups; g++) {
        most = Math.max(most, r.streamingBytes(g));
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " does not read back: " + SpoolFileCheck.text(e), e);
    }
    int threads = (int) Math.max(1, Math.min(Math.min(2, groups), readerMemory / Math.max(1, most)));
    long[] counts = new long[groups];
    ColumnBatch[] firsts = new ColumnBatch[groups];
    ColumnBatch[] lasts = new ColumnBatch[groups];
    List<java.util.concurrent.Future<Void>> parts = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        PartitionCompactor.daemonThreads(threads, "sediment-compact-verify");
    try {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        int stride = threads;
        parts.add(
            pool.submit(
                () -> {
                  try (ParquetBatchReader r =
                      ParquetBatchReader.open(LocalParquetFile.of(file), file.toString())
                          .withStreamingPages()) {
                    for (int g = offset; g < groups; g += stride) {
                      r.rowGroups(g, g + 1);
                      ColumnBatch prev = null;
                      long[][] prevKeys = null;
                      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
                        long[][] kb = keys(b);
                        int n = b.rowCount();
                        for (int i = 0; i < n; i++) {
                          boolean wrong =
                              i == 0
                                  ? prev != null
                                      && compare(prev, prevKeys, prev.rowCount() - 1, b, kb, 0) > 0
                                  : compare(b, kb, i - 1, b, kb, i) > 0;
                          if (wrong) {
                            throw new IOException(
                                file + " read back out of order in row group " + g + " at row " + (counts[g] + i));
                          }
                        }
                        if (firsts[g] == null) {
                          firsts[g] = b.slice(0, 1);
                        }
                        counts[g] += n;
                        prev = b;
                        prevKeys = kb;
                      }
                      if (prev != null) {
                        lasts[g] = prev.slice(prev.rowCount() - 1, prev.rowCount());
                      }
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<Void> f : parts) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          throw c instanceof IOException
              ? (IOException) c
              : new IOException(file + " does not read back: " + SpoolFileCheck.text(c), c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while reading back " + file);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    long rows = 0;
    for (int g = 0; g < groups; g++) {
      rows += counts[g];
      if (g > 0
          && lasts[g - 1] != null
          && firsts[g] != null
          && order.compare(lasts[g - 1], 0, firsts[g], 0) > 0) {
        throw new IOException(file + " read back out of order between row groups " + (g - 1) + " and " + g);
      }
    }
    if (rows != expectedRows) {
      throw new IOException(file + " read back " + rows + " rows, " + expectedRows + " written");
    }
  }

  BatchOrder order() {
    return order;
  }
}
