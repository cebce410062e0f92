package dev.sediment.pipelines.ingest;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options of {@code bin/sediment inspect}; the files come after them as plain arguments. */
public interface InspectOptions extends PipelineOptions {
  @Description("Print one JSON object per file instead of a readable line.")
  @Default.Boolean(false)
  boolean getJson();

  void setJson(boolean value);
}
