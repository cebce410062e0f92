package dev.sediment.transforms.validate;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link Validate#against} over column batches, made by {@link Validate.Rows#onBatches}: the same
 * report, violations and valid rows as the row transform, with the stateless rules evaluated a
 * column at a time ({@link BatchEvaluator}) and valid rows leaving as batches.
 *
 * <pre>{@code
 * BatchValidationResult r =
 *     batches.apply("Validate", Validate.against(rules).onBatches(rowSchema));
 * r.valid();       // ColumnBatches of the rows with no error failure, with their provenance
 * r.violations();  // one Violation per quarantined row
 * r.report();      // exactly one ValidationReport
 * }</pre>
 *
 * <p>Rules that compare rows with each other (column {@code unique}, dataset {@code unique},
 * seismic {@code gaps} and {@code overlaps}) need the shuffles of the row transform: with such
 * rules the batches are turned into rows, validated by it, and valid rows are batched again per
 * bundle (without their provenance). The batches' {@code rowSchema} is the Beam schema the rules are written against; {@link
 * BatchRows#of} maps it to the batch schema.
 */
public final class ValidateBatches
    extends PTransform<PCollection<ColumnBatch>, BatchValidationResult> {
  private static final long serialVersionUID = 1L;

  private final Validate.Rows rows;
  private final Schema rowSchema;

  ValidateBatches(Validate.Rows rows, Schema rowSchema) {
    this.rows = rows;
    this.rowSchema = rowSchema;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    rows.populateDisplayData(builder);
  }

  @Override
  public BatchValidationResult expand(PCollection<ColumnBatch> input) {
    if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(
          "Validate.against(rules).onBatches(schema) needs input in the global window, not "
              + input.getWindowingStrategy().getWindowFn()
              + "; validate before windowing");
    }
    Rules rules = rows.rules();
    rules.checkAgainst(rowSchema);
    BatchRows conv = BatchRows.of(rowSchema);
    ColumnBatchCoder batchCoder = ColumnBatchCoder.of(conv.batchSchema());
    boolean needsRows = false;
    for (Rule r : rules.rules()) {
      needsRows |=
          Validate.isKeyed(r) || (r.level() == Rule.Level.DATASET && r.name().equals("unique"));
    }
    if (needsRows) {
      PCollection<Row> asRows =
          input.apply("BatchesToRows", ParDo.of(new ToRowsFn(rowSchema))).setRowSchema(rowSchema);
      ValidationResult r = asRows.apply("ValidateRows", rows);
      PCollection<ColumnBatch> valid =
          r.valid().apply("RowsToBatches", ParDo.of(new ToBatchesFn(rowSchema))).setCoder(batchCoder);
      return new BatchValidationResult(input.getPipeline(), valid, r.violations(), r.report());
    }
    Staged staged = stagedOrNull(rules);
    PCollectionTuple out =
        input.apply(
            "EvaluateRulesOnBatches", BatchStages.of(List.of(staged.stage())).asParDo());
    return staged.finish(out);
  }

  /**
   * This validation cut in two: a {@link BatchStage} that evaluates the rules on each batch where
   * it is made (inside the reading step, {@code TableBatchIO.read().through(stages)}, or on its
   * own), passing on the valid rows, and {@link Staged#finish}, which builds the report from the
   * stage's side outputs. Null when a rule compares rows with each other (column or dataset
   * {@code unique}, keyed rules): those need the shuffles of the row transform, so apply this
   * transform instead.
   */
  public @Nullable Staged staged() {
    Rules rules = rows.rules();
    rules.checkAgainst(rowSchema);
    return stagedOrNull(rules);
  }

  private @Nullable Staged stagedOrNull(Rules rules) {
    for (Rule r : rules.rules()) {
      if (Validate.isKeyed(r) || (r.level() == Rule.Level.DATASET && r.name().equals("unique"))) {
        return null;
      }
    }
    return new Staged(
        new EvaluateStage(
            rules,
            rowSchema,
            rows.maxExamples(),
            new TupleTag<Violation>("violations") {},
            new TupleTag<Partial>("partials") {}),
        rows,
        rowSchema);
  }

  /** A {@link ValidateBatches} cut in two: see {@link #staged}. */
  public static final class Staged {
    private final EvaluateStage stage;
    private final Validate.Rows rows;
    private final Schema rowSchema;

    private Staged(EvaluateStage stage, Validate.Rows rows, Schema rowSchema) {
      this.stage = stage;
      this.rows = rows;
      this.rowSchema = rowSchema;
    }

    /** The stage: evaluates each batch and passes its valid rows on. */
    public BatchStage stage() {
      return stage;
    }

    /**
     * The violations and the report, from {@code stageOutputs}, the output of the step that ran
     * {@link #stage}; {@code valid()} of the result is its {@link BatchStages#PASSED} batches
     * (empty when a later stage took them).
     */
    public BatchValidationResult finish(PCollectionTuple stageOutputs) {
      Rules rules = rows.rules();
      PCollection<Violation> violations = stageOutputs.get(stage.violationsTag);
      int n = rules.rules().size();
      PCollection<ValidationReport> report =
          stageOutputs
              .get(stage.partialsTag)
              .apply(
                  "MergeReportParts", Combine.globally(new Partial.MergeFn(n, rows.maxExamples())))
              .setCoder(PartialCoder.of())
              .apply("BuildReport", ParDo.of(new Validate.ReportFn(rules, rowSchema, rows.now())))
              .setCoder(ValidationReportCoder.of());
      return new BatchValidationResult(
          stageOutputs.getPipeline(), stageOutputs.get(BatchStages.PASSED), violations, report);
    }
  }

  /** Evaluates each batch column-wise; one report part per bundle. */
  static final class EvaluateStage extends BatchStage {
    private static final long serialVersionUID = 1L;
    private final Rules rules;
    private final Schema schema;
    private final int maxExamples;
    final TupleTag<Violation> violationsTag;
    final TupleTag<Partial> partialsTag;
    private transient @Nullable BatchEvaluator evaluator;
    private transient @Nullable Partial partial;
    private transient Validate.RuleCounters ruleCounters;
    private transient Validate.RecordCounters recordCounters;
    private transient Counter validated;

    EvaluateStage(
        Rules rules,
        Schema schema,
        int maxExamples,
        TupleTag<Violation> violationsTag,
        TupleTag<Partial> partialsTag) {
      this.rules = rules;
      this.schema = schema;
      this.maxExamples = maxExamples;
      this.violationsTag = violationsTag;
      this.partialsTag = partialsTag;
    }

    @Override
    public List<SideOutput<?>> sideOutputs() {
      return List.of(
          SideOutput.of(violationsTag, ViolationCoder.of(schema)),
          SideOutput.of(partialsTag, PartialCoder.of()));
    }

    @Override
    public void setup() {
      evaluator = new BatchEvaluator(rules, schema);
      ruleCounters = new Validate.RuleCounters(rules);
      recordCounters = new Validate.RecordCounters();
      validated = Metrics.counter(Validate.NAMESPACE, "records_validated");
    }

    @Override
    public void startBundle() {
      Partial p = new Partial(rules.rules().size(), maxExamples);
      p.columns = new ColumnAcc[schema.getFieldCount()];
      for (int i = 0; i < p.columns.length; i++) {
        p.columns[i] = new ColumnAcc(ColumnKind.of(schema.getField(i)));
      }
      partial = p;
    }

    @Override
    public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out) {
      BatchEvaluator.Outcome o = evaluator.evaluate(batch, partial);
      for (Violation v : o.violations) {
        out.get(violationsTag).output(v);
      }
      return o.valid;
    }

    @Override
    public void finishBundle(DoFn<?, ?>.FinishBundleContext c) {
      Partial p = partial;
      if (p == null) {
        return;
      }
      validated.inc(p.in);
      ruleCounters.flush(p);
      recordCounters.flush(p);
      Validate.emit(c, partialsTag, p);
      partial = null;
    }
  }

  /** Every row of a batch as a Beam row. */
  static final class ToRowsFn extends DoFn<ColumnBatch, Row> {
    private final Schema schema;
    private transient BatchRows rows;

    ToRowsFn(Schema schema) {
      this.schema = schema;
    }

    @Setup
    public void setup() {
      rows = BatchRows.of(schema);
    }

    @ProcessElement
    public void process(@Element ColumnBatch batch, OutputReceiver<Row> out) {
      for (int i = 0; i < batch.rowCount(); i++) {
        out.output(rows.toRow(batch, i));
      }
    }
  }

  /** Rows batched again, up to {@link ColumnBatch#DEFAULT_MAX_ROWS} per batch, per bundle. */
  static final class ToBatchesFn extends DoFn<Row, ColumnBatch> {
    static final String SOURCE = "validated rows";
    private final Schema schema;
    private transient BatchRows rows;
    private transient ColumnBatch.@Nullable Builder builder;
    private transient long index;

    ToBatchesFn(Schema schema) {
      this.schema = schema;
    }

    @Setup
    public void setup() {
      rows = BatchRows.of(schema);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<ColumnBatch> out) {
      if (builder == null) {
        builder = ColumnBatch.builder(rows.batchSchema()).source(SOURCE);
      }
      rows.append(builder, row);
      builder.endRow(index++, -1, -1);
      if (builder.isFull()) {
        out.output(builder.build());
        builder = null;
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      if (builder != null && builder.rowCount() > 0) {
        Validate.emitBatch(c, builder.build());
      }
      builder = null;
    }
  }

}
