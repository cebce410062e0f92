package dev.sediment.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * The table input every table-reading command shares: {@code --input}, {@code --format}, {@code
 * --schema}, {@code --sample} and {@code --sampleSeed}. Beam keeps one registry of options per JVM, and a name declared twice must be
 * declared the same way, so the commands declare them once, here.
 */
public interface TableInputOptions extends PipelineOptions {
  @Description("Files to read: a path or glob, local or s3://bucket/prefix/*.csv (.gz is read too).")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Input format: csv (with a header line), jsonl (one JSON object per line) or parquet.")
  @Default.String("csv")
  String getFormat();

  void setFormat(String value);

  @Description(
      "Avro schema (.avsc, a record) declaring the columns and their types; without it the types"
          + " are inferred from the first 10,000 records (parquet: the file's own schema).")
  String getSchema();

  void setSchema(String value);

  @Description(
      "Prototype on a sample, a fraction in (0, 1]. validate and ingest-table read about this"
          + " fraction of the rows (default 1, all), chosen by whole Parquet row groups or byte"
          + " ranges of text, so 0.01 reads about 1 % of the bytes, and say so in the summary."
          + " rules infer profiles this fraction of the records (default 0.01; inputs of fewer"
          + " than 100,000 records are profiled whole).")
  Double getSample();

  void setSample(Double value);

  @Description("Seed of --sample: the same seed picks the same rows; another seed, other rows.")
  @Default.Long(0)
  Long getSampleSeed();

  void setSampleSeed(Long value);
}
