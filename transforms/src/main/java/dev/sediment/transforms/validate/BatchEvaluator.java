package dev.sediment.transforms.validate;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.RuleFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Evaluates the stateless rules over a {@link ColumnBatch} column by column, with the same
 * outcome, counts, examples and messages as {@link Checks.Check#evaluate} on each row.
 *
 * <p>Each check decides pass or fail over a whole column vector in a tight loop where it can
 * (not_null from the null mask; min/max on integer, float, double and timestamp vectors; in,
 * regex and length on UTF-8 bytes, remembering the verdict of values seen before, since such
 * columns repeat values; type when the column's type always passes). A check without a column
 * path (decimal and date bounds, seismic checks) falls back to the row path for that batch. Only
 * failing values are turned into Java objects, to write their message and example with the very
 * code the row path uses. Column summaries are folded per vector the same way.
 *
 * <p>Not thread-safe; one per DoFn instance.
 */
final class BatchEvaluator {
  private static final int MEMO_LIMIT = 16_384;

  private final Schema schema;
  private final BatchRows rows;
  private final List<Checks.Check> checks;
  private final ColumnKind[] kinds;
  private final List<Map<BytesKey, Boolean>> memos = new ArrayList<>();
  private final BytesKey probe = new BytesKey();
  private final List<byte @Nullable [][]> inBytes = new ArrayList<>();
  /** Per check: the allowed values of a string in check packed as ShortValueMemo keys, if all fit. */
  private final List<long @Nullable []> inKeys = new ArrayList<>();
  private final List<ShortValueMemo> shortMemos = new ArrayList<>();
  /** Each check's failed rows, cleared and reused per check (an evaluator is one thread's). */
  private boolean[] failedScratch = new boolean[0];

  /** What {@link #evaluate} found in one batch. */
  static final class Outcome {
    /** The rows with no error failure (warn failures pass): the batch itself if all passed. */
    ColumnBatch valid;
    /** The rows with an error failure, each with every failure it had, in batch order. */
    final List<Violation> violations = new ArrayList<>();
  }

  BatchEvaluator(Rules rules, Schema schema) {
    this.schema = schema;
    this.rows = BatchRows.of(schema);
    this.checks = Checks.compile(rules, schema);
    this.kinds = new ColumnKind[schema.getFieldCount()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = ColumnKind.of(schema.getField(i));
    }
    for (Checks.Check c : checks) {
      memos.add(new HashMap<>());
      byte[][] allowed = null;
      if (c instanceof Checks.InCheck && kinds[c.field] == ColumnKind.STRING) {
        Set<Object> set = ((Checks.InCheck) c).allowed;
        allowed = new byte[set.size()][];
        int k = 0;
        for (Object o : set) {
          allowed[k++] = ((String) o).getBytes(StandardCharsets.UTF_8);
        }
      }
      inBytes.add(allowed);
      long[] keys = null;
      if (allowed != null) {
        keys = new long[allowed.length];
        for (int a = 0; a < allowed.length && keys != null; a++) {
          if (allowed[a].length > ShortValueMemo.MAX_BYTES) {
            keys = null;
          } else {
            keys[a] = ShortValueMemo.key(allowed[a], 0, allowed[a].length);
          }
        }
      }
      inKeys.add(keys);
      shortMemos.add(new ShortValueMemo());
    }
  }

  BatchRows rows() {
    return rows;
  }

  /** Evaluates {@code batch}, adding its counts, examples and column summaries to {@code p}. */
  Outcome evaluate(ColumnBatch batch, Partial p) {
    int n = batch.rowCount();
    p.in += n;
    @Nullable List<RuleFailure>[] failures = newFailureLists(n);
    Row[] rowCache = null;
    if (failedScratch.length < n) {
      failedScratch = new boolean[n];
    }
    boolean[] failed = failedScratch;
    for (int k = 0; k < checks.size(); k++) {
      Checks.Check c = checks.get(k);
      java.util.Arrays.fill(failed, 0, n, false);
      long checked = columnar(k, c, batch, failed);
      if (checked < 0) {
        // The row path, for checks without a column loop.
        if (rowCache == null) {
          rowCache = new Row[n];
        }
        checked = 0;
        List<RuleFailure> out = new ArrayList<>(1);
        for (int i = 0; i < n; i++) {
          Row row = rowCache[i];
          if (row == null) {
            row = rows.toRow(batch, i);
            rowCache[i] = row;
          }
          out.clear();
          int result = c.evaluate(row, out);
          if (result != Checks.SKIPPED) {
            checked++;
            if (result == Checks.FAILED) {
              addFailure(failures, i, out.get(0), p, c);
            }
          }
        }
      } else {
        for (int i = 0; i < n; i++) {
          if (failed[i]) {
            Object v = rows.value(batch, c.field, i);
            String message = c.test(v);
            if (message == null) {
              throw new IllegalStateException(
                  "rule " + c.rule.id() + ": the column check and the row check disagree on " + v);
            }
            addFailure(
                failures,
                i,
                RuleFailure.of(c.rule.id(), c.rule.column(), c.severity, Json.text(v), message),
                p,
                c);
          }
        }
      }
      p.checked[c.index] += checked;
    }
    summarize(batch, p);

    Outcome o = new Outcome();
    boolean[] keep = new boolean[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      List<RuleFailure> f = failures[i];
      if (f != null && Validate.hasError(f)) {
        p.quarantined++;
        Row row = rowCache != null && rowCache[i] != null ? rowCache[i] : rows.toRow(batch, i);
        o.violations.add(new Violation(row, f));
      } else {
        p.valid++;
        if (f != null) {
          p.warned++;
        }
        keep[i] = true;
        kept++;
      }
    }
    o.valid = kept == n ? batch : batch.filter(keep);
    return o;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable List<RuleFailure>[] newFailureLists(int n) {
    return (List<RuleFailure>[]) new List<?>[n];
  }

  private static void addFailure(
      @Nullable List<RuleFailure>[] failures, int i, RuleFailure f, Partial p, Checks.Check c) {
    List<RuleFailure> l = failures[i];
    if (l == null) {
      l = new ArrayList<>(2);
      failures[i] = l;
    }
    l.add(f);
    p.failed[c.index]++;
    p.example(c.index, f.getValue());
  }

  /**
   * Marks the failing rows of check {@code k} in {@code failed} and returns how many rows it
   * checked, or -1 if it has no column loop for this vector.
   */
  private long columnar(int k, Checks.Check c, ColumnBatch batch, boolean[] failed) {
    int n = batch.rowCount();
    ColumnVector v = batch.column(c.field);
    boolean[] nulls = v.nullMask();
    int nullCount = v.nullCount();
    String name = c.rule.name();
    if (c.rule.level() != Rule.Level.COLUMN) {
      return -1;
    }
    if (name.equals("not_null")) {
      if (nulls != null) {
        System.arraycopy(nulls, 0, failed, 0, n);
      }
      return n;
    }
    if (c instanceof Checks.TypeCheck) {
      return ((Checks.TypeCheck) c).always ? n : -1;
    }
    long checked = n - nullCount;
    if (c instanceof Checks.BoundCheck) {
      return bound((Checks.BoundCheck) c, v, nulls, failed) ? checked : -1;
    }
    if (c instanceof Checks.InCheck) {
      byte[][] allowed = inBytes.get(k);
      if (allowed != null && v instanceof BinaryColumn) {
        // A handful of allowed values compare faster than a hash lookup.
        BinaryColumn s = (BinaryColumn) v;
        long[] keys = inKeys.get(k);
        if (keys != null) {
          // Every allowed value fits a long: compare packed keys; a longer value is not allowed.
          byte[] data = s.data();
          int[] offsets = s.offsets();
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              int from = offsets[i];
              int len = offsets[i + 1] - from;
              failed[i] =
                  len > ShortValueMemo.MAX_BYTES
                      || !contains(keys, ShortValueMemo.key(data, from, len));
            }
          }
          return checked;
        }
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            failed[i] = !in(s, i, allowed);
          }
        }
        return checked;
      }
      if (kinds[c.field] == ColumnKind.INTEGRAL && (v instanceof LongColumn || v instanceof IntColumn)) {
        Set<Object> allowedLongs = ((Checks.InCheck) c).allowed;
        Set<Long> set = new HashSet<>();
        for (Object o : allowedLongs) {
          if (o instanceof Long) {
            set.add((Long) o);
          }
        }
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            long x = v instanceof LongColumn ? ((LongColumn) v).get(i) : ((IntColumn) v).get(i);
            failed[i] = !set.contains(x);
          }
        }
        return checked;
      }
      return -1;
    }
    if (c instanceof Checks.RegexCheck && v instanceof BinaryColumn && kinds[c.field] == ColumnKind.STRING) {
      com.google.re2j.Pattern pattern = ((Checks.RegexCheck) c).pattern;
      BinaryColumn s = (BinaryColumn) v;
      memoized(k, s, nulls, failed, (bytes) -> !pattern.matcher(bytes).find());
      return checked;
    }
    if (c instanceof Checks.LengthCheck) {
      Checks.LengthCheck lc = (Checks.LengthCheck) c;
      if (v instanceof BinaryColumn && kinds[c.field] == ColumnKind.STRING) {
        BinaryColumn s = (BinaryColumn) v;
        byte[] data = s.data();
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            long len = codePoints(data, s.start(i), s.start(i) + s.length(i));
            failed[i] = len < lc.min || len > lc.max;
          }
        }
        return checked;
      }
      if (v instanceof BinaryColumn && kinds[c.field] == ColumnKind.BYTES) {
        BinaryColumn s = (BinaryColumn) v;
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            failed[i] = s.length(i) < lc.min || s.length(i) > lc.max;
          }
        }
        return checked;
      }
      if (v instanceof ListColumn) {
        ListColumn l = (ListColumn) v;
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            failed[i] = l.length(i) < lc.min || l.length(i) > lc.max;
          }
        }
        return checked;
      }
      return -1;
    }
    return -1;
  }

  private static boolean contains(long[] keys, long key) {
    for (long x : keys) {
      if (x == key) {
        return true;
      }
    }
    return false;
  }

  private static boolean in(BinaryColumn s, int i, byte[][] allowed) {
    for (byte[] a : allowed) {
      if (s.equalsBytes(i, a)) {
        return true;
      }
    }
    return false;
  }

  /** A check on the bytes of each value, remembering the verdict of values seen before. */
  private void memoized(
      int k, BinaryColumn s, boolean @Nullable [] nulls, boolean[] failed, BytesTest test) {
    Map<BytesKey, Boolean> memo = memos.get(k);
    ShortValueMemo shortMemo = shortMemos.get(k);
    byte[] data = s.data();
    int[] offsets = s.offsets();
    for (int i = 0; i < s.size(); i++) {
      if (nulls != null && nulls[i]) {
        continue;
      }
      int from = offsets[i];
      int len = offsets[i + 1] - from;
      if (len <= ShortValueMemo.MAX_BYTES) {
        long key = ShortValueMemo.key(data, from, len);
        int known = shortMemo.get(key);
        if (known == ShortValueMemo.UNKNOWN) {
          boolean fails = test.fails(s.getBytes(i));
          shortMemo.put(key, fails);
          failed[i] = fails;
        } else {
          failed[i] = known == ShortValueMemo.FAILS;
        }
        continue;
      }
      probe.set(data, s.start(i), s.length(i));
      Boolean verdict = memo.get(probe);
      if (verdict == null) {
        byte[] bytes = s.getBytes(i);
        verdict = test.fails(bytes);
        if (memo.size() >= MEMO_LIMIT) {
          memo.clear();
        }
        memo.put(BytesKey.copyOf(bytes), verdict);
      }
      failed[i] = verdict;
    }
  }

  private interface BytesTest {
    boolean fails(byte[] utf8);
  }

  /** Code points of valid UTF-8: the bytes that do not continue a sequence. */
  static long codePoints(byte[] data, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      if ((data[i] & 0xC0) != 0x80) {
        n++;
      }
    }
    return n;
  }

  /** min and max over a primitive vector; false if this vector needs the row path. */
  private static boolean bound(
      Checks.BoundCheck b, ColumnVector v, boolean @Nullable [] nulls, boolean[] failed) {
    int n = v.size();
    switch (b.kind) {
      case INTEGRAL:
        if (b.never) {
          for (int i = 0; i < n; i++) {
            failed[i] = nulls == null || !nulls[i];
          }
          return true;
        }
        long limit = b.longLimit;
        if (v instanceof LongColumn) {
          long[] a = ((LongColumn) v).values();
          for (int i = 0; i < n; i++) {
            failed[i] = (b.isMin ? a[i] < limit : a[i] > limit) && (nulls == null || !nulls[i]);
          }
          return true;
        }
        if (v instanceof IntColumn) {
          int[] a = ((IntColumn) v).values();
          for (int i = 0; i < n; i++) {
            failed[i] = (b.isMin ? a[i] < limit : a[i] > limit) && (nulls == null || !nulls[i]);
          }
          return true;
        }
        return false;
      case DOUBLE:
        if (!(v instanceof DoubleColumn)) {
          return false;
        }
        boundDoubles(b, ((DoubleColumn) v).values(), n, nulls, failed);
        return true;
      case FLOAT:
        if (!(v instanceof FloatColumn)) {
          return false;
        }
        float[] f = ((FloatColumn) v).values();
        float bf = b.boundFloat;
        for (int i = 0; i < n; i++) {
          float x = f[i];
          failed[i] =
              (nulls == null || !nulls[i])
                  && (Float.isNaN(x) || !b.passes(x < bf ? -1 : x > bf ? 1 : 0));
        }
        return true;
      case TS_NANOS:
      case TS_MICROS:
        if (!(v instanceof LongColumn)) {
          return false;
        }
        long[] t = ((LongColumn) v).values();
        boolean micros = b.kind == ColumnKind.TS_MICROS;
        long bound = b.boundNanos;
        for (int i = 0; i < n; i++) {
          if (nulls == null || !nulls[i]) {
            long nanos = micros ? Math.multiplyExact(t[i], 1000L) : t[i];
            failed[i] = !b.passes(Long.compare(nanos, bound));
          }
        }
        return true;
      default:
        return false;
    }
  }

  /**
   * min and max over doubles, one loop per operator: {@code x op bound} is false for NaN, so a
   * NaN fails as {@link Checks.BoundCheck#test} says, and -0.0 compares equal to 0.0 as there.
   */
  private static void boundDoubles(
      Checks.BoundCheck b, double[] d, int n, boolean @Nullable [] nulls, boolean[] failed) {
    double bd = b.boundDouble;
    if (b.isMin && b.exclusive) {
      for (int i = 0; i < n; i++) {
        failed[i] = !(d[i] > bd);
      }
    } else if (b.isMin) {
      for (int i = 0; i < n; i++) {
        failed[i] = !(d[i] >= bd);
      }
    } else if (b.exclusive) {
      for (int i = 0; i < n; i++) {
        failed[i] = !(d[i] < bd);
      }
    } else {
      for (int i = 0; i < n; i++) {
        failed[i] = !(d[i] <= bd);
      }
    }
    if (nulls != null) {
      for (int i = 0; i < n; i++) {
        failed[i] &= !nulls[i];
      }
    }
  }

  /** Folds every column of {@code batch} into the column summaries of {@code p}. */
  private void summarize(ColumnBatch batch, Partial p) {
    ColumnAcc[] accs = p.columns;
    int n = batch.rowCount();
    for (int c = 0; c < accs.length; c++) {
      ColumnAcc acc = accs[c];
      ColumnVector v = batch.column(c);
      boolean[] nulls = v.nullMask();
      int nullCount = v.nullCount();
      switch (acc.kind) {
        case INTEGRAL:
        case TS_MICROS:
        case TS_NANOS:
          if (v instanceof LongColumn && nulls == null) {
            // No nulls: a plain loop over the array.
            long[] a = ((LongColumn) v).values();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
              long x = a[i];
              min = Math.min(min, x);
              max = Math.max(max, x);
            }
            acc.addLongs(n, nullCount, n > 0, min, max);
            continue;
          }
          if (v instanceof LongColumn || v instanceof IntColumn) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            boolean any = false;
            if (v instanceof LongColumn) {
              long[] a = ((LongColumn) v).values();
              for (int i = 0; i < n; i++) {
                if (!nulls[i]) {
                  long x = a[i];
                  min = Math.min(min, x);
                  max = Math.max(max, x);
                  any = true;
                }
              }
            } else {
              int[] a = ((IntColumn) v).values();
              for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                  long x = a[i];
                  min = Math.min(min, x);
                  max = Math.max(max, x);
                  any = true;
                }
              }
            }
            acc.addLongs(n, nullCount, any, min, max);
            continue;
          }
          break;
        case DOUBLE:
        case FLOAT:
          if (v instanceof DoubleColumn) {
            double[] a = ((DoubleColumn) v).values();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            boolean any = false;
            for (int i = 0; i < n; i++) {
              double x = a[i];
              // NaN compares false both ways: it is neither min nor max, nor counted.
              if ((nulls == null || !nulls[i]) && x == x) {
                if (x < min || (x == min && Double.compare(x, min) < 0)) {
                  min = x;
                }
                if (x > max || (x == max && Double.compare(x, max) > 0)) {
                  max = x;
                }
                any = true;
              }
            }
            acc.addDoubles(n, nullCount, any, min, max);
            continue;
          }
          if (v instanceof FloatColumn) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            boolean any = false;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                double x = ((FloatColumn) v).get(i);
                if (!Double.isNaN(x)) {
                  min = Math.min(min, x);
                  max = Math.max(max, x);
                  any = true;
                }
              }
            }
            acc.addDoubles(n, nullCount, any, min, max);
            continue;
          }
          break;
        case STRING:
          if (v instanceof BinaryColumn) {
            BinaryColumn s = (BinaryColumn) v;
            byte[] data = s.data();
            int[] offsets = s.offsets();
            int min = -1;
            int max = -1;
            // The first bytes of min and max when ASCII, else 256 and -1: a value whose first
            // byte lies strictly between them differs from both at byte 0, in ASCII, so it is
            // above min and below max, and needs no comparison.
            int minFirst = 256;
            int maxFirst = -1;
            // min and max as asciiKey()s, or -1: a short ASCII value orders as its key.
            long minKey = -1;
            long maxKey = -1;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                int from = offsets[i];
                int to = offsets[i + 1];
                if (from < to) {
                  int first = data[from];
                  if (first > minFirst && first < maxFirst) {
                    continue;
                  }
                }
                if (minKey >= 0 && maxKey >= 0) {
                  long key = asciiKey(data, from, to);
                  if (key >= minKey && key <= maxKey) {
                    continue;
                  }
                }
                if (min < 0 || compareUtf16(s, i, min) < 0) {
                  min = i;
                  minFirst = asciiFirst(s, i, 256);
                  minKey = asciiKey(data, from, to);
                }
                if (max < 0 || compareUtf16(s, i, max) > 0) {
                  max = i;
                  maxFirst = asciiFirst(s, i, -1);
                  maxKey = asciiKey(data, from, to);
                }
              }
            }
            acc.addSummary(
                n, nullCount, min < 0 ? null : s.getString(min), max < 0 ? null : s.getString(max));
            continue;
          }
          break;
        case BOOLEAN:
        case BYTES:
        case COLLECTION:
        case MAP:
        case OTHER:
          acc.addSummary(n, nullCount, null, null);
          continue;
        default:
          break;
      }
      for (int i = 0; i < n; i++) {
        acc.add(rows.value(batch, c, i));
      }
    }
  }

  /**
   * {@code data[from, to)} as a non-negative long that orders as {@link #compareUtf16} does, if it
   * is at most 7 bytes, all ASCII (each a UTF-16 code unit of its own); else -1. The bytes fill
   * the long from its top byte down, then the length, so a prefix sorts first.
   */
  static long asciiKey(byte[] data, int from, int to) {
    int len = to - from;
    if (len > 7) {
      return -1;
    }
    long key = 0;
    int any = 0;
    for (int k = from; k < to; k++) {
      byte b = data[k];
      any |= b;
      key = (key << 8) | b;
    }
    if (any < 0) {
      return -1;
    }
    return (key << (8 * (8 - len))) | len;
  }

  /** The first byte of entry {@code i} if it is ASCII (0 to 127), else {@code otherwise}. */
  private static int asciiFirst(BinaryColumn s, int i, int otherwise) {
    if (s.length(i) == 0) {
      return otherwise;
    }
    int b = s.data()[s.start(i)];
    return b >= 0 ? b : otherwise;
  }

  /**
   * Compares two UTF-8 entries of {@code s} as {@link String#compareTo} compares the strings
   * (UTF-16 code units), which differs from byte order only between a supplementary character
   * and a BMP character at or above U+E000. The sign is what matters.
   */
  static int compareUtf16(BinaryColumn s, int i, int j) {
    byte[] d = s.data();
    int a = s.start(i);
    int aLen = s.length(i);
    int aEnd = a + aLen;
    int b = s.start(j);
    int bLen = s.length(j);
    int bEnd = b + bLen;
    int k;
    int common = Math.min(aLen, bLen);
    if (common <= 16) {
      // Short values: a plain loop beats Arrays.mismatch's setup.
      k = 0;
      while (k < common && d[a + k] == d[b + k]) {
        k++;
      }
      if (k == common && aLen == bLen) {
        return 0;
      }
    } else {
      k = Arrays.mismatch(d, a, aEnd, d, b, bEnd);
      if (k < 0) {
        return 0;
      }
    }
    if (a + k == aEnd || b + k == bEnd) {
      return aLen - bLen;
    }
    byte x = d[a + k];
    byte y = d[b + k];
    if (x >= 0 && y >= 0) {
      // Two ASCII bytes: each is a whole code point and a UTF-16 code unit of its own.
      return x - y;
    }
    // Back up to the start of the code point the first difference is in.
    int p = k;
    while (p > 0 && (d[a + p] & 0xC0) == 0x80) {
      p--;
    }
    int ca = utf16First(d, a + p);
    int cb = utf16First(d, b + p);
    if (ca != cb) {
      return ca - cb;
    }
    return (d[a + k] & 0xFF) - (d[b + k] & 0xFF);
  }

  /** The first UTF-16 code unit of the code point starting at {@code i}. */
  private static int utf16First(byte[] d, int i) {
    int b0 = d[i] & 0xFF;
    if (b0 < 0x80) {
      return b0;
    }
    if (b0 < 0xE0) {
      return ((b0 & 0x1F) << 6) | (d[i + 1] & 0x3F);
    }
    if (b0 < 0xF0) {
      return ((b0 & 0x0F) << 12) | ((d[i + 1] & 0x3F) << 6) | (d[i + 2] & 0x3F);
    }
    int cp = ((b0 & 0x07) << 18) | ((d[i + 1] & 0x3F) << 12) | ((d[i + 2] & 0x3F) << 6) | (d[i + 3] & 0x3F);
    return Character.highSurrogate(cp);
  }

  /** A byte range as a hash key; the probe points into a vector's buffer, stored keys own a copy. */
  static final class BytesKey {
    private byte[] data = new byte[0];
    private int from;
    private int length;
    private int hash;

    static BytesKey copyOf(byte[] bytes) {
      BytesKey k = new BytesKey();
      k.set(bytes, 0, bytes.length);
      return k;
    }

    void set(byte[] data, int from, int length) {
      this.data = data;
      this.from = from;
      this.length = length;
      int h = 1;
      for (int i = from; i < from + length; i++) {
        h = 31 * h + data[i];
      }
      this.hash = h;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof BytesKey)) {
        return false;
      }
      BytesKey k = (BytesKey) o;
      return hash == k.hash
          && Arrays.equals(data, from, from + length, k.data, k.from, k.from + k.length);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
