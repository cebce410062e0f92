package dev.sediment.pipelines.demo;

import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.table.TableIO;
import dev.sediment.pipelines.validate.ValidateCommand;
import dev.sediment.pipelines.validate.ValidationRun;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Instant;

/**
 * Validates a day of weather-station readings (with a few faulty sensors and one broken line)
 * against {@code readings.rules.yaml}: valid readings to {@code processed/readings/}, faulty ones
 * to {@code quarantine/readings/} with every reason, the report to {@code
 * reports/validation/RUN_ID/}. Warn-level rules (a low battery, a duplicated reading, stale data)
 * fail without failing the step.
 */
final class ValidateSampleStep implements DemoStep {
  static final String DATASET = "readings";
  static final String DATA = "readings-2026-02-06.jsonl";
  static final String RULES = "readings.rules.yaml";

  @Override
  public String title() {
    return "validate: one day of station readings against " + RULES + " into dataset '"
        + DATASET + "'";
  }

  @Override
  public int run(DemoOptions options, PrintStream out) throws Exception {
    String lake = LakePaths.absolute(options.getLake());
    String raw = LakeLayout.of(lake).raw(DATASET);
    IngestSampleStep.copyResource(DATA, LakePaths.join(raw, DATA));
    String rules = LakePaths.join(raw, RULES);
    IngestSampleStep.copyResource(RULES, rules);
    String schema = new String(IngestSampleStep.resource("sensors.avsc"), StandardCharsets.UTF_8);
    ValidateCommand.Spec spec =
        ValidateCommand.Spec.of(
            LakePaths.join(raw, "*.jsonl"),
            TableIO.Format.JSONL,
            schema,
            lake,
            DATASET,
            List.of(),
            ValidationRun.spec(rules, lake, DATASET, null, Instant.now()));
    PipelineResult result = ValidateCommand.run(spec, options, out);
    int code = ValidateCommand.report(spec, result, out);
    out.printf("  open in a browser: file://%s%n", spec.validation().reportHtml());
    return code;
  }
}
