package dev.sediment.transforms.validate;

import dev.sediment.io.table.AvroTableSchema;
import dev.sediment.schemas.RuleFailure;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/** The stateless record-level rules, compiled against a schema (built in a DoFn's @Setup). */
final class Checks {
  private Checks() {}

  static final int SKIPPED = 0;
  static final int PASSED = 1;
  static final int FAILED = 2;

  /** One compiled record-level rule. */
  abstract static class Check {
    final int index;
    final Rule rule;
    final String severity;
    final int field;
    final boolean skipsNull;

    Check(int index, Rule rule, int field, boolean skipsNull) {
      this.index = index;
      this.rule = rule;
      this.severity = rule.severity().label();
      this.field = field;
      this.skipsNull = skipsNull;
    }

    /** Checks one record; on failure adds one {@link RuleFailure} to {@code out}. */
    int evaluate(Row row, List<RuleFailure> out) {
      Object v = row.getValue(field);
      if (v == null && skipsNull) {
        return SKIPPED;
      }
      String message = test(v);
      if (message == null) {
        return PASSED;
      }
      out.add(RuleFailure.of(rule.id(), rule.column(), severity, Json.text(v), message));
      return FAILED;
    }

    /** Null when {@code v} passes, else what is wrong. */
    abstract @Nullable String test(@Nullable Object v);
  }

  /** Compiles every stateless record-level rule of {@code rules} against {@code schema}. */
  static List<Check> compile(Rules rules, Schema schema) {
    List<Check> out = new ArrayList<>();
    List<Rule> all = rules.rules();
    for (int i = 0; i < all.size(); i++) {
      Rule r = all.get(i);
      Check c = compile(i, r, schema);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  private static @Nullable Check compile(int i, Rule r, Schema schema) {
    if (r.level() == Rule.Level.COLUMN) {
      int f = schema.indexOf(r.column());
      ColumnKind k = ColumnKind.of(schema.getField(f));
      switch (r.name()) {
        case "not_null":
          return new Check(i, r, f, false) {
            @Override
            @Nullable
            String test(@Nullable Object v) {
              return v == null ? "value is null" : null;
            }
          };
        case "type":
          return new TypeCheck(i, r, f, schema.getField(f));
        case "min":
        case "max":
          return new BoundCheck(i, r, f, k);
        case "in":
          return new InCheck(i, r, f, k);
        case "regex":
          return new RegexCheck(i, r, f);
        case "length":
          return new LengthCheck(i, r, f);
        default:
          return null; // unique is keyed
      }
    }
    if (r.level() == Rule.Level.SEISMIC) {
      switch (r.name()) {
        case "null_trace":
          return new NullTraceCheck(i, r, schema.indexOf("samples"));
        case "amplitude":
          return new AmplitudeCheck(i, r, schema.indexOf("samples"));
        case "sample_rate":
          return new SampleRateCheck(i, r, schema.indexOf("sample_rate_hz"));
        case "required_headers":
          return new RequiredHeadersCheck(i, r, schema);
        default:
          return null; // gaps and overlaps are keyed
      }
    }
    return null;
  }

  /** min and max: exact comparison of numbers, dates and timestamps. */
  static final class BoundCheck extends Check {
    final boolean isMin;
    final boolean exclusive;
    final ColumnKind kind;
    private final String op;
    private final String boundText;
    private @Nullable BigDecimal bound;
    long longLimit;
    boolean never;
    double boundDouble;
    float boundFloat;
    long boundNanos;

    BoundCheck(int index, Rule r, int field, ColumnKind kind) {
      super(index, r, field, true);
      this.isMin = r.name().equals("min");
      this.exclusive = r.flag("exclusive");
      this.kind = kind;
      this.op = isMin ? (exclusive ? ">" : ">=") : (exclusive ? "<" : "<=");
      this.boundText = r.text("value");
      Object b = r.param("value");
      if (b instanceof Instant) {
        Instant t = (Instant) b;
        boundNanos = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        return;
      }
      bound = (BigDecimal) b;
      boundDouble = bound.doubleValue();
      boundFloat = bound.floatValue();
      // Integral columns: the smallest (min) or largest (max) passing long.
      BigDecimal limit;
      if (isMin) {
        limit =
            exclusive
                ? bound.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE)
                : bound.setScale(0, RoundingMode.CEILING);
        if (limit.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
          never = true;
        } else {
          longLimit = limit.max(BigDecimal.valueOf(Long.MIN_VALUE)).longValueExact();
        }
      } else {
        limit =
            exclusive
                ? bound.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE)
                : bound.setScale(0, RoundingMode.FLOOR);
        if (limit.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
          never = true;
        } else {
          longLimit = limit.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
        }
      }
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      boolean ok;
      switch (kind) {
        case INTEGRAL:
          long x = ((Number) v).longValue();
          ok = !never && (isMin ? x >= longLimit : x <= longLimit);
          break;
        case FLOAT:
          // The bound as the column's type sees it: min 3.4 on a float column is 3.4f.
          float f = ((Number) v).floatValue();
          ok = !Float.isNaN(f) && passes(f < boundFloat ? -1 : f > boundFloat ? 1 : 0);
          break;
        case DOUBLE:
          double d = ((Number) v).doubleValue();
          ok = !Double.isNaN(d) && passes(d < boundDouble ? -1 : d > boundDouble ? 1 : 0);
          break;
        case DECIMAL:
          ok = passes(((BigDecimal) v).compareTo(bound));
          break;
        default:
          ok = passes(Long.compare(kind.nanosOf(v), boundNanos));
          break;
      }
      return ok ? null : Json.text(v) + " is not " + op + " " + boundText;
    }

    boolean passes(int cmp) {
      return isMin ? (exclusive ? cmp > 0 : cmp >= 0) : (exclusive ? cmp < 0 : cmp <= 0);
    }
  }

  /** in: membership after converting the listed values to the column type. */
  static final class InCheck extends Check {
    final ColumnKind kind;
    final Set<Object> allowed = new HashSet<>();
    private final String listed;

    InCheck(int index, Rule r, int field, ColumnKind kind) {
      super(index, r, field, true);
      this.kind = kind;
      for (String s : r.list("values")) {
        allowed.add(convert(kind, s));
      }
      this.listed = "[" + String.join(", ", r.list("values")) + "]";
    }

    /** A listed value as the key a column value of {@code kind} is compared by, or null. */
    static @Nullable Object convert(ColumnKind kind, String s) {
      try {
        switch (kind) {
          case STRING:
            return s;
          case INTEGRAL:
            return new BigDecimal(s).longValueExact();
          case FLOAT:
            return normal((double) Float.parseFloat(s));
          case DOUBLE:
            return normal(Double.parseDouble(s));
          case DECIMAL:
            return new BigDecimal(s).stripTrailingZeros();
          case BOOLEAN:
            if (s.equalsIgnoreCase("true")) {
              return Boolean.TRUE;
            }
            return s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
          case TIME:
          case TS_MICROS:
          case TS_NANOS:
            Instant t = Rules.instant(s);
            return t == null
                ? null
                : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
          default:
            return null;
        }
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }

    private static Double normal(double d) {
      return d == 0.0 ? 0.0 : d;
    }

    private Object key(Object v) {
      switch (kind) {
        case STRING:
        case BOOLEAN:
          return v;
        case INTEGRAL:
          return ((Number) v).longValue();
        case FLOAT:
        case DOUBLE:
          return normal(((Number) v).doubleValue());
        case DECIMAL:
          return ((BigDecimal) v).stripTrailingZeros();
        default:
          return kind.nanosOf(v);
      }
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      return allowed.contains(key(v)) ? null : Json.text(v) + " is not one of " + listed;
    }
  }

  /**
   * {@code regex}: RE2 syntax and semantics (re2j), which match in time linear in the value, so
   * a pattern such as {@code (.*a){25}x} cannot stall a run on long values as a backtracking
   * engine ({@code java.util.regex}) does. Patterns RE2 lacks (backreferences, lookaround) are
   * refused when the rules load.
   */
  static final class RegexCheck extends Check {
    final com.google.re2j.Pattern pattern;

    RegexCheck(int index, Rule r, int field) {
      super(index, r, field, true);
      this.pattern = com.google.re2j.Pattern.compile(r.string("pattern"));
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      return pattern.matcher((CharSequence) v).find()
          ? null
          : Json.text(v) + " does not match " + pattern.pattern();
    }
  }

  static final class LengthCheck extends Check {
    final long min;
    final long max;
    private final String range;

    LengthCheck(int index, Rule r, int field) {
      super(index, r, field, true);
      BigDecimal lo = r.number("min");
      BigDecimal hi = r.number("max");
      min = lo == null ? 0 : lo.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
      max = hi == null ? Long.MAX_VALUE : hi.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
      range = "[" + (lo == null ? "0" : r.text("min")) + ", " + (hi == null ? "any" : r.text("max")) + "]";
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      long n;
      if (v instanceof String) {
        String s = (String) v;
        n = s.codePointCount(0, s.length());
      } else if (v instanceof byte[]) {
        n = ((byte[]) v).length;
      } else if (v instanceof Collection) {
        n = ((Collection<?>) v).size();
      } else {
        n = 0;
        for (Object ignored : (Iterable<?>) v) {
          n++;
        }
      }
      return n >= min && n <= max ? null : "length " + n + " is not in " + range;
    }
  }

  /** type: the value is of, or converts to, the rule's type. */
  static final class TypeCheck extends Check {
    private final String type;
    final boolean always;

    TypeCheck(int index, Rule r, int field, Schema.Field f) {
      super(index, r, field, false);
      this.type = r.string("value");
      this.always = compatible(type, f);
    }

    static boolean compatible(String type, Schema.Field f) {
      ColumnKind k = ColumnKind.of(f);
      Schema.TypeName t = f.getType().getTypeName();
      switch (type) {
        case "string":
          return k != ColumnKind.OTHER;
        case "int":
          return t == Schema.TypeName.BYTE || t == Schema.TypeName.INT16 || t == Schema.TypeName.INT32;
        case "long":
          return k == ColumnKind.INTEGRAL;
        case "float":
          return t == Schema.TypeName.FLOAT || t == Schema.TypeName.BYTE || t == Schema.TypeName.INT16;
        case "double":
          return t == Schema.TypeName.FLOAT
              || t == Schema.TypeName.DOUBLE
              || t == Schema.TypeName.BYTE
              || t == Schema.TypeName.INT16
              || t == Schema.TypeName.INT32;
        case "decimal":
          return k == ColumnKind.DECIMAL || k == ColumnKind.INTEGRAL;
        case "boolean":
          return k == ColumnKind.BOOLEAN;
        case "date":
          return k == ColumnKind.TIME && "date".equals(AvroTableSchema.logicalTypeOf(f));
        case "timestamp":
          return k.isTime();
        default:
          return false;
      }
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      if (v == null || always || convertible(v, type)) {
        return null;
      }
      return Json.text(v) + " is not a " + type;
    }

    private static final Pattern NUMBER =
        Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(NaN|Infinity)");

    static boolean convertible(Object v, String type) {
      if (type.equals("string")) {
        return true;
      }
      if (v instanceof String) {
        String s = (String) v;
        try {
          switch (type) {
            case "int":
              Integer.parseInt(s);
              return true;
            case "long":
              Long.parseLong(s);
              return true;
            case "float":
              return NUMBER.matcher(s).matches()
                  && (Float.isFinite(Float.parseFloat(s)) || s.contains("N") || s.contains("I"));
            case "double":
              return NUMBER.matcher(s).matches()
                  && (Double.isFinite(Double.parseDouble(s)) || s.contains("N") || s.contains("I"));
            case "decimal":
              new BigDecimal(s);
              return true;
            case "boolean":
              return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
            case "date":
              LocalDate.parse(s);
              return true;
            case "timestamp":
              return Rules.instant(s) != null;
            default:
              return false;
          }
        } catch (NumberFormatException | DateTimeParseException e) {
          return false;
        }
      }
      if (v instanceof Boolean) {
        return type.equals("boolean");
      }
      if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        switch (type) {
          case "double":
            return true;
          case "float":
            return Double.isNaN(d) || (double) (float) d == d;
          case "int":
            return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
          case "long":
            return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
          case "decimal":
            return Double.isFinite(d);
          default:
            return false;
        }
      }
      if (v instanceof BigDecimal || v instanceof Number) {
        BigDecimal b =
            v instanceof BigDecimal ? (BigDecimal) v : BigDecimal.valueOf(((Number) v).longValue());
        switch (type) {
          case "decimal":
            return true;
          case "int":
          case "long":
            try {
              long l = b.longValueExact();
              return type.equals("long") || (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE);
            } catch (ArithmeticException e) {
              return false;
            }
          case "double":
            double d = b.doubleValue();
            return Double.isFinite(d) && new BigDecimal(d).compareTo(b) == 0;
          case "float":
            float f = b.floatValue();
            return Float.isFinite(f) && new BigDecimal(f).compareTo(b) == 0;
          default:
            return false;
        }
      }
      Long nanos = v instanceof ReadableInstant ? null : ColumnKind.epochNanos(v);
      if (v instanceof ReadableInstant) {
        nanos = ((ReadableInstant) v).getMillis() * 1_000_000L;
      }
      if (nanos != null) {
        return type.equals("timestamp") || (type.equals("date") && nanos % 86_400_000_000_000L == 0);
      }
      return false;
    }
  }

  static Iterable<?> samples(Row row, int field) {
    Object v = row.getValue(field);
    return v == null ? List.of() : (Iterable<?>) v;
  }

  /** null_trace: no samples, all 0 or all NaN. */
  static final class NullTraceCheck extends Check {
    NullTraceCheck(int index, Rule r, int field) {
      super(index, r, field, false);
    }

    @Override
    int evaluate(Row row, List<RuleFailure> out) {
      long n = 0;
      long zeros = 0;
      long nans = 0;
      for (Object o : samples(row, field)) {
        n++;
        double d = o == null ? Double.NaN : ((Number) o).doubleValue();
        if (d == 0.0) {
          zeros++;
        } else if (Double.isNaN(d)) {
          nans++;
        }
      }
      String message = null;
      if (n == 0) {
        message = "the trace has no samples";
      } else if (zeros == n) {
        message = "all " + n + " samples are 0";
      } else if (nans == n) {
        message = "all " + n + " samples are NaN";
      }
      if (message == null) {
        return PASSED;
      }
      out.add(RuleFailure.of(rule.id(), null, severity, Long.toString(n), message));
      return FAILED;
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      throw new UnsupportedOperationException();
    }
  }

  /** amplitude: every sample finite and, with max, |sample| <= max. */
  static final class AmplitudeCheck extends Check {
    private final double max;
    private final String maxText;

    AmplitudeCheck(int index, Rule r, int field) {
      super(index, r, field, true);
      BigDecimal m = r.number("max");
      this.max = m == null ? Double.POSITIVE_INFINITY : m.doubleValue();
      this.maxText = m == null ? null : r.text("max");
    }

    @Override
    int evaluate(Row row, List<RuleFailure> out) {
      Object v = row.getValue(field);
      if (v == null) {
        return SKIPPED;
      }
      long i = 0;
      for (Object o : (Iterable<?>) v) {
        double d = o == null ? Double.NaN : ((Number) o).doubleValue();
        if (!Double.isFinite(d) || Math.abs(d) > max) {
          String message =
              Double.isFinite(d)
                  ? "sample " + i + " is " + Json.text(d) + ", |sample| > " + maxText
                  : "sample " + i + " is " + d;
          out.add(RuleFailure.of(rule.id(), null, severity, Json.text(d), message));
          return FAILED;
        }
        i++;
      }
      return PASSED;
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      throw new UnsupportedOperationException();
    }
  }

  /** sample_rate: |rate - value| <= tolerance, compared exactly. */
  static final class SampleRateCheck extends Check {
    private final BigDecimal value;
    private final BigDecimal tolerance;
    private final String expected;

    SampleRateCheck(int index, Rule r, int field) {
      super(index, r, field, true);
      this.value = r.number("value");
      BigDecimal t = r.number("tolerance");
      this.tolerance = t == null ? BigDecimal.ZERO : t;
      this.expected = r.text("value") + (t == null ? "" : " ± " + r.text("tolerance"));
    }

    @Override
    int evaluate(Row row, List<RuleFailure> out) {
      Object v = row.getValue(field);
      if (v == null) {
        return SKIPPED;
      }
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d) && new BigDecimal(d).subtract(value).abs().compareTo(tolerance) <= 0) {
        return PASSED;
      }
      out.add(
          RuleFailure.of(
              rule.id(),
              null,
              severity,
              Json.text(d),
              "sample rate " + Json.text(d) + " Hz is not " + expected + " Hz"));
      return FAILED;
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      throw new UnsupportedOperationException();
    }
  }

  /** required_headers: each name is a non-empty top-level field or key of the headers map. */
  static final class RequiredHeadersCheck extends Check {
    private final List<String> names;
    private final int[] topLevel;

    RequiredHeadersCheck(int index, Rule r, Schema schema) {
      super(index, r, schema.indexOf("headers"), false);
      this.names = r.list("headers");
      this.topLevel = new int[names.size()];
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        topLevel[i] = schema.hasField(n) && !n.equals("headers") ? schema.indexOf(n) : -1;
      }
    }

    @Override
    int evaluate(Row row, List<RuleFailure> out) {
      Map<?, ?> headers = row.getValue(field);
      List<String> missing = null;
      for (int i = 0; i < names.size(); i++) {
        Object v =
            topLevel[i] >= 0 ? row.getValue(topLevel[i]) : headers == null ? null : headers.get(names.get(i));
        if (v == null || (v instanceof CharSequence && ((CharSequence) v).length() == 0)) {
          if (missing == null) {
            missing = new ArrayList<>();
          }
          missing.add(names.get(i));
        }
      }
      if (missing == null) {
        return PASSED;
      }
      out.add(
          RuleFailure.of(
              rule.id(),
              null,
              severity,
              Json.text(missing),
              "missing headers: " + String.join(", ", missing)));
      return FAILED;
    }

    @Override
    @Nullable
    String test(@Nullable Object v) {
      throw new UnsupportedOperationException();
    }
  }
}
