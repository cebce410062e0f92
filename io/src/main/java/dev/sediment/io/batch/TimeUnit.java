package dev.sediment.io.batch;

/** The unit of a TIMESTAMP or TIME column, as Parquet and Arrow name them. */
public enum TimeUnit {
  MILLIS(1_000L),
  MICROS(1_000_000L),
  NANOS(1_000_000_000L);

  private final long perSecond;

  TimeUnit(long perSecond) {
    this.perSecond = perSecond;
  }

  /** How many of this unit make one second. */
  public long perSecond() {
    return perSecond;
  }

  /** The UTC day (days since 1970-01-01) a value in this unit falls on; floor division. */
  public long epochDay(long value) {
    return Math.floorDiv(value, perSecond * 86_400L);
  }
}
