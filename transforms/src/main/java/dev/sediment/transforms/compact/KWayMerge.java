package dev.sediment.transforms.compact;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges K sorted runs into one sorted stream, holding one row per run: memory grows with K, not
 * with the length of the runs. Equal rows (comparator returns 0) come out in run order, so the
 * result is the same whatever the runs hold. With {@code dedupe}, a row equal to the row emitted
 * just before it is dropped, which removes every duplicate because equal rows are adjacent.
 *
 * <p>Runs must not yield null. Each run is checked as it is consumed; a run that is not sorted raises {@link
 * UnsortedRunException} naming the run and row, never a silently wrong order.
 *
 * <pre>{@code
 * Iterator<GenericRecord> merged =
 *     new KWayMerge<>(List.of(fileA, fileB, fileC), RecordOrder.of(schema, keys), false);
 * }</pre>
 */
public final class KWayMerge<T> implements Iterator<T> {

  private static final class Head<T> {
    final int run;
    final Iterator<T> rest;
    T row;
    long position;

    Head(int run, Iterator<T> rest) {
      this.run = run;
      this.rest = rest;
    }
  }

  private final Comparator<? super T> order;
  private final boolean dedupe;
  private final PriorityQueue<Head<T>> heap;
  private T next;
  private T lastEmitted;
  private boolean hasLast;
  private long dropped;

  public KWayMerge(List<? extends Iterator<T>> runs, Comparator<? super T> order, boolean dedupe) {
    this.order = order;
    this.dedupe = dedupe;
    this.heap =
        new PriorityQueue<>(
            Math.max(1, runs.size()),
            (a, b) -> {
              int c = order.compare(a.row, b.row);
              return c != 0 ? c : Integer.compare(a.run, b.run);
            });
    for (int i = 0; i < runs.size(); i++) {
      Head<T> h = new Head<>(i, runs.get(i));
      if (h.rest.hasNext()) {
        h.row = h.rest.next();
        heap.add(h);
      }
    }
    advance();
  }

  /** Rows dropped as duplicates so far. */
  public long duplicatesDropped() {
    return dropped;
  }

  private void advance() {
    next = null;
    while (!heap.isEmpty()) {
      Head<T> h = heap.poll();
      T row = h.row;
      if (h.rest.hasNext()) {
        T following = h.rest.next();
        h.position++;
        if (order.compare(following, row) < 0) {
          throw new UnsortedRunException(h.run, h.position);
        }
        h.row = following;
        heap.add(h);
      }
      if (dedupe && hasLast && order.compare(row, lastEmitted) == 0) {
        dropped++;
        continue;
      }
      next = row;
      lastEmitted = row;
      hasLast = true;
      return;
    }
  }

  @Override
  public boolean hasNext() {
    return next != null;
  }

  @Override
  public T next() {
    if (next == null) {
      throw new NoSuchElementException();
    }
    T out = next;
    advance();
    return out;
  }
}
