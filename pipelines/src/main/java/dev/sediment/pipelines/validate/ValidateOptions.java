package dev.sediment.pipelines.validate;

import dev.sediment.pipelines.LakeOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment validate}. */
public interface ValidateOptions extends LakeOptions, RulesOption {
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
      "Dataset name: valid rows go to LAKE/processed/DATASET/, violations to"
          + " LAKE/quarantine/DATASET/; default: the rules file's name without its extension.")
  String getDataset();

  void setDataset(String value);

  @Description("Comma-separated columns to partition the valid rows by, hive-style.")
  @Default.String("")
  String getPartitionBy();

  void setPartitionBy(String value);

  @Description(
      "Run id: the report goes to LAKE/reports/validation/RUN_ID/; default: the UTC start time"
          + " and a random suffix, e.g. 20261123T214500Z-3f9a1c.")
  String getRunId();

  void setRunId(String value);
}
