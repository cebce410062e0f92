package dev.sediment.transforms.validate;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One input column in a report: its Beam type name, how many records and nulls, and min/max as
 * JSON text for orderable types (numbers, strings, timestamps as ISO-8601), else null.
 */
@AutoValue
public abstract class ColumnSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  public abstract String column();

  public abstract String type();

  public abstract long count();

  public abstract long nulls();

  public abstract @Nullable String min();

  public abstract @Nullable String max();

  public static ColumnSummary of(
      String column, String type, long count, long nulls, @Nullable String min, @Nullable String max) {
    return new AutoValue_ColumnSummary(column, type, count, nulls, min, max);
  }
}
