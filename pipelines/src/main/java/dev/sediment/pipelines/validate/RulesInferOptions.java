package dev.sediment.pipelines.validate;

import dev.sediment.io.aws.SedimentS3Options;
import dev.sediment.pipelines.TableInputOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@code bin/sediment rules infer}. */
public interface RulesInferOptions extends SedimentS3Options, TableInputOptions {
  @Description("Where to write the rules file (YAML), local, s3:// or gs://.")
  @Default.String("rules.yaml")
  String getOutput();

  void setOutput(String value);

  @Description("Replace --output if it exists; otherwise an existing file is never touched.")
  @Default.Boolean(false)
  Boolean getOverwrite();

  void setOverwrite(Boolean value);
}
