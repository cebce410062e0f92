package dev.sediment.pipelines.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.Names;
import dev.sediment.pipelines.Parallelism;
import dev.sediment.transforms.validate.Rules;
import dev.sediment.transforms.validate.RulesException;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * The commands' side of {@link ValidateIntoLake}: option values checked as options ({@link Names}),
 * a bad rules file or an unreadable report as one line ({@link CommandFailedException}), the key
 * buckets from the runner ({@link Parallelism}), and the summary with its exit code.
 */
public final class ValidationRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ValidationRun() {}

  /**
   * A validation of dataset {@code dataset} of {@code lake} with the rules at {@code rulesPath}
   * (loaded here: a bad file is a {@link CommandFailedException} naming file and line); a null or
   * empty {@code runId} gets a new one.
   */
  public static ValidateIntoLake.Spec spec(
      String rulesPath, String lake, String dataset, @Nullable String runId, Instant now) {
    Rules rules = loadRules(rulesPath);
    String id =
        runId == null || runId.isEmpty()
            ? ValidateIntoLake.newRunId(now)
            : Names.check("--runId", runId);
    Names.check("--dataset", dataset);
    return ValidateIntoLake.Spec.of(rules, rulesPath, lake, dataset, id, now);
  }

  /**
   * The validation an ingesting command runs when given {@code --rules}, or null when it was not: a
   * new run id, and the input and its format at the head of the report.
   */
  public static ValidateIntoLake.@Nullable Spec ofIngest(
      RulesOption options, String lake, String dataset, String input, String format) {
    String rules = options.getRules();
    if (rules == null || rules.isEmpty()) {
      return null;
    }
    return spec(rules, lake, dataset, null, Instant.now())
        .withInfo("input", input)
        .withInfo("format", format);
  }

  /** Loads a rules file; a missing or malformed one is one line naming file and line. */
  public static Rules loadRules(String path) {
    try {
      return Rules.load(dev.sediment.io.lake.LakePaths.absolute(path));
    } catch (RulesException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandFailedException("cannot read --rules=" + path + ": " + e.getMessage());
    }
  }

  /** {@link ValidateIntoLake#expand} with as many key buckets as the runner uses well. */
  public static PCollection<Row> expand(
      PCollection<Row> rows, ValidateIntoLake.Spec spec, PCollection<Long> unparsed) {
    return ValidateIntoLake.expand(
        rows, spec.withKeyBuckets(Parallelism.buckets(rows.getPipeline().getOptions())), unparsed);
  }

  /** {@link #expand} over column batches of rows of {@code rowSchema}. */
  public static PCollection<ColumnBatch> expandBatches(
      PCollection<ColumnBatch> batches,
      Schema rowSchema,
      ValidateIntoLake.Spec spec,
      PCollection<Long> unparsed) {
    return ValidateIntoLake.expandBatches(
        batches,
        rowSchema,
        spec.withKeyBuckets(Parallelism.buckets(batches.getPipeline().getOptions())),
        unparsed);
  }

  /**
   * {@link ValidateIntoLake#stagedBatches} with as many key buckets as the runner uses well; null
   * when the rules need the row transform.
   */
  public static ValidateIntoLake.@Nullable StagedBatches stagedBatches(
      Pipeline p, Schema rowSchema, ValidateIntoLake.Spec spec) {
    return ValidateIntoLake.stagedBatches(
        rowSchema, spec.withKeyBuckets(Parallelism.buckets(p.getOptions())));
  }

  /** Reads the report a finished run wrote. */
  public static JsonNode readReport(ValidateIntoLake.Spec spec) {
    try {
      return MAPPER.readTree(ValidateIntoLake.readReportJson(spec));
    } catch (IOException e) {
      throw new CommandFailedException(
          "the run finished but its report "
              + spec.reportJson()
              + " cannot be read: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Prints the report's summary: totals, then one line per failed rule. Returns 3 when an
   * error-level dataset rule failed, 1 when the totals do not add up, else 0.
   */
  public static int printSummary(
      String command, ValidateIntoLake.Spec spec, JsonNode report, java.io.PrintStream out) {
    long in = report.path("records_in").asLong();
    long valid = report.path("records_valid").asLong();
    long quarantined = report.path("records_quarantined").asLong();
    long unparsed = report.path("records_unparsed").asLong();
    out.printf(
        "%s: validated against %s: %,d records in, %,d valid, %,d quarantined (%,d unparsed,"
            + " %,d breaking error rules), %,d passed with warnings%n",
        command,
        spec.rulesFile(),
        in,
        valid,
        quarantined,
        unparsed,
        quarantined - unparsed,
        report.path("records_warned").asLong());
    List<String> datasetErrors = new java.util.ArrayList<>();
    for (JsonNode r : report.path("rules")) {
      if (r.path("passed").asBoolean(true)) {
        continue;
      }
      String id = r.path("rule").asText();
      String severity = r.path("severity").asText();
      StringBuilder examples = new StringBuilder();
      for (JsonNode e : r.path("examples")) {
        examples.append(examples.length() == 0 ? ", e.g. " : ", ").append(e.toString());
      }
      out.printf(
          "  %-7s %s: %,d of %,d failed%s%s%n",
          severity.toUpperCase(java.util.Locale.ROOT),
          id,
          r.path("failed").asLong(),
          r.path("checked").asLong(),
          r.hasNonNull("message") ? " (" + r.get("message").asText() + ")" : "",
          examples);
      if ("dataset".equals(r.path("level").asText()) && "error".equals(severity)) {
        datasetErrors.add(id);
      }
    }
    out.printf("  report:      %s (and report.html)%n", spec.reportJson());
    out.printf("  violations:  %s/violations-*.jsonl%n", spec.quarantineDir());
    if (in != valid + quarantined) {
      out.printf(
          "ERROR: records in (%d) != valid (%d) + quarantined (%d): records were lost; report this"
              + " as a bug with the input attached%n",
          in, valid, quarantined);
      return 1;
    }
    if (!report.path("passed").asBoolean(false)) {
      out.printf(
          "FAILED: dataset rule%s %s failed at severity error; see %s%n",
          datasetErrors.size() == 1 ? "" : "s",
          String.join(", ", datasetErrors),
          spec.reportHtml());
      return 3;
    }
    return 0;
  }
}
