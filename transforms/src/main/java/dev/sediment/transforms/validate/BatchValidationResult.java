package dev.sediment.transforms.validate;

import dev.sediment.io.batch.ColumnBatch;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/** What {@link ValidateBatches} returns: valid rows as batches, the violations, the report. */
public final class BatchValidationResult implements POutput {
  private final Pipeline pipeline;
  private final PCollection<ColumnBatch> valid;
  private final PCollection<Violation> violations;
  private final PCollection<ValidationReport> report;

  private static final TupleTag<ColumnBatch> VALID = new TupleTag<ColumnBatch>("valid") {};
  private static final TupleTag<Violation> VIOLATIONS = new TupleTag<Violation>("violations") {};
  private static final TupleTag<ValidationReport> REPORT =
      new TupleTag<ValidationReport>("report") {};

  BatchValidationResult(
      Pipeline pipeline,
      PCollection<ColumnBatch> valid,
      PCollection<Violation> violations,
      PCollection<ValidationReport> report) {
    this.pipeline = pipeline;
    this.valid = valid;
    this.violations = violations;
    this.report = report;
  }

  /** Batches of the rows with no failure of severity error (warn failures pass). */
  public PCollection<ColumnBatch> valid() {
    return valid;
  }

  /** Rows with at least one failure of severity error, each with every failure it had. */
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
      String transformName, org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
}
