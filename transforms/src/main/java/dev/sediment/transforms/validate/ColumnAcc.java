package dev.sediment.transforms.validate;

import java.io.Serializable;
import java.math.BigDecimal;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Mergeable count, nulls, min and max of one column (min/max only for orderable kinds). Encoded by
 * {@link ColumnAccCoder}; Serializable as part of a {@link Partial}.
 */
final class ColumnAcc implements Serializable {
  private static final long serialVersionUID = 1L;

  final ColumnKind kind;
  long count;
  long nulls;
  boolean any;
  long lmin = Long.MAX_VALUE;
  long lmax = Long.MIN_VALUE;
  double dmin = Double.POSITIVE_INFINITY;
  double dmax = Double.NEGATIVE_INFINITY;
  @Nullable BigDecimal bmin;
  @Nullable BigDecimal bmax;
  @Nullable String smin;
  @Nullable String smax;

  ColumnAcc(ColumnKind kind) {
    this.kind = kind;
  }

  void add(@Nullable Object v) {
    count++;
    if (v == null) {
      nulls++;
      return;
    }
    update(v);
  }

  /**
   * Counts {@code n} values of which {@code nullCount} are null, whose smallest and largest
   * non-null values (as {@link #add} orders them) are {@code min} and {@code max}; both null when
   * every value is null or the kind keeps no bounds.
   */
  void addSummary(long n, long nullCount, @Nullable Object min, @Nullable Object max) {
    count += n;
    nulls += nullCount;
    if (min != null) {
      update(min);
    }
    if (max != null) {
      update(max);
    }
  }

  /** Counts {@code n} integral values ({@code INTEGRAL}, {@code TS_MICROS}, {@code TS_NANOS}). */
  void addLongs(long n, long nullCount, boolean anyValue, long min, long max) {
    count += n;
    nulls += nullCount;
    if (anyValue) {
      any = true;
      lmin = Math.min(lmin, min);
      lmax = Math.max(lmax, max);
    }
  }

  /** Counts {@code n} FLOAT or DOUBLE values; {@code anyValue} if one was not NaN. */
  void addDoubles(long n, long nullCount, boolean anyValue, double min, double max) {
    count += n;
    nulls += nullCount;
    if (anyValue) {
      any = true;
      dmin = Math.min(dmin, min);
      dmax = Math.max(dmax, max);
    }
  }

  private void update(Object v) {
    switch (kind) {
      case INTEGRAL:
      case TS_MICROS:
      case TS_NANOS:
        long l = ((Number) v).longValue();
        any = true;
        lmin = Math.min(lmin, l);
        lmax = Math.max(lmax, l);
        break;
      case TIME:
        long n = kind.nanosOf(v);
        any = true;
        lmin = Math.min(lmin, n);
        lmax = Math.max(lmax, n);
        break;
      case FLOAT:
      case DOUBLE:
        double d = ((Number) v).doubleValue();
        if (!Double.isNaN(d)) {
          any = true;
          dmin = Math.min(dmin, d);
          dmax = Math.max(dmax, d);
        }
        break;
      case DECIMAL:
        BigDecimal b = (BigDecimal) v;
        any = true;
        bmin = bmin == null || b.compareTo(bmin) < 0 ? b : bmin;
        bmax = bmax == null || b.compareTo(bmax) > 0 ? b : bmax;
        break;
      case STRING:
        String s = (String) v;
        any = true;
        smin = smin == null || s.compareTo(smin) < 0 ? s : smin;
        smax = smax == null || s.compareTo(smax) > 0 ? s : smax;
        break;
      default:
        break;
    }
  }

  void merge(ColumnAcc o) {
    count += o.count;
    nulls += o.nulls;
    if (!o.any) {
      return;
    }
    any = true;
    lmin = Math.min(lmin, o.lmin);
    lmax = Math.max(lmax, o.lmax);
    dmin = Math.min(dmin, o.dmin);
    dmax = Math.max(dmax, o.dmax);
    if (o.bmin != null) {
      bmin = bmin == null || o.bmin.compareTo(bmin) < 0 ? o.bmin : bmin;
      bmax = bmax == null || o.bmax.compareTo(bmax) > 0 ? o.bmax : bmax;
    }
    if (o.smin != null) {
      smin = smin == null || o.smin.compareTo(smin) < 0 ? o.smin : smin;
      smax = smax == null || o.smax.compareTo(smax) > 0 ? o.smax : smax;
    }
  }

  /** The newest value as epoch nanoseconds (time kinds), or null. */
  @Nullable
  Long maxNanos() {
    if (!any) {
      return null;
    }
    switch (kind) {
      case TS_MICROS:
        return Math.multiplyExact(lmax, 1000L);
      case TS_NANOS:
      case TIME:
        return lmax;
      default:
        return null;
    }
  }

  @Nullable
  String minJson() {
    return bound(true);
  }

  @Nullable
  String maxJson() {
    return bound(false);
  }

  private @Nullable String bound(boolean min) {
    if (!any) {
      return null;
    }
    long l = min ? lmin : lmax;
    switch (kind) {
      case INTEGRAL:
        return Long.toString(l);
      case TS_MICROS:
        return Json.text(ColumnKind.isoOfNanos(Math.multiplyExact(l, 1000L)));
      case TS_NANOS:
      case TIME:
        return Json.text(ColumnKind.isoOfNanos(l));
      case FLOAT:
      case DOUBLE:
        return Json.text(min ? dmin : dmax);
      case DECIMAL:
        return Json.text(min ? bmin : bmax);
      case STRING:
        return Json.text(min ? smin : smax);
      default:
        return null;
    }
  }
}
