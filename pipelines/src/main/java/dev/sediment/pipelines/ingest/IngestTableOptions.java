package dev.sediment.pipelines.ingest;

import dev.sediment.pipelines.LakeOptions;
import dev.sediment.pipelines.TableInputOptions;
import dev.sediment.pipelines.validate.RulesOption;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment ingest-table}. */
public interface IngestTableOptions extends LakeOptions, TableInputOptions, RulesOption {
  /** Required here: text has no schema of its own to fall back on. */
  @Override
  @Description("Avro schema (.avsc, a record) declaring the columns and their types.")
  @Validation.Required
  String getSchema();

  @Description("Dataset name: output goes to LAKE/processed/DATASET/ and LAKE/quarantine/DATASET/.")
  @Validation.Required
  String getDataset();

  void setDataset(String value);

  @Description("Comma-separated columns to partition by, hive-style (e.g. date gives date=2026-02-03/).")
  @Default.String("")
  String getPartitionBy();

  void setPartitionBy(String value);
}
