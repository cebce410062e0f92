package dev.sediment.pipelines.compact;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment verify}. */
public interface VerifyOptions extends PipelineOptions {
  @Description("Target root written by compact.")
  @Validation.Required
  String getTarget();

  void setTarget(String value);

  @Description("Only this date, YYYYMMDD.")
  @Default.String("")
  String getDate();

  void setDate(String value);

  @Description("First date, YYYYMMDD.")
  @Default.String("")
  String getStart();

  void setStart(String value);

  @Description("Last date, YYYYMMDD, inclusive.")
  @Default.String("")
  String getEnd();

  void setEnd(String value);
}
