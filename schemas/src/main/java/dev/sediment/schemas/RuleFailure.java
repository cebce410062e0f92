package dev.sediment.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.schemas.AutoValueSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One validation rule that one record failed. A quarantined record carries every failure it
 * had; the Jackson names below are what a quarantine line and a report carry, so they are a
 * contract.
 *
 * <p>{@code rule} is the rule id ({@code price.min}, {@code seismic.gaps}); {@code severity} is
 * {@code "error"} or {@code "warn"}; {@code value} is the offending value as JSON text ({@code
 * -5.0}, {@code "abc"}, {@code null}, a list of missing header names), or null when the rule has
 * no single value.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class RuleFailure {

  @JsonProperty("rule")
  public abstract String getRule();

  @JsonProperty("column")
  public abstract @Nullable String getColumn();

  @JsonProperty("severity")
  public abstract String getSeverity();

  @JsonProperty("value")
  public abstract @Nullable String getValue();

  @JsonProperty("message")
  public abstract String getMessage();

  /** Used by Beam's schema coder to decode; use {@link #of} to create. */
  @AutoValue.Builder
  public abstract static class Builder {
    public abstract Builder setRule(String rule);

    public abstract Builder setColumn(@Nullable String column);

    public abstract Builder setSeverity(String severity);

    public abstract Builder setValue(@Nullable String value);

    public abstract Builder setMessage(String message);

    public abstract RuleFailure build();
  }

  public static Builder builder() {
    return new AutoValue_RuleFailure.Builder();
  }

  public static RuleFailure of(
      String rule,
      @Nullable String column,
      String severity,
      @Nullable String value,
      String message) {
    return builder()
        .setRule(rule)
        .setColumn(column)
        .setSeverity(severity)
        .setValue(value)
        .setMessage(message)
        .build();
  }
}
