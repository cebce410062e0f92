package dev.sediment.transforms.profile;

import dev.sediment.transforms.profile.ColumnProfileFn.ColumnStats;
import dev.sediment.transforms.profile.ColumnProfileFn.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Coder of {@link Profile}, the accumulator and result of {@link ColumnProfileFn}: the record
 * counts, then per column the whole-input and the sample's {@link ColumnStats}. A bound is a tag
 * byte naming its type (long, double, decimal, boolean, string, date, instant; 0 for none) and
 * its value, so a decoded bound compares exactly as the original did.
 *
 * <p>Deterministic: fields in a fixed order with deterministic coders, distinct values in their
 * sorted order, doubles as {@link Double#doubleToLongBits} (NaN canonical, though NaN is never a
 * bound). {@link Profile} has no {@code equals}, so its structural value is its encoding.
 */
final class ProfileCoder extends AtomicCoder<Profile> {
  private static final ProfileCoder INSTANCE = new ProfileCoder();
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();
  private static final Coder<Long> FIXED = BigEndianLongCoder.of();
  private static final Coder<Byte> TAG = ByteCoder.of();
  private static final Coder<Boolean> BOOL = BooleanCoder.of();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<BigDecimal> DECIMAL = BigDecimalCoder.of();

  private static final byte NONE = 0;
  private static final byte LONG_BOUND = 1;
  private static final byte DOUBLE_BOUND = 2;
  private static final byte DECIMAL_BOUND = 3;
  private static final byte BOOLEAN_BOUND = 4;
  private static final byte STRING_BOUND = 5;
  private static final byte DATE_BOUND = 6;
  private static final byte INSTANT_BOUND = 7;

  static ProfileCoder of() {
    return INSTANCE;
  }

  private ProfileCoder() {}

  @Override
  public void encode(Profile p, OutputStream out) throws IOException {
    LONG.encode(p.records, out);
    LONG.encode(p.sampledRecords, out);
    INT.encode(p.whole.length, out);
    for (int i = 0; i < p.whole.length; i++) {
      encode(p.whole[i], out);
      encode(p.sampled[i], out);
    }
  }

  @Override
  public Profile decode(InputStream in) throws IOException {
    long records = LONG.decode(in);
    long sampledRecords = LONG.decode(in);
    int columns = INT.decode(in);
    if (columns < 0) {
      throw new CoderException("corrupt profile: negative column count " + columns);
    }
    Profile p = new Profile(columns);
    p.records = records;
    p.sampledRecords = sampledRecords;
    for (int i = 0; i < columns; i++) {
      decode(in, p.whole[i]);
      decode(in, p.sampled[i]);
    }
    return p;
  }

  private static void encode(ColumnStats s, OutputStream out) throws IOException {
    LONG.encode(s.count, out);
    LONG.encode(s.nulls, out);
    encodeBound(s.min, out);
    encodeBound(s.max, out);
    INT.encode(s.minLength, out);
    INT.encode(s.maxLength, out);
    BOOL.encode(s.distinct != null, out);
    if (s.distinct != null) {
      INT.encode(s.distinct.size(), out);
      for (String v : s.distinct) {
        STRING.encode(v, out);
      }
    }
  }

  private static void decode(InputStream in, ColumnStats s) throws IOException {
    s.count = LONG.decode(in);
    s.nulls = LONG.decode(in);
    s.min = decodeBound(in);
    s.max = decodeBound(in);
    s.minLength = INT.decode(in);
    s.maxLength = INT.decode(in);
    if (BOOL.decode(in)) {
      int n = INT.decode(in);
      if (n < 0) {
        throw new CoderException("corrupt profile: negative distinct count " + n);
      }
      TreeSet<String> distinct = new TreeSet<>();
      for (int k = 0; k < n; k++) {
        distinct.add(STRING.decode(in));
      }
      s.distinct = distinct;
    } else {
      s.distinct = null;
    }
  }

  private static void encodeBound(@Nullable Object v, OutputStream out) throws IOException {
    if (v == null) {
      TAG.encode(NONE, out);
    } else if (v instanceof Long) {
      TAG.encode(LONG_BOUND, out);
      FIXED.encode((Long) v, out);
    } else if (v instanceof Double) {
      TAG.encode(DOUBLE_BOUND, out);
      FIXED.encode(Double.doubleToLongBits((Double) v), out);
    } else if (v instanceof BigDecimal) {
      TAG.encode(DECIMAL_BOUND, out);
      DECIMAL.encode((BigDecimal) v, out);
    } else if (v instanceof Boolean) {
      TAG.encode(BOOLEAN_BOUND, out);
      BOOL.encode((Boolean) v, out);
    } else if (v instanceof String) {
      TAG.encode(STRING_BOUND, out);
      STRING.encode((String) v, out);
    } else if (v instanceof LocalDate) {
      TAG.encode(DATE_BOUND, out);
      FIXED.encode(((LocalDate) v).toEpochDay(), out);
    } else if (v instanceof Instant) {
      Instant t = (Instant) v;
      TAG.encode(INSTANT_BOUND, out);
      FIXED.encode(t.getEpochSecond(), out);
      INT.encode(t.getNano(), out);
    } else {
      throw new CoderException("cannot encode a profile bound of type " + v.getClass().getName());
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Comparable<Object> decodeBound(InputStream in) throws IOException {
    byte tag = TAG.decode(in);
    Object v;
    switch (tag) {
      case NONE:
        return null;
      case LONG_BOUND:
        v = FIXED.decode(in);
        break;
      case DOUBLE_BOUND:
        v = Double.longBitsToDouble(FIXED.decode(in));
        break;
      case DECIMAL_BOUND:
        v = DECIMAL.decode(in);
        break;
      case BOOLEAN_BOUND:
        v = BOOL.decode(in);
        break;
      case STRING_BOUND:
        v = STRING.decode(in);
        break;
      case DATE_BOUND:
        v = LocalDate.ofEpochDay(FIXED.decode(in));
        break;
      case INSTANT_BOUND:
        v = Instant.ofEpochSecond(FIXED.decode(in), INT.decode(in));
        break;
      default:
        throw new CoderException("corrupt profile: unknown bound tag " + tag);
    }
    return (Comparable<Object>) v;
  }

  /** Deterministic (see the class comment). */
  @Override
  public void verifyDeterministic() {}
}
