package dev.sediment.transforms.validate;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link Validate#against} returns (after Beam's {@code WithFailures.Result}): the valid
 * records, the violations, and the one-element report.
 */
public final class ValidationResult implements POutput {
  private final Pipeline pipeline;
  private final PCollection<Row> valid;
  private final PCollection<Violation> violations;
  private final PCollection<ValidationReport> report;

  private static final TupleTag<Row> VALID = new TupleTag<Row>("valid") {};
  private static final TupleTag<Violation> VIOLATIONS = new TupleTag<Violation>("violations") {};
  private static final TupleTag<ValidationReport> REPORT = new TupleTag<ValidationReport>("report") {};

  ValidationResult(
      Pipeline pipeline,
      PCollection<Row> valid,
      PCollection<Violation> violations,
      PCollection<ValidationReport> report) {
    this.pipeline = pipeline;
    this.valid = valid;
    this.violations = violations;
    this.report = report;
  }

  /** Records with no failure of severity error; same schema and RowCoder as the input. */
  public PCollection<Row> valid() {
    return valid;
  }

  /** Records with at least one failure of severity error, each with every failure it had. */
  public PCollection<Violation> violations() {
    return violations;
  }

  /** Exactly one report, also for empty input. */
  public PCollection<ValidationReport> report() {
    return report;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(VALID, valid, VIOLATIONS, violations, REPORT, report);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
