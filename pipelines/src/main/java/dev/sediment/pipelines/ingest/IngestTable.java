package dev.sediment.pipelines.ingest;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchStage;
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
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.Parallelism;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.StagedRun;
import dev.sediment.pipelines.TableSample;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.validate.ValidationRun;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.SchemaParseException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.io.ByteStreams;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code bin/sediment ingest-table}: CSV, JSON-lines or Parquet files into typed, hive-partitioned
 * Parquet under {@code LAKE/processed/DATASET/}; every record that does not parse or convert goes
 * to {@code LAKE/quarantine/DATASET/} with its file, line and reason. Prints records in, written
 * and quarantined, and fails if they do not add up.
 */
public final class IngestTable implements Command<IngestTableOptions> {
  static final Pattern DATASET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Whether {@code name} is a valid dataset name: letters, digits, '.', '_' and '-'. */
  public static boolean isValidDataset(String name) {
    return name != null && DATASET.matcher(name).matches();
  }

  /** What one ingest writes where; built from options by the CLI, or directly by tests. */
  @AutoValue
  public abstract static class Spec {
    public abstract String input();

    public abstract TableIO.Format format();

    public abstract String avroSchemaJson();

    public abstract String lake();

    public abstract String dataset();

    public abstract List<String> partitionBy();

    /** The validation before writing ({@code --rules}), or null for none. */
    public abstract ValidateIntoLake.@Nullable Spec validation();

    /** The fraction of rows read ({@code --sample}); 1 for all. */
    public abstract double sample();

    public abstract long sampleSeed();

    public static Spec of(
        String input,
        TableIO.Format format,
        String avroSchemaJson,
        String lake,
        String dataset,
        List<String> partitionBy) {
      return new AutoValue_IngestTable_Spec(
          input, format, avroSchemaJson, lake, dataset, List.copyOf(partitionBy), null, 1.0, 0L);
    }

    /** This ingest, validating the rows with {@code validation} before writing them. */
    public Spec withValidation(ValidateIntoLake.Spec validation) {
      return new AutoValue_IngestTable_Spec(
          input(),
          format(),
          avroSchemaJson(),
          lake(),
          dataset(),
          partitionBy(),
          validation,
          sample(),
          sampleSeed());
    }

    /** This ingest on a sample of about {@code fraction} of the rows, chosen by {@code seed}. */
    public Spec withSample(double fraction, long seed) {
      TableSample.check(fraction);
      ValidateIntoLake.Spec v = validation();
      if (v != null && fraction < 1.0) {
        v = v.withInfo("sample", TableSample.describe(fraction, seed));
      }
      return new AutoValue_IngestTable_Spec(
          input(), format(), avroSchemaJson(), lake(), dataset(), partitionBy(), v, fraction, seed);
    }

    public String processedDir() {
      return LakeLayout.of(lake()).processed(dataset());
    }

    public String quarantineDir() {
      return LakeLayout.of(lake()).quarantine(dataset());
    }
  }

  public static void main(String[] args) throws Exception {
    IngestTableOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(IngestTableOptions.class);
    System.exit(new IngestTable().run(options, System.out));
  }

  @Override
  public java.util.Map<String, String> helpDefaults() {
    return java.util.Map.of("sample", "1");
  }

  @Override
  public String name() {
    return "ingest-table";
  }

  @Override
  public String summary() {
    return "Parse CSV, JSON-lines or Parquet files against an Avro schema into partitioned"
        + " Parquet.";
  }

  @Override
  public String usage() {
    return "--input=GLOB --schema=FILE.avsc --dataset=NAME [--format=csv|jsonl|parquet]"
        + " [--partitionBy=COL,...] [--rules=FILE] [--lake=DIR] [--sample=FRACTION]";
  }

  @Override
  public Class<IngestTableOptions> optionsClass() {
    return IngestTableOptions.class;
  }

  @Override
  public int run(IngestTableOptions options, PrintStream out) throws Exception {
    // Steps: check the call, read the schema, check the input exists, build, run, report.
    Spec spec = specFrom(options);
    PipelineResult result = run(spec, options, out);
    return report(spec, result, out);
  }

  /**
   * Builds and runs the pipeline of {@code spec} and waits for it to finish, printing to {@code
   * progress} what it reads and, while it runs, how far it got. The run writes into its staging
   * area ({@link LakeCommit}); when it succeeded and its counts add up, its processed rows,
   * quarantine (and with {@code --rules} its report) replace the dataset's previous ones as a
   * whole, else they are discarded and the previous output stays.
   */
  public static PipelineResult run(
      Spec spec, org.apache.beam.sdk.options.PipelineOptions options, PrintStream progress) {
    Pipeline p = Pipeline.create(options);
    int files = checkInputExists(spec.input());
    ValidateIntoLake.Spec validation = spec.validation();
    String runId =
        validation != null
            ? validation.runId()
            : ValidateIntoLake.newRunId(org.joda.time.Instant.now());
    LakeCommit commit = StagedRun.begin(spec.lake(), spec.dataset(), runId);
    String processed = commit.stage(spec.processedDir());
    String quarantine = commit.stage(spec.quarantineDir());
    if (validation != null) {
      validation =
          validation.stagedIn(
              quarantine,
              commit.stageWithMarker(validation.reportDir(), ValidateIntoLake.REPORT_JSON));
    }
    expand(p, spec, processed, quarantine, validation);
    progress.printf(
        "ingest-table %s: reading %,d files on %s%n",
        spec.dataset(), files, options.getRunner().getSimpleName());
    return StagedRun.run(
        p,
        commit,
        progress,
        r ->
            String.format(
                "ingest-table %s: %,d records read so far",
                spec.dataset(), RunCounts.of(r).get("records_in")),
        IngestTable::lostRecords);
  }

  /** Null when every record read was written or quarantined, else what does not add up. */
  static @Nullable String lostRecords(PipelineResult result) {
    RunCounts c = RunCounts.of(result);
    long in = c.get("records_in");
    long written = c.get("records_written");
    long quarantined = c.get("records_quarantined");
    if (in == written + quarantined) {
      return null;
    }
    return String.format(
        "records in (%d) != written (%d) + quarantined (%d): records were lost (report this as a"
            + " bug with the input attached)",
        in, written, quarantined);
  }

  /** Adds the ingest of {@code spec} to {@code p}, writing straight into the dataset's directories. */
  public static void expand(Pipeline p, Spec spec) {
    expand(p, spec, spec.processedDir(), spec.quarantineDir(), spec.validation());
  }

  private static void expand(
      Pipeline p,
      Spec spec,
      String processedDir,
      String quarantineDir,
      ValidateIntoLake.@Nullable Spec validation) {
    Schema schema = AvroTableSchema.toBeamSchema(spec.avroSchemaJson());
    BadRecordErrorHandler<? extends POutput> quarantine =
        validation == null
            ? p.registerBadRecordErrorHandler(LakeIO.quarantine().to(quarantineDir))
            : p.registerBadRecordErrorHandler(ValidateIntoLake.countingQuarantine(quarantineDir));
    TableBatchIO.Read read =
        TableBatchIO.read()
            .from(spec.input())
            .withFormat(spec.format())
            .withSchema(schema)
            .withSample(spec.sample(), spec.sampleSeed())
            .withBadRecordErrorHandler(quarantine);
    CheckBatchPartitions check =
        LakeIO.checkBatchPartitions()
            .by(spec.partitionBy())
            .withRowSchema(schema)
            .withBadRecordErrorHandler(quarantine);
    WriteBatches write =
        LakeIO.writeBatches().to(processedDir).withRowSchema(schema).partitionBy(spec.partitionBy());
    ValidateIntoLake.StagedBatches validate =
        validation == null ? null : ValidationRun.stagedBatches(p, schema, validation);
    if (validation == null || validate != null) {
      // Read, check, (validate) and spill each batch in one step: no batch waits between steps.
      WriteBatches.Staged spill = write.staged(p);
      List<BatchStage> stages = new ArrayList<>();
      stages.add(check.asStage(p));
      if (validate != null) {
        stages.add(validate.stage());
      }
      stages.add(spill.stage());
      PCollectionTuple out = p.apply("ReadAndSpill", read.through(stages));
      quarantine.close();
      if (validate != null) {
        @SuppressWarnings("unchecked")
        PCollection<Long> unparsed = (PCollection<Long>) quarantine.getOutput();
        validate.finish(out, unparsed);
      }
      spill.finish(out);
      return;
    }
    PCollection<ColumnBatch> batches =
        p.apply("ReadTable", read).apply("CheckPartitions", check);
    quarantine.close();
    @SuppressWarnings("unchecked")
    PCollection<Long> unparsed = (PCollection<Long>) quarantine.getOutput();
    batches = ValidationRun.expandBatches(batches, schema, validation, unparsed);
    batches.apply("WriteProcessed", write);
  }

  /** Prints the summary; returns 0, or 1 when the counts do not add up. */
  public static int report(Spec spec, PipelineResult result, PrintStream out) {
    if (result.getState() != PipelineResult.State.DONE) {
      throw new CommandFailedException("the pipeline ended in state " + result.getState());
    }
    RunCounts c = RunCounts.of(result);
    long in = c.get("records_in");
    long written = c.get("records_written");
    long quarantined = c.get("records_quarantined");
    out.printf(
        "ingest-table %s: %,d records in, %,d written, %,d quarantined, from %,d files%n",
        spec.dataset(), in, written, quarantined, c.get("files_read"));
    if (spec.sample() < 1.0) {
      out.printf(
          "  sample:      ran on a sample (%s); counts are of the sample only%n",
          TableSample.describe(spec.sample(), spec.sampleSeed()));
    }
    out.printf("  written:     %s/%n", spec.processedDir());
    out.printf(
        "  quarantine:  %s/%s%n",
        spec.quarantineDir(), quarantined > 0 ? " (each line says file, line and reason)" : "");
    if (in != written + quarantined) {
      out.printf(
          "ERROR: records in (%d) != written (%d) + quarantined (%d): records were lost, so"
              + " nothing was published; report this as a bug with the input attached%n",
          in, written, quarantined);
      return 1;
    }
    ValidateIntoLake.Spec validation = spec.validation();
    if (validation != null) {
      return ValidationRun.printSummary(
          "ingest-table " + spec.dataset(),
          validation,
          ValidationRun.readReport(validation),
          out);
    }
    return 0;
  }

  static Spec specFrom(IngestTableOptions o) {
    TableIO.Format format;
    try {
      format = TableIO.Format.parse(o.getFormat());
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--format=" + o.getFormat() + " is not known; use csv, jsonl or parquet");
    }
    if (!DATASET.matcher(o.getDataset()).matches()) {
      throw new UsageException(
          "--dataset="
              + o.getDataset()
              + " is not a valid name; use letters, digits, '.', '_' and '-'");
    }
    String schemaJson = readSchema(o.getSchema());
    ValidateIntoLake.Spec validation =
        ValidationRun.ofIngest(
            o,
            LakePaths.absolute(o.getLake()),
            o.getDataset(),
            LakePaths.absolute(o.getInput()),
            format.toString());
    if (validation != null) {
      validation = validation.withInfo("schema", o.getSchema());
    }
    List<String> partitionBy = new ArrayList<>();
    for (String c : o.getPartitionBy().split(",")) {
      if (!c.isBlank()) {
        partitionBy.add(c.trim());
      }
    }
    Schema beam = AvroTableSchema.toBeamSchema(schemaJson);
    try {
      HivePartition.by(partitionBy).checkAgainst(beam);
      TableIO.read().withSchema(beam);
      TableBatchIO.read().withSchema(beam);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (validation != null) {
      try {
        validation.rules().checkAgainst(beam);
      } catch (IllegalArgumentException e) {
        throw new CommandFailedException("the rules do not fit the schema: " + e.getMessage());
      }
    }
    Spec spec = Spec.of(
        LakePaths.absolute(o.getInput()),
        format,
        schemaJson,
        LakePaths.absolute(o.getLake()),
        o.getDataset(),
        partitionBy);
    spec = validation == null ? spec : spec.withValidation(validation);
    return spec.withSample(TableSample.option(o.getSample()), o.getSampleSeed());
  }

  /** Reads and checks an Avro record schema from any Beam file system. */
  public static String readSchema(String path) {
    String json;
    try {
      MatchResult.Metadata m = FileSystems.matchSingleFileSpec(LakePaths.absolute(path));
      try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()))) {
        json = new String(ByteStreams.toByteArray(in), StandardCharsets.UTF_8);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandFailedException(
          "cannot read --schema=" + path + ": " + firstLine(e.getMessage()));
    }
    org.apache.avro.Schema schema;
    try {
      schema = new org.apache.avro.Schema.Parser().parse(json);
    } catch (SchemaParseException e) {
      throw new CommandFailedException(
          "--schema=" + path + " is not a valid Avro schema: " + firstLine(e.getMessage()));
    }
    if (schema.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new CommandFailedException(
          "--schema=" + path + " must be an Avro record schema, not " + schema.getType());
    }
    return json;
  }

  /** Returns how many files match; fails when none does. */
  public static int checkInputExists(String input) {
    try {
      MatchResult r = FileSystems.match(List.of(input), EmptyMatchTreatment.ALLOW).get(0);
      if (r.status() != MatchResult.Status.OK || r.metadata().isEmpty()) {
        throw new CommandFailedException(
            "no file matches --input=" + input + "; check the path or glob");
      }
      return r.metadata().size();
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot list --input=" + input + ": " + firstLine(e.getMessage()), e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
