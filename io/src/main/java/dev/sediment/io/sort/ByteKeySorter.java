package dev.sediment.io.sort;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A group's {@code (byte[] key, value)} pairs sorted by key, unsigned and lexicographic, in
 * bounded memory: for a DoFn that reads a grouped {@code Iterable} in key order (Validate's
 * bucketed rules, {@code SeismicIO.write()}'s file order) without a separate sorting transform,
 * so the sorted values are never materialised as one element.
 *
 * <p>Values are held encoded with their coder. While the encoded entries fit in {@code
 * memoryBytes} they are sorted in memory; beyond that each full buffer is sorted and written to a
 * run file in a private directory under {@code java.io.tmpdir}, and the runs are merged with a
 * heap of cursors, at most {@link #MAX_FAN_IN} files open at once (more runs are first merged in
 * groups). Entries with equal keys keep their input order. The result can be iterated once;
 * {@link #close} removes the run files.
 */
public final class ByteKeySorter<V> implements Iterable<KV<byte[], V>>, AutoCloseable {
  /** Runs merged at once; more are merged in passes of this many. */
  static final int MAX_FAN_IN = 64;

  /** Heap cost of one buffered entry beyond its bytes: the entry, two array headers, a slot. */
  static final long ENTRY_OVERHEAD = 72;

  private static final int IO_BUFFER = 64 * 1024;
  private static final Comparator<Entry> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key, b.key);

  private final Coder<V> coder;
  private final List<Entry> memory;
  private final List<Path> runs;
  private final @Nullable Path dir;
  private final List<RunReader> open = new ArrayList<>();
  private boolean iterated;

  private ByteKeySorter(Coder<V> coder, List<Entry> memory, List<Path> runs, @Nullable Path dir) {
    this.coder = coder;
    this.memory = memory;
    this.runs = runs;
    this.dir = dir;
  }

  /** Reads {@code input} once and returns its entries ready to iterate in key order. */
  public static <V> ByteKeySorter<V> sort(
      Iterable<KV<byte[], V>> input, Coder<V> coder, long memoryBytes) {
    return sort(input, coder, memoryBytes, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As {@link #sort(Iterable, Coder, long)}, spilling under {@code tmpRoot}. */
  public static <V> ByteKeySorter<V> sort(
      Iterable<KV<byte[], V>> input, Coder<V> coder, long memoryBytes, Path tmpRoot) {
    List<Entry> buffer = new ArrayList<>();
    List<Path> runs = new ArrayList<>();
    Path dir = null;
    long used = 0;
    try {
      for (KV<byte[], V> kv : input) {
        Entry e = new Entry(kv.getKey(), CoderUtils.encodeToByteArray(coder, kv.getValue()));
        buffer.add(e);
        used += e.key.length + e.value.length + ENTRY_OVERHEAD;
        if (used > memoryBytes) {
          if (dir == null) {
            dir = Files.createTempDirectory(tmpRoot, "sediment-sort-");
          }
          runs.add(writeRun(dir, runs.size(), buffer));
          buffer.clear();
          used = 0;
        }
      }
      if (runs.isEmpty()) {
        buffer.sort(BY_KEY);
        return new ByteKeySorter<>(coder, buffer, runs, null);
      }
      if (!buffer.isEmpty()) {
        runs.add(writeRun(dir, runs.size(), buffer));
        buffer.clear();
      }
      int next = runs.size();
      while (runs.size() > MAX_FAN_IN) {
        List<Path> merged = new ArrayList<>();
        for (int from = 0; from < runs.size(); from += MAX_FAN_IN) {
          List<Path> group = runs.subList(from, Math.min(runs.size(), from + MAX_FAN_IN));
          if (group.size() == 1) {
            merged.add(group.get(0));
            continue;
          }
          Path out = dir.resolve("run-" + next++);
          mergeRuns(group, out);
          for (Path p : group) {
            Files.delete(p);
          }
          merged.add(out);
        }
        runs = merged;
      }
      return new ByteKeySorter<>(coder, List.of(), runs, dir);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir, e);
      if (e instanceof IOException) {
        throw new UncheckedIOException("sorting a bucket's values on local disk failed", (IOException) e);
      }
      throw (RuntimeException) e;
    }
  }

  /** How many run files the values were spilled to (0 when they fitted in memory). */
  public int spilledRuns() {
    return runs.size();
  }

  @Override
  public Iterator<KV<byte[], V>> iterator() {
    if (iterated) {
      throw new IllegalStateException("a sorted bucket can be iterated only once");
    }
    iterated = true;
    if (runs.isEmpty()) {
      Iterator<Entry> it = memory.iterator();
      return new Iterator<KV<byte[], V>>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public KV<byte[], V> next() {
          Entry e = it.next();
          return KV.of(e.key, decode(e.value));
        }
      };
    }
    PriorityQueue<RunReader> heap = openRuns(runs);
    return new Iterator<KV<byte[], V>>() {
      @Override
      public boolean hasNext() {
        return !heap.isEmpty();
      }

      @Override
      public KV<byte[], V> next() {
        RunReader r = heap.poll();
        if (r == null) {
          throw new NoSuchElementException();
        }
        KV<byte[], V> kv = KV.of(r.key, decode(r.value));
        advance(r, heap);
        return kv;
      }
    };
  }

  @Override
  public void close() {
    for (RunReader r : open) {
      try {
        r.in.close();
      } catch (IOException ignored) {
        // The directory is deleted next; a failed close changes nothing for the caller.
      }
    }
    open.clear();
    deleteQuietly(dir, null);
  }

  private V decode(byte[] bytes) {
    try {
      return CoderUtils.decodeFromByteArray(coder, bytes);
    } catch (CoderException e) {
      throw new IllegalStateException("a sorted value no longer decodes with " + coder, e);
    }
  }

  private PriorityQueue<RunReader> openRuns(List<Path> files) {
    PriorityQueue<RunReader> heap =
        new PriorityQueue<>(
            Math.max(1, files.size()),
            (a, b) -> {
              int c = Arrays.compareUnsigned(a.key, b.key);
              return c != 0 ? c : Integer.compare(a.run, b.run);
            });
    for (int i = 0; i < files.size(); i++) {
      try {
        RunReader r =
            new RunReader(
                i,
                new DataInputStream(
                    new BufferedInputStream(Files.newInputStream(files.get(i)), IO_BUFFER)));
        open.add(r);
        advance(r, heap);
      } catch (IOException e) {
        throw new UncheckedIOException("reading a sorted run " + files.get(i) + " failed", e);
      }
    }
    return heap;
  }

  private static void advance(RunReader r, PriorityQueue<RunReader> heap) {
    try {
      if (r.read()) {
        heap.add(r);
      } else {
        r.in.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a sorted run failed", e);
    }
  }

  private static Path writeRun(Path dir, int index, List<Entry> entries) throws IOException {
    entries.sort(BY_KEY);
    Path out = dir.resolve("run-" + index);
    try (DataOutputStream o =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out), IO_BUFFER))) {
      for (Entry e : entries) {
        write(o, e.key, e.value);
      }
    }
    return out;
  }

  /** Merges sorted run files into one, without decoding the values. */
  private static void mergeRuns(List<Path> group, Path out) throws IOException {
    PriorityQueue<RunReader> heap =
        new PriorityQueue<>(
            group.size(),
            (a, b) -> {
              int c = Arrays.compareUnsigned(a.key, b.key);
              return c != 0 ? c : Integer.compare(a.run, b.run);
            });
    List<RunReader> readers = new ArrayList<>();
    try (DataOutputStream o =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out), IO_BUFFER))) {
      for (int i = 0; i < group.size(); i++) {
        RunReader r =
            new RunReader(
                i,
                new DataInputStream(
                    new BufferedInputStream(Files.newInputStream(group.get(i)), IO_BUFFER)));
        readers.add(r);
        if (r.read()) {
          heap.add(r);
        }
      }
      RunReader r;
      while ((r = heap.poll()) != null) {
        write(o, r.key, r.value);
        if (r.read()) {
          heap.add(r);
        }
      }
    } finally {
      for (RunReader r : readers) {
        r.in.close();
      }
    }
  }

  private static void write(DataOutputStream o, byte[] key, byte[] value) throws IOException {
    o.writeInt(key.length);
    o.write(key);
    o.writeInt(value.length);
    o.write(value);
  }

  private static void deleteQuietly(@Nullable Path dir, @Nullable Exception cause) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        throw new UncheckedIOException("removing the sort directory " + dir + " failed", e);
      }
    }
  }

  private static final class Entry {
    final byte[] key;
    final byte[] value;

    Entry(byte[] key, byte[] value) {
      this.key = key;
      this.value = value;
    }
  }

  /** A cursor over one run file: the current entry, or the end. */
  private static final class RunReader {
    final int run;
    final DataInputStream in;
    byte[] key = new byte[0];
    byte[] value = new byte[0];

    RunReader(int run, DataInputStream in) {
      this.run = run;
      this.in = in;
    }

    boolean read() throws IOException {
      int k;
      try {
        k = in.readInt();
      } catch (EOFException end) {
        return false;
      }
      key = readBytes(in, k);
      value = readBytes(in, in.readInt());
      return true;
    }

    private static byte[] readBytes(InputStream in, int n) throws IOException {
      if (n < 0) {
        throw new IOException("a sorted run is damaged: negative length " + n);
      }
      byte[] b = in.readNBytes(n);
      if (b.length != n) {
        throw new EOFException("a sorted run ends inside an entry");
      }
      return b;
    }
  }
}
