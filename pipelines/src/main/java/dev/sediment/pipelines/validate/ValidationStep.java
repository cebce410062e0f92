package dev.sediment.pipelines.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.pipelines.Names;
import dev.sediment.pipelines.Parallelism;
import dev.sediment.transforms.validate.Rules;
import dev.sediment.transforms.validate.RulesException;
import dev.sediment.transforms.validate.ReportHtml;
import dev.sediment.transforms.validate.Validate;
import dev.sediment.transforms.validate.ValidationReport;
import dev.sediment.transforms.validate.ValidationResult;
import dev.sediment.transforms.validate.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.io.ByteStreams;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Validation inside a command's pipeline: rows are checked against a {@link Rules} file, valid
 * rows come back for the command to write, rows breaking an {@code error} rule go to {@code
 * QUARANTINE/violations-*.jsonl} with every reason, and {@code report.json} and {@code
 * report.html} go to {@code LAKE/reports/validation/RUN_ID/}. The report counts the records that
 * did not even parse (the command's bad-record sink, {@link #countingQuarantine}) as quarantined,
 * so {@code records_in = records_valid + records_quarantined} covers the whole input.
 */
public final class ValidationStep {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The report's JSON file; written last, it marks a run's report directory complete. */
  public static final String REPORT_JSON = "report.json";

  static final String REPORT_HTML = "report.html";

  private ValidationStep() {}

  /** What to validate against and where the outcome goes. */
  public static final class Spec implements Serializable {
    private static final long serialVersionUID = 1L;

    final Rules rules;
    final String rulesPath;
    final Instant now;
    final String runId;
    final String quarantineDir;
    final String reportDir;
    final LinkedHashMap<String, String> info;
    final Set<String> fieldsLeftOutOfQuarantine;

    private Spec(
        Rules rules,
        String rulesPath,
        Instant now,
        String runId,
        String quarantineDir,
        String reportDir,
        LinkedHashMap<String, String> info,
        Set<String> fieldsLeftOutOfQuarantine) {
      this.rules = rules;
      this.rulesPath = rulesPath;
      this.now = now;
      this.runId = runId;
      this.quarantineDir = quarantineDir;
      this.reportDir = reportDir;
      this.info = info;
      this.fieldsLeftOutOfQuarantine = fieldsLeftOutOfQuarantine;
    }

    /**
     * A validation of dataset {@code dataset} of {@code lake} with the rules at {@code rulesPath}
     * (loaded here: a bad file is a {@link CommandFailedException} naming file and line).
     */
    public static Spec of(
        String rulesPath, String lake, String dataset, @Nullable String runId, Instant now) {
      Rules rules = loadRules(rulesPath);
      String id = runId == null || runId.isEmpty() ? newRunId(now) : Names.check("--runId", runId);
      Names.check("--dataset", dataset);
      LinkedHashMap<String, String> info = new LinkedHashMap<>();
      info.put("run_id", id);
      info.put("dataset", dataset);
      info.put("rules_file", rulesPath);
      info.put("started_at", now.toString());
      return new Spec(
          rules,
          rulesPath,
          now,
          id,
          LakePaths.join(lake, "quarantine", dataset),
          LakePaths.join(lake, "reports", "validation", id),
          info,
          Set.of());
    }

    /**
     * The validation an ingesting command runs when given {@code --rules}, or null when it was
     * not: a new run id, and the input and its format at the head of the report.
     */
    public static @Nullable Spec ofIngest(
        RulesOption options, String lake, String dataset, String input, String format) {
      String rules = options.getRules();
      if (rules == null || rules.isEmpty()) {
        return null;
      }
      return of(rules, lake, dataset, null, Instant.now())
          .withInfo("input", input)
          .withInfo("format", format);
    }

    /** Adds a {@code key: value} line to the head of the report, e.g. the input and format. */
    public Spec withInfo(String key, String value) {
      LinkedHashMap<String, String> copy = new LinkedHashMap<>(info);
      copy.put(key, value);
      return new Spec(
          rules, rulesPath, now, runId, quarantineDir, reportDir, copy, fieldsLeftOutOfQuarantine);
    }

    /**
     * Fields not copied into quarantine lines (e.g. a trace's {@code samples}: the raw file keeps
     * them, the line keeps the file and byte offset).
     */
    public Spec leavingOutOfQuarantine(Set<String> fields) {
      return new Spec(
          rules, rulesPath, now, runId, quarantineDir, reportDir, info, Set.copyOf(fields));
    }

    /**
     * This validation writing its violations to {@code quarantineDir} and its report to {@code
     * reportDir} instead: a run's staging area, published by {@code LakeCommit}.
     */
    public Spec stagedIn(String quarantineDir, String reportDir) {
      return new Spec(
          rules, rulesPath, now, runId, quarantineDir, reportDir, info, fieldsLeftOutOfQuarantine);
    }

    public Rules rules() {
      return rules;
    }

    public String runId() {
      return runId;
    }

    public String reportDir() {
      return reportDir;
    }

    public String reportJson() {
      return LakePaths.join(reportDir, REPORT_JSON);
    }

    public String reportHtml() {
      return LakePaths.join(reportDir, REPORT_HTML);
    }
  }

  /** A run id that sorts by start time: {@code 20261123T214500Z-3f9a1c}. */
  public static String newRunId(Instant now) {
    return RUN_ID_TIME.format(java.time.Instant.ofEpochMilli(now.getMillis()))
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  /** Loads a rules file; a missing or malformed one is one line naming file and line. */
  public static Rules loadRules(String path) {
    try {
      return Rules.load(LakePaths.absolute(path));
    } catch (RulesException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandFailedException("cannot read --rules=" + path + ": " + e.getMessage());
    }
  }

  /**
   * The bad-record sink of a validating command: writes the quarantine as {@link
   * LakeIO#quarantine()} does and counts what it wrote, for the report.
   */
  public static PTransform<PCollection<BadRecord>, PCollection<Long>> countingQuarantine(
      String quarantineDir) {
    return new CountingQuarantine(quarantineDir);
  }

  private static final class CountingQuarantine
      extends PTransform<PCollection<BadRecord>, PCollection<Long>> {
    private final String dir;

    CountingQuarantine(String dir) {
      this.dir = dir;
    }

    @Override
    public PCollection<Long> expand(PCollection<BadRecord> input) {
      input.apply("Quarantine", LakeIO.quarantine().to(dir));
      return input.apply("CountUnparsed", Count.globally());
    }
  }

  /**
   * Validates {@code rows}; writes violations and the report; returns the valid rows. {@code
   * unparsed} holds one number, the records that failed before validation (from {@link
   * #countingQuarantine}).
   */
  public static PCollection<Row> expand(
      PCollection<Row> rows, Spec spec, PCollection<Long> unparsed) {
    ValidationResult result =
        rows.apply(
            "Validate",
            Validate.against(spec.rules)
                .withNow(spec.now)
                .withKeyBuckets(Parallelism.buckets(rows.getPipeline().getOptions())));
    result
        .violations()
        .apply(
            "ViolationsToJson",
            ParDo.of(new ViolationLineFn(spec.runId, spec.fieldsLeftOutOfQuarantine)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply(
            "WriteViolations", LakeIO.writeLines().to(spec.quarantineDir).withPrefix("violations"));
    PCollectionView<Long> unparsedCount = unparsed.apply("UnparsedView", View.asSingleton());
    result
        .report()
        .apply(
            "WriteReport",
            ParDo.of(new WriteReportFn(spec, unparsedCount)).withSideInputs(unparsedCount))
        .setCoder(VoidCoder.of());
    return result.valid();
  }

  /**
   * One quarantine line per violating record: the record, every failure, the run id; keyed by the
   * violation alone, so reruns place and order the lines alike.
   */
  static final class ViolationLineFn extends DoFn<Violation, KV<String, String>> {
    private final Counter quarantined = Metrics.counter("sediment", "records_quarantined");
    private final String runId;
    private final Set<String> leftOut;

    ViolationLineFn(String runId, Set<String> leftOut) {
      this.runId = runId;
      this.leftOut = leftOut;
    }

    @ProcessElement
    public void process(@Element Violation v, OutputReceiver<KV<String, String>> out)
        throws IOException {
      String key = v.toJson();
      ObjectNode line = (ObjectNode) MAPPER.readTree(key);
      JsonNode record = line.get("record");
      if (record instanceof ObjectNode) {
        ((ObjectNode) record).remove(leftOut);
      }
      line.put("error_type", "RULE_VIOLATION");
      line.put("run_id", runId);
      line.put("detected_at", java.time.Instant.now().toString());
      out.output(
          KV.of(
              key,
              MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(line)));
      quarantined.inc();
    }
  }

  /** Writes report.json and report.html once the report is complete. */
  static final class WriteReportFn extends DoFn<ValidationReport, Void> {
    private final Spec spec;
    private final PCollectionView<Long> unparsed;

    WriteReportFn(Spec spec, PCollectionView<Long> unparsed) {
      this.spec = spec;
      this.unparsed = unparsed;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      ValidationReport report = c.element().withUnparsed(c.sideInput(unparsed));
      LinkedHashMap<String, String> head = new LinkedHashMap<>(spec.info);
      head.put("finished_at", java.time.Instant.now().toString());
      ObjectNode json = MAPPER.createObjectNode();
      head.forEach(json::put);
      json.setAll((ObjectNode) MAPPER.readTree(report.toJson()));
      // report.json last: it is the sign that the report directory is complete.
      write(spec.reportHtml(), ReportHtml.render(report, head));
      write(spec.reportJson(), MAPPER.writeValueAsString(json) + "\n");
    }
  }

  static void write(String path, String text) throws IOException {
    LakeFiles.writeAtomically(
        FileSystems.matchNewResource(path, false), text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads the report a finished run wrote. */
  public static JsonNode readReport(Spec spec) {
    try {
      MatchResult.Metadata m = FileSystems.matchSingleFileSpec(spec.reportJson());
      try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()))) {
        return MAPPER.readTree(ByteStreams.toByteArray(in));
      }
    } catch (IOException e) {
      throw new CommandFailedException(
          "the run finished but its report " + spec.reportJson() + " cannot be read: " + e.getMessage(),
          e);
    }
  }

  /**
   * Prints the report's summary: totals, then one line per failed rule. Returns 3 when an
   * error-level dataset rule failed, 1 when the totals do not add up, else 0.
   */
  public static int printSummary(String command, Spec spec, JsonNode report, java.io.PrintStream out) {
    long in = report.path("records_in").asLong();
    long valid = report.path("records_valid").asLong();
    long quarantined = report.path("records_quarantined").asLong();
    long unparsed = report.path("records_unparsed").asLong();
    out.printf(
        "%s: validated against %s: %,d records in, %,d valid, %,d quarantined (%,d unparsed,"
            + " %,d breaking error rules), %,d passed with warnings%n",
        command,
        spec.rulesPath,
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
    out.printf("  violations:  %s/violations-*.jsonl%n", spec.quarantineDir);
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
