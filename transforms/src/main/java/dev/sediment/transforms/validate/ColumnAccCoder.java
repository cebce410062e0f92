package dev.sediment.transforms.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Coder of {@link ColumnAcc}: its kind by name (so reordering {@link ColumnKind} cannot misread
 * an encoded value), then every field, whatever the kind, so a decoded accumulator merges exactly
 * as the original would.
 *
 * <p>Deterministic: fields in a fixed order, each with a deterministic coder; doubles as {@link
 * Double#doubleToLongBits} (NaN canonical, though an accumulator never holds one), decimals with
 * their scale ({@link BigDecimalCoder}).
 */
final class ColumnAccCoder extends AtomicCoder<ColumnAcc> {
  private static final ColumnAccCoder INSTANCE = new ColumnAccCoder();
  private static final Coder<String> KIND = StringUtf8Coder.of();
  private static final Coder<Long> COUNT = VarLongCoder.of();
  private static final Coder<Boolean> BOOL = BooleanCoder.of();
  private static final Coder<Long> FIXED = BigEndianLongCoder.of();
  private static final Coder<BigDecimal> DECIMAL = NullableCoder.of(BigDecimalCoder.of());
  private static final Coder<String> STRING = NullableCoder.of(StringUtf8Coder.of());

  static ColumnAccCoder of() {
    return INSTANCE;
  }

  private ColumnAccCoder() {}

  @Override
  public void encode(ColumnAcc a, OutputStream out) throws IOException {
    KIND.encode(a.kind.name(), out);
    COUNT.encode(a.count, out);
    COUNT.encode(a.nulls, out);
    BOOL.encode(a.any, out);
    FIXED.encode(a.lmin, out);
    FIXED.encode(a.lmax, out);
    FIXED.encode(Double.doubleToLongBits(a.dmin), out);
    FIXED.encode(Double.doubleToLongBits(a.dmax), out);
    DECIMAL.encode(a.bmin, out);
    DECIMAL.encode(a.bmax, out);
    STRING.encode(a.smin, out);
    STRING.encode(a.smax, out);
  }

  @Override
  public ColumnAcc decode(InputStream in) throws IOException {
    String kind = KIND.decode(in);
    ColumnAcc a;
    try {
      a = new ColumnAcc(ColumnKind.valueOf(kind));
    } catch (IllegalArgumentException e) {
      throw new CoderException("not a column kind: " + kind);
    }
    a.count = COUNT.decode(in);
    a.nulls = COUNT.decode(in);
    a.any = BOOL.decode(in);
    a.lmin = FIXED.decode(in);
    a.lmax = FIXED.decode(in);
    a.dmin = Double.longBitsToDouble(FIXED.decode(in));
    a.dmax = Double.longBitsToDouble(FIXED.decode(in));
    a.bmin = DECIMAL.decode(in);
    a.bmax = DECIMAL.decode(in);
    a.smin = STRING.decode(in);
    a.smax = STRING.decode(in);
    return a;
  }

  /** Deterministic (see the class comment). */
  @Override
  public void verifyDeterministic() {}
}
