package dev.sediment.pipelines;

import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The {@code --sample} option of the table-reading commands. */
public final class TableSample {
  private TableSample() {}

  /** {@code --sample}'s value, 1 when not given; checked: in (0, 1], else a usage error. */
  public static double option(@Nullable Double fraction) {
    if (fraction == null) {
      return 1.0;
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new UsageException(
          "--sample=" + fraction + " is not a fraction in (0, 1]; use e.g. --sample=0.01 for 1 %");
    }
    return fraction;
  }


  /** For example {@code about 1 % of the rows (--sample=0.01 --sampleSeed=0)}. */
  public static String describe(double fraction, long seed) {
    return String.format(
        Locale.ROOT,
        "about %s %% of the rows (--sample=%s --sampleSeed=%d)",
        new java.math.BigDecimal(Double.toString(fraction * 100)).stripTrailingZeros().toPlainString(),
        new java.math.BigDecimal(Double.toString(fraction)).stripTrailingZeros().toPlainString(),
        seed);
  }

  /** Throws a usage error unless {@code fraction} is in (0, 1]. */
  public static void check(double fraction) {
    option(fraction);
  }
}
