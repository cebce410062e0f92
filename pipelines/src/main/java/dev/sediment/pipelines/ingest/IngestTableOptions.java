package dev.sediment.pipelines.ingest;

import dev.sediment.pipelines.LakeOptions;
import dev.sediment.pipelines.validate.RulesOption;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment ingest-table}. */
public interface IngestTableOptions extends LakeOptions, RulesOption {
  @Description("Files to read: a path or glob, local or s3://bucket/prefix/*.csv (.gz is read too).")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Input format: csv (with a header line) or jsonl (one JSON object per line).")
  @Default.String("csv")
  String getFormat();

  void setFormat(String value);

  @Description("Avro schema (.avsc, a record) declaring the columns and their types.")
  @Validation.Required
  String getSchema();

  void setSchema(String value);

  @Description("Dataset name: output goes to LAKE/processed/DATASET/ and LAKE/quarantine/DATASET/.")
  @Validation.Required
  String getDataset();

  void setDataset(String value);

  @Description("Comma-separated columns to partition by, hive-style (e.g. date gives date=2026-02-03/).")
  @Default.String("")
  String getPartitionBy();

  void setPartitionBy(String value);
}
