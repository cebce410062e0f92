package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.ResourceParquetFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.avro.Schema;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The {@code (partition, yyyyMMdd)} tasks of a date range that may hold rows, for {@link
 * Compact#sortedMerge()}, decided once per file rather than once per date: a range of ten years
 * over a spool of a few days makes a few tasks, not one per partition and day.
 *
 * <pre>{@code
 * CompactPlan plan =
 *     CompactPlan.of(SpoolLayout.list(root), start, end, List.of("ts_event", "seq"), true, 8, n -> {});
 * p.apply(Create.of(plan.requests)).apply(Compact.sortedMerge()...);
 * }</pre>
 *
 * <p>A file may hold the dates from its name's date on (see {@link SpoolLayout}); with {@code
 * readFooters}, also no date outside the range of its first sort key's statistics. Only dates
 * some file of the partition may hold become tasks; a task for any other date would read no row
 * ({@link CompactJob.Status#NO_ROWS}), so {@link #withoutRows} counts them instead. A file
 * whose footer does not read, or that lacks the key, is given one task (its first date in the
 * range), where the compaction quarantines it.
 *
 * <p>Rows with a null sort key are quarantined by the task of their file's name date, so a file
 * whose footer allows a null sort key also gives a task for its name's date when that date is in
 * the range; a file without a date in its name gives one for the first date of the range, and
 * {@link #requests} lets only the first task of each partition quarantine such rows ({@link
 * CompactRequest#undatedNullKeys()}).
 */
public final class CompactPlan {
  /** The tasks, by partition then date. */
  public final List<KV<String, String>> tasks;
  /**
   * The same tasks as requests for {@link Compact#sortedMerge()}: the first of each partition
   * quarantines the null-key rows of files without a date in their names.
   */
  public final List<CompactRequest> requests;
  /** Partition-dates of the range that no file may hold: no task, no rows. */
  public final long withoutRows;
  /** Footers read to plan. */
  public final long footersRead;

  private CompactPlan(List<KV<String, String>> tasks, long withoutRows, long footersRead) {
    this.tasks = tasks;
    List<CompactRequest> rs = new ArrayList<>();
    String previous = null;
    for (KV<String, String> t : tasks) {
      rs.add(
          CompactRequest.create(
              t.getKey(), LocalDate.parse(t.getValue(), CompactJob.DATE), !t.getKey().equals(previous)));
      previous = t.getKey();
    }
    this.requests = List.copyOf(rs);
    this.withoutRows = withoutRows;
    this.footersRead = footersRead;
  }

  /**
   * Plans the dates {@code start..end} (inclusive) of {@code partitions}; {@code firstKey} is the
   * first sort key. With {@code readFooters}, every file's footer is read once, by {@code
   * threads} threads, and {@code footersRead} hears the count after each.
   */
  public static CompactPlan of(
      Map<String, List<MatchResult.Metadata>> partitions,
      LocalDate start,
      LocalDate end,
      String firstKey,
      boolean readFooters,
      int threads,
      LongConsumer footersRead)
      throws IOException {
    return of(partitions, start, end, List.of(firstKey), readFooters, threads, footersRead);
  }

  /**
   * Plans the dates {@code start..end} (inclusive) of {@code partitions} compacted by {@code
   * sortKeys}. With {@code readFooters}, every file's footer is read once, by {@code threads}
   * threads, and {@code footersRead} hears the count after each.
   */
  public static CompactPlan of(
      Map<String, List<MatchResult.Metadata>> partitions,
      LocalDate start,
      LocalDate end,
      List<String> sortKeys,
      boolean readFooters,
      int threads,
      LongConsumer footersRead)
      throws IOException {
    String firstKey = sortKeys.get(0);
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("end " + end + " is before start " + start);
    }
    long first = start.toEpochDay();
    long last = end.toEpochDay();
    long days = ChronoUnit.DAYS.between(start, end) + 1;
    List<KV<String, String>> tasks = new ArrayList<>();
    long without = 0;
    AtomicLong read = new AtomicLong();
    ExecutorService pool =
        readFooters
            ? Executors.newFixedThreadPool(
                Math.max(1, threads),
                r -> {
                  Thread t = new Thread(r, "sediment-compact-plan");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    try {
      // Every footer is asked for first, so the threads are busy across partitions.
      Map<String, List<Future<long @Nullable []>>> spansOf = new java.util.TreeMap<>();
      for (Map.Entry<String, List<MatchResult.Metadata>> p : partitions.entrySet()) {
        List<Future<long @Nullable []>> spans = new ArrayList<>();
        spansOf.put(p.getKey(), spans);
        for (MatchResult.Metadata m : p.getValue()) {
          LocalDate named = SpoolLayout.nameDate(m.resourceId().getFilename());
          long from = Math.max(first, named == null ? first : named.toEpochDay());
          if (from > last) {
            continue;
          }
          if (pool == null) {
            spans.add(java.util.concurrent.CompletableFuture.completedFuture(new long[] {from, last}));
          } else {
            spans.add(
                pool.submit(
                    () -> {
                      long[] s = span(m, sortKeys, from, last);
                      footersRead.accept(read.incrementAndGet());
                      return s;
                    }));
          }
        }
      }
      for (Map.Entry<String, List<Future<long @Nullable []>>> p : spansOf.entrySet()) {
        List<long[]> intervals = new ArrayList<>();
        for (Future<long @Nullable []> f : p.getValue()) {
          long[] s = get(f);
          if (s != null) {
            intervals.add(new long[] {s[0], s[1]});
            if (s.length > 2) {
              // The file may hold null sort keys: its name's date (or the range's first) quarantines them.
              intervals.add(new long[] {s[2], s[2]});
            }
          }
        }
        without += days - addTasks(p.getKey(), intervals, tasks);
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new CompactPlan(tasks, without, read.get());
  }

  /**
   * The epoch days {from..to} the file may hold, within [from, last]; null for none. A third
   * element, {@code from}, when a sort key may be null in the file and its name's date is not
   * before the range (the task of that date quarantines those rows).
   */
  private static long @Nullable [] span(
      MatchResult.Metadata m, List<String> keys, long from, long last) {
    String key = keys.get(0);
    SpoolFileCheck.Footer ft;
    try {
      ft = SpoolFileCheck.footer(ResourceParquetFile.of(m.resourceId(), m.sizeBytes()), key);
    } catch (SpoolFileCheck.Rejected | RuntimeException e) {
      return new long[] {from, from};
    }
    Schema.Field f = ft.schema.getType() == Schema.Type.RECORD ? ft.schema.getField(key) : null;
    Schema type = f == null ? null : RecordOrder.nonNull(f.schema());
    if (type == null || (type.getType() != Schema.Type.LONG && type.getType() != Schema.Type.INT)) {
      return new long[] {from, from};
    }
    LocalDate named = SpoolLayout.nameDate(m.resourceId().getFilename());
    boolean nullsHere =
        ft.mayHoldNull(keys) && (named == null || named.toEpochDay() == from);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long[] r : ft.ranges) {
      if (r == null) {
        return new long[] {from, last};
      }
      if (r[0] <= r[1]) {
        min = Math.min(min, r[0]);
        max = Math.max(max, r[1]);
      }
    }
    long lo = Math.max(from, Math.floorDiv(min, PartitionCompactor.NANOS_PER_DAY));
    long hi = Math.min(last, Math.floorDiv(max, PartitionCompactor.NANOS_PER_DAY));
    if (min > max || lo > hi) {
      return nullsHere ? new long[] {from, from} : null;
    }
    return nullsHere ? new long[] {lo, hi, from} : new long[] {lo, hi};
  }

  /** Adds one task per day of the union of {@code intervals}; returns how many. */
  private static long addTasks(String partition, List<long[]> intervals, List<KV<String, String>> tasks) {
    intervals.sort(Comparator.comparingLong(a -> a[0]));
    long next = Long.MIN_VALUE;
    long added = 0;
    for (long[] iv : intervals) {
      for (long d = Math.max(iv[0], next); d <= iv[1]; d++) {
        tasks.add(KV.of(partition, LocalDate.ofEpochDay(d).format(CompactJob.DATE)));
        added++;
      }
      next = Math.max(next, iv[1] + 1);
    }
    return added;
  }

  private static long @Nullable [] get(Future<long @Nullable []> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading spool footers");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException ? (IOException) c : new IOException(SpoolFileCheck.text(c), c);
    }
  }
}
