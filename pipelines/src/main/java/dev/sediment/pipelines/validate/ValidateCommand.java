package dev.sediment.pipelines.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.lake.CheckBatchPartitions;
import dev.sediment.io.lake.HivePartition;
import dev.sediment.io.lake.LakeCommit;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.lake.WriteBatches;
import dev.sediment.io.table.AvroTableSchema;
import dev.sediment.io.table.TableBatchIO;
import dev.sediment.io.table.TableIO;
import dev.sediment.io.table.TableSchemaInference;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.Names;
import dev.sediment.pipelines.Parallelism;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.StagedRun;
import dev.sediment.pipelines.TableSample;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.ingest.IngestTable;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * {@code bin/sediment validate}: checks CSV, JSON-lines or Parquet files against a rules file;
 * valid rows go to {@code LAKE/processed/DATASET/}, rows breaking an error rule (and lines that
 * do not parse) to {@code LAKE/quarantine/DATASET/} with every reason, and the report to {@code
 * LAKE/reports/validation/RUN_ID/report.json} and {@code report.html}. Exit 0 when no error-level
 * dataset rule failed, 3 when one did (after the report is written), 1 on any other failure.
 */
public final class ValidateCommand implements Command<ValidateOptions> {
  /** Records the column types are inferred from when there is no {@code --schema}. */
  static final int INFER_RECORDS = 10_000;

  /** Exit code of a run in which an error-level dataset rule failed. */
  public static final int EXIT_DATASET_RULE_FAILED = 3;

  /** What one validate run reads and writes; built from options by the CLI, or by tests. */
  public static final class Spec {
    final String input;
    final TableIO.Format format;
    final String avroSchemaJson;
    final String schemaSource;
    final String lake;
    final String dataset;
    final List<String> partitionBy;
    final ValidateIntoLake.Spec validation;
    final double sample;
    final long sampleSeed;

    Spec(
        String input,
        TableIO.Format format,
        String avroSchemaJson,
        String schemaSource,
        String lake,
        String dataset,
        List<String> partitionBy,
        ValidateIntoLake.Spec validation,
        double sample,
        long sampleSeed) {
      this.input = input;
      this.format = format;
      this.avroSchemaJson = avroSchemaJson;
      this.schemaSource = schemaSource;
      this.lake = lake;
      this.dataset = dataset;
      this.partitionBy = partitionBy;
      this.validation = validation;
      this.sample = sample;
      this.sampleSeed = sampleSeed;
    }

    /**
     * This run on a sample of about {@code fraction} of the rows, chosen by {@code seed} ({@link
     * TableBatchIO.Read#withSample}); the report's head says so.
     */
    public Spec withSample(double fraction, long seed) {
      TableSample.check(fraction);
      return new Spec(
          input,
          format,
          avroSchemaJson,
          schemaSource,
          lake,
          dataset,
          partitionBy,
          fraction < 1.0 ? validation.withInfo("sample", TableSample.describe(fraction, seed)) : validation,
          fraction,
          seed);
    }

    /** A run with a known schema; {@code validation} names the rules and the report. */
    public static Spec of(
        String input,
        TableIO.Format format,
        String avroSchemaJson,
        String lake,
        String dataset,
        List<String> partitionBy,
        ValidateIntoLake.Spec validation) {
      return new Spec(
          input,
          format,
          avroSchemaJson,
          "given",
          lake,
          dataset,
          List.copyOf(partitionBy),
          validation.withInfo("input", input).withInfo("format", format.toString()),
          1.0,
          0L);
    }

    public String processedDir() {
      return LakeLayout.of(lake).processed(dataset);
    }

    public String quarantineDir() {
      return LakeLayout.of(lake).quarantine(dataset);
    }

    public ValidateIntoLake.Spec validation() {
      return validation;
    }
  }

  public static void main(String[] args) throws Exception {
    ValidateOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(ValidateOptions.class);
    System.exit(new ValidateCommand().run(options, System.out));
  }

  @Override
  public java.util.Map<String, String> helpDefaults() {
    return java.util.Map.of("sample", "1");
  }

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "Check CSV, JSON-lines or Parquet files against a YAML rules file; quarantine and report.";
  }

  @Override
  public String usage() {
    return "--rules=FILE --input=GLOB [--format=csv|jsonl|parquet] [--schema=FILE.avsc]"
        + " [--dataset=NAME] [--lake=DIR] [--sample=FRACTION [--sampleSeed=N]]";
  }

  /** Validate's exit codes are a contract: 0 passed, 3 a dataset rule failed, 1 anything else. */
  @Override
  public int usageErrorExitCode() {
    return 1;
  }

  @Override
  public Class<ValidateOptions> optionsClass() {
    return ValidateOptions.class;
  }

  @Override
  public int run(ValidateOptions options, PrintStream out) throws Exception {
    // Steps: check the call, load the rules, find the schema, check the rules fit it, build and
    // run the pipeline, read the report it wrote, print the summary and the verdict.
    Spec spec = specFrom(options, Instant.now(), out);
    PipelineResult result = run(spec, options, out);
    return report(spec, result, out);
  }

  static Spec specFrom(ValidateOptions o, Instant now, PrintStream out) {
    if (o.getRules() == null || o.getRules().isEmpty()) {
      throw new UsageException("--rules=FILE is required: the YAML rules to validate against");
    }
    TableIO.Format format;
    try {
      format = TableIO.Format.parse(o.getFormat());
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--format=" + o.getFormat() + " is not known; use csv, jsonl or parquet");
    }
    String dataset = o.getDataset();
    if (dataset == null || dataset.isEmpty()) {
      dataset = datasetFromRulesFile(o.getRules());
    }
    Names.check("--dataset", dataset);
    List<String> partitionBy = new ArrayList<>();
    for (String c : o.getPartitionBy().split(",")) {
      if (!c.isBlank()) {
        partitionBy.add(c.trim());
      }
    }
    String input = LakePaths.absolute(o.getInput());
    String lake = LakePaths.absolute(o.getLake());
    ValidateIntoLake.Spec validation =
        ValidationRun.spec(o.getRules(), lake, dataset, o.getRunId(), now)
            .withInfo("input", input)
            .withInfo("format", format.toString());
    IngestTable.checkInputExists(input);
    String schemaJson;
    String schemaSource;
    if (o.getSchema() != null && !o.getSchema().isEmpty()) {
      schemaJson = IngestTable.readSchema(o.getSchema());
      schemaSource = o.getSchema();
    } else if (format == TableIO.Format.PARQUET) {
      try {
        schemaJson = TableIO.parquetAvroSchema(input);
      } catch (IOException | RuntimeException e) {
        throw new CommandFailedException(
            "cannot read the schema of the first Parquet file of --input=" + o.getInput() + ": "
                + e.getMessage(),
            e);
      }
      schemaSource = "the first Parquet file's footer";
    } else {
      try {
        schemaJson = TableSchemaInference.inferAvroSchemaJson(input, format, INFER_RECORDS);
      } catch (IOException | RuntimeException e) {
        throw new CommandFailedException(
            "cannot infer the column types of --input=" + o.getInput() + ": " + e.getMessage()
                + "; give --schema=FILE.avsc",
            e);
      }
      schemaSource = "inferred from the first " + INFER_RECORDS + " records";
    }
    Schema beam = AvroTableSchema.toBeamSchema(schemaJson);
    try {
      validation.rules().checkAgainst(beam);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException("the rules do not fit the data: " + e.getMessage());
    }
    try {
      HivePartition.by(partitionBy).checkAgainst(beam);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new Spec(
        input,
        format,
        schemaJson,
        schemaSource,
        lake,
        dataset,
        partitionBy,
        validation.withInfo("schema", schemaSource),
        1.0,
        0L)
        .withSample(TableSample.option(o.getSample()), o.getSampleSeed());
  }

  /** {@code trades.rules.yaml} and {@code trades.yaml} give {@code trades}. */
  static String datasetFromRulesFile(String rules) {
    String name = rules.substring(rules.lastIndexOf('/') + 1);
    for (String suffix : new String[] {".yaml", ".yml", ".rules"}) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /**
   * Builds and runs the pipeline of {@code spec}, printing progress while it runs. The run writes
   * into its staging area ({@link LakeCommit}); when it succeeded and its report adds up, the
   * valid rows, the quarantine and then the report (the run's commit marker, last) replace the
   * previous ones as a whole; otherwise nothing of it is published.
   */
  public static PipelineResult run(Spec spec, PipelineOptions options, PrintStream progress) {
    Pipeline p = Pipeline.create(options);
    LakeCommit commit = StagedRun.begin(spec.lake, spec.dataset, spec.validation.runId());
    String processed = commit.stage(spec.processedDir());
    String quarantine = commit.stage(spec.quarantineDir());
    ValidateIntoLake.Spec staged =
        spec.validation.stagedIn(
            quarantine,
            commit.stageWithMarker(spec.validation.reportDir(), ValidateIntoLake.REPORT_JSON));
    expand(p, spec, processed, quarantine, staged);
    progress.printf(
        "validate %s: reading %s (%s, schema %s) on %s; run %s%n",
        spec.dataset,
        spec.input,
        spec.format,
        spec.schemaSource,
        options.getRunner().getSimpleName(),
        spec.validation.runId());
    return StagedRun.run(
        p,
        commit,
        progress,
        r ->
            String.format(
                "validate %s: %,d records read so far",
                spec.dataset, RunCounts.of(r).get("records_in")),
        r -> lostRecords(r, ValidationRun.readReport(staged)));
  }

  /**
   * Null when the report counts every record read, each as valid or quarantined; else what does
   * not add up.
   */
  static String lostRecords(PipelineResult result, JsonNode report) {
    long read = RunCounts.of(result).get("records_in");
    long in = report.path("records_in").asLong();
    long valid = report.path("records_valid").asLong();
    long quarantined = report.path("records_quarantined").asLong();
    if (read == in && in == valid + quarantined) {
      return null;
    }
    return String.format(
        "%,d records were read; the report counts %,d in, %,d valid, %,d quarantined: records"
            + " were lost (report this as a bug with the input attached)",
        read, in, valid, quarantined);
  }

  /** Adds the validation of {@code spec} to {@code p}, writing straight into the lake. */
  public static void expand(Pipeline p, Spec spec) {
    expand(p, spec, spec.processedDir(), spec.quarantineDir(), spec.validation);
  }

  private static void expand(
      Pipeline p,
      Spec spec,
      String processedDir,
      String quarantineDir,
      ValidateIntoLake.Spec validation) {
    Schema schema = AvroTableSchema.toBeamSchema(spec.avroSchemaJson);
    BadRecordErrorHandler<PCollection<Long>> quarantine =
        p.registerBadRecordErrorHandler(ValidateIntoLake.countingQuarantine(quarantineDir));
    TableBatchIO.Read read =
        TableBatchIO.read()
            .from(spec.input)
            .withFormat(spec.format)
            .withSchema(schema)
            .withSample(spec.sample, spec.sampleSeed)
            .withBadRecordErrorHandler(quarantine);
    CheckBatchPartitions check =
        LakeIO.checkBatchPartitions()
            .by(spec.partitionBy)
            .withRowSchema(schema)
            .withBadRecordErrorHandler(quarantine);
    WriteBatches write =
        LakeIO.writeBatches().to(processedDir).withRowSchema(schema).partitionBy(spec.partitionBy);
    ValidateIntoLake.StagedBatches validate = ValidationRun.stagedBatches(p, schema, validation);
    if (validate != null) {
      // Read, check, validate and spill each batch in one step: no batch waits between steps.
      WriteBatches.Staged spill = write.staged(p);
      PCollectionTuple out =
          p.apply(
              "ReadValidateSpill",
              read.through(List.of(check.asStage(p), validate.stage(), spill.stage())));
      quarantine.close();
      validate.finish(out, quarantine.getOutput());
      spill.finish(out);
      return;
    }
    PCollection<ColumnBatch> batches =
        p.apply("ReadTable", read).apply("CheckPartitions", check);
    quarantine.close();
    PCollection<ColumnBatch> valid =
        ValidationRun.expandBatches(batches, schema, validation, quarantine.getOutput());
    valid.apply("WriteProcessed", write);
  }

  /** Reads the report the run wrote, prints the summary; returns the exit code. */
  public static int report(Spec spec, PipelineResult result, PrintStream out) {
    if (result.getState() != PipelineResult.State.DONE) {
      throw new CommandFailedException("the pipeline ended in state " + result.getState());
    }
    JsonNode report = ValidationRun.readReport(spec.validation);
    long readCount = RunCounts.of(result).get("records_in");
    int code = ValidationRun.printSummary("validate " + spec.dataset, spec.validation, report, out);
    if (spec.sample < 1.0) {
      out.printf(
          "  sample:      ran on a sample (%s); counts are of the sample only%n",
          TableSample.describe(spec.sample, spec.sampleSeed));
    }
    out.printf("  valid rows:  %s/%n", spec.processedDir());
    if (readCount != report.path("records_in").asLong()) {
      out.printf(
          "ERROR: %,d records were read but the report counts %,d: records were lost; report"
              + " this as a bug with the input attached%n",
          readCount, report.path("records_in").asLong());
      return 1;
    }
    return code;
  }
}
