package dev.sediment.transforms.validate;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How one rule fared in a run. For record-level rules {@code checked} counts the values examined
 * and {@code failed} the records failing; for dataset rules {@code observed} is the measured value
 * as JSON text. {@code examples} are JSON texts of up to maxExamples offending values (the
 * smallest by their JSON text, so every runner reports the same).
 */
@AutoValue
public abstract class RuleOutcome implements Serializable {
  private static final long serialVersionUID = 1L;

  public abstract String rule();

  public abstract @Nullable String column();

  /** {@code column}, {@code dataset} or {@code seismic}. */
  public abstract String level();

  /** {@code error} or {@code warn}. */
  public abstract String severity();

  public abstract long checked();

  public abstract long failed();

  public abstract boolean passed();

  public abstract List<String> examples();

  public abstract @Nullable String observed();

  public abstract String message();

  public static RuleOutcome of(
      String rule,
      @Nullable String column,
      String level,
      String severity,
      long checked,
      long failed,
      boolean passed,
      List<String> examples,
      @Nullable String observed,
      String message) {
    return new AutoValue_RuleOutcome(
        rule, column, level, severity, checked, failed, passed, List.copyOf(examples), observed, message);
  }
}
