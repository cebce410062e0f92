package dev.sediment.pipelines.validate;

import dev.sediment.pipelines.LakeOptions;
import dev.sediment.pipelines.TableInputOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@code bin/sediment validate}. */
public interface ValidateOptions extends LakeOptions, TableInputOptions, RulesOption {
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
