package dev.sediment.transforms.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.io.ByteStreams;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Validation into the lake: rows are checked against {@link Rules}, valid rows come back for the
 * caller to write, rows breaking an {@code error} rule go to {@code
 * LAKE/quarantine/DATASET/violations-*.jsonl} with every reason, and {@code report.json} and {@code
 * report.html} go to {@code LAKE/reports/validation/RUN_ID/} ({@link LakeLayout}).
 *
 * <pre>{@code
 * ValidateIntoLake.Spec spec =
 *     ValidateIntoLake.Spec.of(Rules.load("trades.rules.yaml"), "trades.rules.yaml",
 *         "s3://bucket/lake", "trades", ValidateIntoLake.newRunId(Instant.now()), Instant.now());
 * BadRecordErrorHandler<PCollection<Long>> unparsed =
 *     p.registerBadRecordErrorHandler(ValidateIntoLake.countingQuarantine(spec.quarantineDir()));
 * PCollection<Row> rows = p.apply(TableIO.read()...withBadRecordErrorHandler(unparsed));
 * unparsed.close();
 * PCollection<Row> valid = ValidateIntoLake.expand(rows, spec, unparsed.getOutput());
 * }</pre>
 *
 * <p>The report counts the records that did not even parse (the bad-record sink made by {@link
 * #countingQuarantine}) as quarantined, so {@code records_in = records_valid + records_quarantined}
 * covers the whole input. {@code report.json} is written last and atomically: its presence marks a
 * run's report directory complete. Quarantine lines are keyed by the violation alone, so a rerun
 * places and orders them alike.
 *
 * <p>Its steps are applied at the top level of the pipeline ("Validate", "ViolationsToJson",
 * "WriteViolations", "UnparsedView", "WriteReport"), so runners' step names stay as they were when
 * the commands composed them. Counter: {@code sediment/records_quarantined} (rule violations).
 */
public final class ValidateIntoLake {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The report's JSON file; written last, it marks a run's report directory complete. */
  public static final String REPORT_JSON = "report.json";

  /** The report's HTML page ({@link ReportHtml}). */
  public static final String REPORT_HTML = "report.html";

  private ValidateIntoLake() {}

  /** What to validate against and where the outcome goes. Immutable. */
  public static final class Spec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Rules rules;
    private final String rulesFile;
    private final Instant now;
    private final String runId;
    private final String quarantineDir;
    private final String reportDir;
    private final LinkedHashMap<String, String> info;
    private final Set<String> fieldsLeftOutOfQuarantine;
    private final int keyBuckets;

    private Spec(
        Rules rules,
        String rulesFile,
        Instant now,
        String runId,
        String quarantineDir,
        String reportDir,
        LinkedHashMap<String, String> info,
        Set<String> fieldsLeftOutOfQuarantine,
        int keyBuckets) {
      this.rules = rules;
      this.rulesFile = rulesFile;
      this.now = now;
      this.runId = runId;
      this.quarantineDir = quarantineDir;
      this.reportDir = reportDir;
      this.info = info;
      this.fieldsLeftOutOfQuarantine = fieldsLeftOutOfQuarantine;
      this.keyBuckets = keyBuckets;
    }

    /**
     * A validation of {@code dataset} of the lake at {@code lake} with {@code rules} (read from
     * {@code rulesFile}, which the report names), as run {@code runId} started at {@code now}.
     *
     * @throws IllegalArgumentException if {@code dataset} or {@code runId} is not a single
     *     directory name ({@link LakeLayout})
     */
    public static Spec of(
        Rules rules, String rulesFile, String lake, String dataset, String runId, Instant now) {
      Objects.requireNonNull(rules, "rules");
      Objects.requireNonNull(rulesFile, "rulesFile");
      Objects.requireNonNull(now, "now");
      LakeLayout layout = LakeLayout.of(lake);
      String reportDir = layout.validationReport(runId);
      String quarantineDir = layout.quarantine(dataset);
      LinkedHashMap<String, String> info = new LinkedHashMap<>();
      info.put("run_id", runId);
      info.put("dataset", dataset);
      info.put("rules_file", rulesFile);
      info.put("started_at", now.toString());
      return new Spec(
          rules,
          rulesFile,
          now,
          runId,
          quarantineDir,
          reportDir,
          info,
          Set.of(),
          Validate.DEFAULT_KEY_BUCKETS);
    }

    /**
     * A validation with the rules file at {@code rulesPath} (local, {@code s3://}, {@code gs://});
     * a null or empty {@code runId} gets a new one ({@link #newRunId}).
     *
     * @throws RulesException if the file cannot be read or is not a valid rules file (message
     *     {@code FILE:LINE: ...})
     * @throws IllegalArgumentException if no file system serves the path's scheme, or a name is
     *     not valid
     */
    public static Spec of(
        String rulesPath, String lake, String dataset, @Nullable String runId, Instant now) {
      Rules rules = Rules.load(LakePaths.absolute(rulesPath));
      String id = runId == null || runId.isEmpty() ? newRunId(now) : runId;
      return of(rules, rulesPath, lake, dataset, id, now);
    }

    /** Adds a {@code key: value} line to the head of the report, e.g. the input and format. */
    public Spec withInfo(String key, String value) {
      LinkedHashMap<String, String> copy = new LinkedHashMap<>(info);
      copy.put(key, value);
      return new Spec(
          rules,
          rulesFile,
          now,
          runId,
          quarantineDir,
          reportDir,
          copy,
          fieldsLeftOutOfQuarantine,
          keyBuckets);
    }

    /**
     * Fields not copied into quarantine lines (e.g. a trace's {@code samples}: the raw file keeps
     * them, the line keeps the file and byte offset). Default: none.
     */
    public Spec leavingOutOfQuarantine(Set<String> fields) {
      return new Spec(
          rules,
          rulesFile,
          now,
          runId,
          quarantineDir,
          reportDir,
          info,
          Set.copyOf(fields),
          keyBuckets);
    }

    /**
     * This validation writing its violations to {@code quarantineDir} and its report to {@code
     * reportDir} instead: a run's staging area, published by {@code LakeCommit}.
     */
    public Spec stagedIn(String quarantineDir, String reportDir) {
      return new Spec(
          rules,
          rulesFile,
          now,
          runId,
          quarantineDir,
          reportDir,
          info,
          fieldsLeftOutOfQuarantine,
          keyBuckets);
    }

    /**
     * The keys the uniqueness checks spread over ({@link Validate.Rows#withKeyBuckets}); default
     * 64, valid 1 to 65536. More keys spread work over more workers.
     */
    public Spec withKeyBuckets(int n) {
      if (n < 1 || n > Validate.MAX_KEY_BUCKETS) {
        throw new IllegalArgumentException(
            "withKeyBuckets(n): n must be in [1, " + Validate.MAX_KEY_BUCKETS + "], not " + n);
      }
      return new Spec(
          rules,
          rulesFile,
          now,
          runId,
          quarantineDir,
          reportDir,
          info,
          fieldsLeftOutOfQuarantine,
          n);
    }

    public Rules rules() {
      return rules;
    }

    /** The rules file as given, as the report names it. */
    public String rulesFile() {
      return rulesFile;
    }

    public Instant now() {
      return now;
    }

    public String runId() {
      return runId;
    }

    public String quarantineDir() {
      return quarantineDir;
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

    /** The head lines of the report, in order ({@code run_id}, {@code dataset}, ...). */
    public Map<String, String> info() {
      return java.util.Collections.unmodifiableMap(info);
    }

    public int keyBuckets() {
      return keyBuckets;
    }
  }

  /** A run id that sorts by start time: {@code 20261123T214500Z-3f9a1c}. */
  public static String newRunId(Instant now) {
    return RUN_ID_TIME.format(java.time.Instant.ofEpochMilli(now.getMillis()))
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  /**
   * The bad-record sink of a validating pipeline: writes the quarantine as {@link
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
            Validate.against(spec.rules).withNow(spec.now).withKeyBuckets(spec.keyBuckets));
    writeOutcome(result.violations(), result.report(), spec, unparsed);
    return result.valid();
  }

  /**
   * As {@link #expand}, over column batches of rows of {@code rowSchema} ({@link
   * Validate.Rows#onBatches}); returns the valid rows as batches.
   */
  public static PCollection<ColumnBatch> expandBatches(
      PCollection<ColumnBatch> batches, Schema rowSchema, Spec spec, PCollection<Long> unparsed) {
    BatchValidationResult result =
        batches.apply(
            "Validate",
            Validate.against(spec.rules)
                .withNow(spec.now)
                .withKeyBuckets(spec.keyBuckets)
                .onBatches(rowSchema));
    writeOutcome(result.violations(), result.report(), spec, unparsed);
    return result.valid();
  }

  /**
   * {@link #expandBatches} cut in two: a {@link BatchStage} that validates each batch where it is
   * made and passes the valid rows on (run it inside the reading step, {@code
   * TableBatchIO.read().through(stages)}, with the stage that writes them after it), and {@link
   * StagedBatches#finish}, which writes the violations and the report. Null when a rule compares
   * rows with each other ({@link ValidateBatches#staged}): use {@link #expandBatches} then.
   */
  public static @Nullable StagedBatches stagedBatches(Schema rowSchema, Spec spec) {
    ValidateBatches.Staged staged =
        Validate.against(spec.rules)
            .withNow(spec.now)
            .withKeyBuckets(spec.keyBuckets)
            .onBatches(rowSchema)
            .staged();
    return staged == null ? null : new StagedBatches(staged, spec);
  }

  /** See {@link #stagedBatches}. */
  public static final class StagedBatches {
    private final ValidateBatches.Staged staged;
    private final Spec spec;

    private StagedBatches(ValidateBatches.Staged staged, Spec spec) {
      this.staged = staged;
      this.spec = spec;
    }

    public BatchStage stage() {
      return staged.stage();
    }

    /**
     * Writes the violations and the report from {@code stageOutputs} (the output of the step
     * that ran {@link #stage}); {@code unparsed} counts the records that never became rows.
     */
    public void finish(PCollectionTuple stageOutputs, PCollection<Long> unparsed) {
      BatchValidationResult result = staged.finish(stageOutputs);
      writeOutcome(result.violations(), result.report(), spec, unparsed);
    }
  }

  private static void writeOutcome(
      PCollection<Violation> violations,
      PCollection<ValidationReport> report,
      Spec spec,
      PCollection<Long> unparsed) {
    violations
        .apply(
            "ViolationsToJson",
            ParDo.of(new ViolationLineFn(spec.runId, spec.fieldsLeftOutOfQuarantine)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply(
            "WriteViolations", LakeIO.writeLines().to(spec.quarantineDir).withPrefix("violations"));
    PCollectionView<Long> unparsedCount = unparsed.apply("UnparsedView", View.asSingleton());
    report
        .apply(
            "WriteReport",
            ParDo.of(new WriteReportFn(spec, unparsedCount)).withSideInputs(unparsedCount))
        .setCoder(VoidCoder.of());
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
              MAPPER
                  .writer()
                  .without(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(line)));
      quarantined.inc();
    }
  }

  /** Writes report.html, then report.json, once the report is complete. */
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

  private static void write(String path, String text) throws IOException {
    LakeFiles.writeAtomically(
        FileSystems.matchNewResource(path, false), text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The text of the {@code report.json} a finished run wrote: the report's head lines, then {@link
   * ValidationReport#toJson}'s fields.
   *
   * @throws IOException if it is missing or cannot be read
   */
  public static String readReportJson(Spec spec) throws IOException {
    MatchResult.Metadata m = FileSystems.matchSingleFileSpec(spec.reportJson());
    try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()))) {
      return new String(ByteStreams.toByteArray(in), StandardCharsets.UTF_8);
    }
  }

  /** The report a finished run wrote, as a typed value (its head lines left out). */
  public static ValidationReport readReport(Spec spec) throws IOException {
    return ValidationReport.fromJson(readReportJson(spec));
  }
}
