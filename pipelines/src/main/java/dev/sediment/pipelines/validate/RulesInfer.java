package dev.sediment.pipelines.validate;

import com.google.auto.value.AutoValue;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.table.AvroTableSchema;
import dev.sediment.io.table.TableIO;
import dev.sediment.io.table.TableSchemaInference;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.ingest.IngestTable;
import dev.sediment.transforms.profile.ColumnProfileFn;
import dev.sediment.transforms.validate.RulesYaml;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * {@code bin/sediment rules infer}: a starter rules file inferred from the data, so users start
 * from their data instead of a blank page (after TensorFlow Data Validation's schema inference).
 *
 * <pre>{@code
 * bin/sediment rules infer --input='data/*.csv' --format=csv --output=rules.yaml
 * }</pre>
 *
 * <p>A Beam pipeline, so it scales and runs on every runner: it reads the input with {@link
 * TableIO} (schema from {@code --schema}, else inferred from the first {@value
 * #INFER_SCHEMA_RECORDS} records by {@link TableSchemaInference}), profiles every column in one
 * {@link ColumnProfileFn} (the whole input when it has fewer than {@value #WHOLE_INPUT_BELOW}
 * records, else a {@code --sample} fraction, decided in the same pass with bounded memory) and
 * writes {@link RulesYaml} to {@code --output} through Beam {@link FileSystems}. An existing output
 * is never replaced without {@code --overwrite=true}. Records that do not parse are left out and
 * counted in the summary.
 *
 * <p>Counters (namespace {@code sediment}), beside {@link TableIO}'s: {@code
 * rules_records_profiled}, {@code rules_columns}, {@code rules_written}.
 */
public final class RulesInfer implements Command<RulesInferOptions> {
  /** Records read to infer a schema when no {@code --schema} is given. */
  public static final int INFER_SCHEMA_RECORDS = 10_000;

  /** The fraction profiled when {@code --sample} is not given. */
  public static final double DEFAULT_SAMPLE = 0.01;

  /** Inputs with fewer records are profiled whole, whatever {@code --sample} says. */
  public static final long WHOLE_INPUT_BELOW = 100_000;

  /** What one inference reads and writes; built from options by the CLI, or directly by tests. */
  @AutoValue
  public abstract static class Spec implements Serializable {
    private static final long serialVersionUID = 1L;

    public abstract String input();

    public abstract TableIO.Format format();

    public abstract String avroSchemaJson();

    public abstract double sample();

    public abstract String output();

    public abstract long wholeInputBelow();

    /** When the rules were inferred, for the file's header (ISO-8601). */
    public abstract String generatedAt();

    /** Picks the sample ({@code --sampleSeed}); 0 is the default choice. */
    public abstract long sampleSeed();

    /** This inference with another sample seed. */
    public Spec withSampleSeed(long seed) {
      return new AutoValue_RulesInfer_Spec(
          input(), format(), avroSchemaJson(), sample(), output(), wholeInputBelow(),
          generatedAt(), seed);
    }

    public static Spec of(
        String input,
        TableIO.Format format,
        String avroSchemaJson,
        double sample,
        String output,
        long wholeInputBelow,
        String generatedAt) {
      return new AutoValue_RulesInfer_Spec(
          input, format, avroSchemaJson, sample, output, wholeInputBelow, generatedAt, 0L);
    }
  }

  @Override
  public java.util.Map<String, String> helpDefaults() {
    return java.util.Map.of("sample", "0.01");
  }

  @Override
  public String name() {
    return "rules infer";
  }

  @Override
  public String summary() {
    return "Infer a starter rules file (YAML) from the data: types, nulls, ranges, small sets.";
  }

  @Override
  public String usage() {
    return "--input=GLOB [--format=csv|jsonl|parquet] [--schema=FILE.avsc] [--sample=0.01]"
        + " [--output=rules.yaml] [--overwrite=true]";
  }

  @Override
  public Class<RulesInferOptions> optionsClass() {
    return RulesInferOptions.class;
  }

  @Override
  public int run(RulesInferOptions options, PrintStream out) throws Exception {
    // Steps: check the call and the output, find or infer the schema, build, run, report.
    Spec spec = specFrom(options);
    Pipeline p = Pipeline.create(options);
    expand(p, spec);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return report(spec, result, out);
  }

  /** Adds the inference of {@code spec} to {@code p}. */
  public static void expand(Pipeline p, Spec spec) {
    Schema schema = AvroTableSchema.toBeamSchema(spec.avroSchemaJson());
    BadRecordErrorHandler<PCollection<Long>> unparsed =
        p.registerBadRecordErrorHandler(new CountUnparsed());
    PCollection<Row> rows =
        p.apply(
            "ReadTable",
            TableIO.read()
                .from(spec.input())
                .withFormat(spec.format())
                .withSchema(schema)
                .withBadRecordErrorHandler(unparsed));
    unparsed.close();
    rows.apply("Profile", Combine.globally(new ColumnProfileFn(schema, spec.sample(), spec.sampleSeed())))
        .apply("WriteRules", ParDo.of(new WriteRulesFn(spec)));
  }

  /** Prints the summary line; returns 0. */
  public static int report(Spec spec, PipelineResult result, PrintStream out) {
    if (result.getState() != PipelineResult.State.DONE) {
      throw new CommandFailedException("the pipeline ended in state " + result.getState());
    }
    RunCounts c = RunCounts.of(result);
    long bad = c.get("records_bad");
    long rules = c.get("rules_written");
    if (rules == 0) {
      throw new CommandFailedException(
          "no record of --input="
              + spec.input()
              + " parsed ("
              + bad
              + " did not): no rules written");
    }
    out.printf(
        "rules infer: %,d records read (%,d did not parse, left out), %,d profiled, %,d columns,"
            + " %,d rules written to %s%n",
        c.get("records_in"),
        bad,
        c.get("rules_records_profiled"),
        c.get("rules_columns"),
        rules,
        spec.output());
    return 0;
  }

  static Spec specFrom(RulesInferOptions o) {
    TableIO.Format format;
    try {
      format = TableIO.Format.parse(o.getFormat());
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--format=" + o.getFormat() + " is not known; use csv, jsonl or parquet");
    }
    Double sample = o.getSample() == null ? DEFAULT_SAMPLE : o.getSample();
    if (!(sample > 0 && sample <= 1)) {
      throw new UsageException("--sample=" + sample + " is not a fraction in (0, 1]");
    }
    String output = LakePaths.absolute(o.getOutput());
    if (!Boolean.TRUE.equals(o.getOverwrite()) && exists(output)) {
      throw new CommandFailedException(
          "--output=" + output + " exists; pass --overwrite=true to replace it");
    }
    String input = LakePaths.absolute(o.getInput());
    checkInputExists(input);
    String schemaJson;
    if (o.getSchema() != null) {
      schemaJson = IngestTable.readSchema(o.getSchema());
    } else {
      try {
        schemaJson = TableSchemaInference.inferAvroSchemaJson(input, format, INFER_SCHEMA_RECORDS);
      } catch (IOException | IllegalArgumentException e) {
        throw new CommandFailedException(
            "cannot infer a schema from --input=" + input + ": " + e.getMessage(), e);
      }
    }
    try {
      TableIO.read().withSchema(AvroTableSchema.toBeamSchema(schemaJson));
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage(), e);
    }
    return Spec.of(
        input,
        format,
        schemaJson,
        sample,
        output,
        WHOLE_INPUT_BELOW,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .withSampleSeed(o.getSampleSeed() == null ? 0L : o.getSampleSeed());
  }

  private static boolean exists(String path) {
    try {
      MatchResult r = FileSystems.match(List.of(path), EmptyMatchTreatment.ALLOW).get(0);
      return r.status() == MatchResult.Status.OK && !r.metadata().isEmpty();
    } catch (IOException e) {
      throw new CommandFailedException("cannot check --output=" + path + ": " + e.getMessage(), e);
    }
  }

  private static void checkInputExists(String input) {
    try {
      MatchResult r = FileSystems.match(List.of(input), EmptyMatchTreatment.ALLOW).get(0);
      if (r.status() != MatchResult.Status.OK || r.metadata().isEmpty()) {
        throw new CommandFailedException(
            "no file matches --input=" + input + "; check the path or glob");
      }
    } catch (IOException e) {
      throw new CommandFailedException("cannot list --input=" + input + ": " + e.getMessage(), e);
    }
  }

  /** Bad records are left out of the profile; TableIO's {@code records_bad} counts them. */
  static final class CountUnparsed extends PTransform<PCollection<BadRecord>, PCollection<Long>> {
    @Override
    public PCollection<Long> expand(PCollection<BadRecord> input) {
      return input.apply("CountUnparsed", Count.globally());
    }
  }

  /** Renders the profile as rules and writes them; one element, so one writer. */
  static final class WriteRulesFn extends DoFn<ColumnProfileFn.Profile, Void> {
    private final Spec spec;
    private final Counter profiled = Metrics.counter("sediment", "rules_records_profiled");
    private final Counter columns = Metrics.counter("sediment", "rules_columns");
    private final Counter written = Metrics.counter("sediment", "rules_written");

    WriteRulesFn(Spec spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element ColumnProfileFn.Profile profile) throws IOException {
      if (profile.records() == 0) {
        return; // nothing to infer from; report() says so
      }
      Schema schema = AvroTableSchema.toBeamSchema(spec.avroSchemaJson());
      long below = spec.wholeInputBelow();
      long chosen = profile.chosenRecords(below);
      String how =
          profile.usesWholeInput(below)
              ? String.format(
                  "all %,d profiled (inputs under %,d records are profiled whole)", chosen, below)
              : String.format("%,d profiled (a --sample=%s sample)", chosen, spec.sample());
      List<String> header =
          List.of(
              "Rules inferred by 'bin/sediment rules infer' at " + spec.generatedAt(),
              "from --input=" + spec.input() + " (--format=" + spec.format() + ")",
              String.format("%,d records parsed, %s.", profile.records(), how),
              "Bounds, sets and null ratios are the values observed in those records:",
              "review them before use, since new data may rightly fall outside them.");
      RulesYaml rules = RulesYaml.render(schema, profile.chosen(below), header);
      ResourceId target = FileSystems.matchNewResource(spec.output(), false);
      try (OutputStream os = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
        os.write(rules.yaml().getBytes(StandardCharsets.UTF_8));
      }
      profiled.inc(chosen);
      columns.inc(schema.getFieldCount());
      written.inc(rules.rules());
    }
  }
}
