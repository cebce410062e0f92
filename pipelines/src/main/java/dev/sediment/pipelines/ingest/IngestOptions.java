package dev.sediment.pipelines.ingest;

import dev.sediment.pipelines.LakeOptions;
import dev.sediment.pipelines.validate.RulesOption;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment ingest}. */
public interface IngestOptions extends LakeOptions, RulesOption {
  @Description("Seismic files to read: a path or glob, local or s3://bucket/prefix/*.mseed.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description(
      "Dataset name: files go to LAKE/raw/DATASET/, traces to LAKE/processed/DATASET/, bad files"
          + " and records to LAKE/quarantine/DATASET/.")
  @Validation.Required
  String getDataset();

  void setDataset(String value);

  @Description(
      "Read every file as this format (SEG-Y, SEG-2, miniSEED2, miniSEED3, SAC) instead of"
          + " detecting it from the content.")
  String getSeismicFormat();

  void setSeismicFormat(String value);

  @Description("Size in bytes of the ranges a large SEG-Y or miniSEED file is split into.")
  @Default.Long(64L << 20)
  long getSplitBytes();

  void setSplitBytes(long value);
}
