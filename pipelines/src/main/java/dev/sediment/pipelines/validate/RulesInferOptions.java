package dev.sediment.pipelines.validate;

import dev.sediment.io.aws.SedimentS3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * Options of {@code bin/sediment rules infer}. {@code input}, {@code format} and {@code schema}
 * are declared exactly as in {@code IngestTableOptions}: Beam keeps one registry of options per
 * JVM, and a name declared twice must have the same type and default.
 */
public interface RulesInferOptions extends SedimentS3Options {
  @Description("Files to read: a path or glob, local or s3://bucket/prefix/*.csv (.gz is read too).")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Input format: csv (with a header line), jsonl (one JSON object per line) or parquet.")
  @Default.String("csv")
  String getFormat();

  void setFormat(String value);

  @Description(
      "Avro schema (.avsc, a record) declaring the columns and their types. Without it the schema"
          + " is inferred from the first 10,000 records (Parquet: the footer).")
  String getSchema();

  void setSchema(String value);

  @Description(
      "Fraction of records profiled, in (0, 1]. Inputs of fewer than 100,000 records are profiled"
          + " whole whatever this says.")
  @Default.Double(0.01)
  Double getSample();

  void setSample(Double value);

  @Description("Where to write the rules file (YAML), local, s3:// or gs://.")
  @Default.String("rules.yaml")
  String getOutput();

  void setOutput(String value);

  @Description("Replace --output if it exists; otherwise an existing file is never touched.")
  @Default.Boolean(false)
  Boolean getOverwrite();

  void setOverwrite(Boolean value);
}
