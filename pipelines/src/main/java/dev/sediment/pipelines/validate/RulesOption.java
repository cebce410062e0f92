package dev.sediment.pipelines.validate;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The {@code --rules} option every validating command shares. Beam keeps one registry of
 * options per JVM, so the commands declare it once, here.
 */
public interface RulesOption extends PipelineOptions {
  @Description(
      "Validation rules (YAML, local or s3://; see docs/validation.md): records breaking an"
          + " error rule go to quarantine with every reason, and a report goes to"
          + " LAKE/reports/validation/RUN_ID/.")
  String getRules();

  void setRules(String value);
}
