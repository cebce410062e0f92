package dev.sediment.transforms.compact;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import java.time.LocalDate;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One task of {@link Compact#sortedMerge()}: a spool partition ({@code KEY=VALUE/...} relative to
 * the spool root, {@code ""} for files directly under it) and the UTC date to compact.
 *
 * <pre>{@code
 * p.apply(Create.of(CompactRequest.of("exchange=binance/symbol=btcusdt", LocalDate.of(2026, 2, 3))))
 *  .apply(Compact.sortedMerge().from(spool).to(target));
 * }</pre>
 *
 * <p>{@link #undatedNullKeys()} says whether this task also quarantines the rows with a null
 * sort key of the files whose names carry no date (to {@code date=unknown}); one task per
 * partition of a run should, so each such row is quarantined once. {@link CompactPlan#requests}
 * sets it on the first task of each partition. Coded by {@link CompactRequestCoder}.
 */
@AutoValue
@DefaultCoder(CompactRequestCoder.class)
public abstract class CompactRequest {
  public abstract String partition();

  public abstract LocalDate date();

  public abstract boolean undatedNullKeys();

  /** The task of {@code partition} and {@code date}; it quarantines undated null-key rows too. */
  public static CompactRequest of(String partition, LocalDate date) {
    return create(partition, date, true);
  }

  static CompactRequest create(String partition, LocalDate date, boolean undatedNullKeys) {
    checkArgument(partition != null, "partition is null");
    checkArgument(
        !partition.startsWith("/") && !partition.endsWith("/"),
        "partition must be relative KEY=VALUE/... without leading or trailing '/', was '%s'",
        partition);
    checkArgument(date != null, "date is null");
    return new AutoValue_CompactRequest(partition, date, undatedNullKeys);
  }

  /**
   * A copy that quarantines the null-key rows of files without a date in their names ({@code
   * true}, the default of {@link #of}) or leaves them to another task of the partition.
   */
  public CompactRequest withUndatedNullKeys(boolean value) {
    return create(partition(), date(), value);
  }
}
