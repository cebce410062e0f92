package dev.sediment.io.mseed;

import dev.sediment.io.seismic.SeismicTrace;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups miniSEED records into contiguous channel segments the way libmseed's trace groups do
 * ({@code mst_addmsrtogroup}): a record joins a segment of the same NET.STA.LOC.CHAN and sample
 * rate (relative difference below 0.0001) when it starts within half a sample period of the
 * segment's expected next sample, or ends within half a period before the segment's start;
 * segments a record joins together are merged (as libmseed 3's trace lists do); records without
 * samples are ignored. Records may come in any order.
 *
 * <p>{@code int segments = MseedSegments.countContiguous(traces);}
 */
public final class MseedSegments {
  private MseedSegments() {}

  private static final class Segment {
    final double rate;
    long start;
    long end;

    Segment(double rate, long start, long end) {
      this.rate = rate;
      this.start = start;
      this.end = end;
    }
  }

  /** The number of contiguous segments the records make. */
  public static int countContiguous(Iterable<SeismicTrace> records) {
    Grouper g = new Grouper();
    for (SeismicTrace t : records) {
      g.add(t);
    }
    return g.count;
  }

  /** The number of contiguous segments of every record of a file, read one record at a time. */
  public static int countContiguous(SeekableByteChannel ch, String name) throws IOException {
    Grouper g = new Grouper();
    try (MseedReader r = MseedReader.open(ch, name)) {
      for (SeismicTrace t; (t = r.next()) != null; ) {
        g.add(t);
      }
    }
    return g.count;
  }

  /** Groups records one at a time; {@link #count()} is the number of segments so far. */
  public static final class Grouper {
    final Map<String, List<Segment>> byId = new HashMap<>();
    int count;

    public int count() {
      return count;
    }

    /** Adds one record (records without samples or start time are ignored). */
    public void add(SeismicTrace t) {
      int n = t.sampleCount();
      if (n == 0 || t.startTimeNanos() == null) {
        return;
      }
      double rate = t.sampleRateHz();
      double period = rate > 0 ? 1e9 / rate : 0.0;
      double tol = 0.5 * period;
      long start = t.startTimeNanos();
      long end = start + Math.round((n - 1) * period);
      String id = t.network() + "." + t.station() + "." + t.location() + "." + t.channel();
      List<Segment> segs = byId.computeIfAbsent(id, k -> new ArrayList<>());
      for (Segment s : segs) {
        if (!rateTolerable(s.rate, rate)) {
          continue;
        }
        double postgap = start - s.end - period;
        if (Math.abs(postgap) <= tol) {
          s.end = end;
          heal(segs, s, period, tol);
          return;
        }
        double pregap = s.start - end - period;
        if (Math.abs(pregap) <= tol) {
          s.start = start;
          heal(segs, s, period, tol);
          return;
        }
      }
      segs.add(new Segment(rate, start, end));
      count++;
    }

    /** Merges segments that the grown segment {@code s} now touches (libmseed 3 does). */
    void heal(List<Segment> segs, Segment s, double period, double tol) {
      for (boolean merged = true; merged; ) {
        merged = false;
        for (int i = 0; i < segs.size(); i++) {
          Segment o = segs.get(i);
          if (o == s || !rateTolerable(o.rate, s.rate)) {
            continue;
          }
          if (Math.abs(o.start - s.end - period) <= tol) {
            s.end = o.end;
          } else if (Math.abs(s.start - o.end - period) <= tol) {
            s.start = o.start;
          } else {
            continue;
          }
          segs.remove(i);
          count--;
          merged = true;
          break;
        }
      }
    }
  }

  private static boolean rateTolerable(double a, double b) {
    if (a == b) {
      return true;
    }
    return Math.abs(1.0 - a / b) < 0.0001;
  }
}
