package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ValidateIntoLakeTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema SCHEMA =
      Schema.builder()
          .addStringField("id")
          .addNullableField("price", Schema.FieldType.DOUBLE)
          .build();

  private static final Rules RULES =
      Rules.parse(
          "columns:\n  price:\n    - {rule: not_null}\n    - {rule: min, value: 0}\n"
              + "dataset:\n  - {rule: row_count, min: 1}\n",
          "trades.rules.yaml");

  private static final Instant NOW = Instant.parse("2026-11-23T21:45:00Z");

  private static Row row(String id, Double price) {
    return Row.withSchema(SCHEMA).addValues(id, price).build();
  }

  @Test
  public void expand_writesViolationsAndReport_countsUnparsed_returnsValidRows() throws Exception {
    String lake = tmp.getRoot().getAbsolutePath();
    ValidateIntoLake.Spec spec =
        ValidateIntoLake.Spec.of(RULES, "trades.rules.yaml", lake, "trades", "run-1", NOW)
            .withInfo("input", "in/*.csv")
            .withKeyBuckets(3);
    PCollection<Row> rows =
        p.apply(
            "Rows",
            Create.of(row("a", 1.0), row("b", -2.0), row("c", null), row("d", 4.0))
                .withRowSchema(SCHEMA));
    PCollection<Long> unparsed = p.apply("Unparsed", Create.of(2L));

    PCollection<Row> valid = ValidateIntoLake.expand(rows, spec, unparsed);

    PAssert.that(valid).containsInAnyOrder(row("a", 1.0), row("d", 4.0));
    p.run().waitUntilFinish();

    Path reportDir = tmp.getRoot().toPath().resolve("reports/validation/run-1");
    assertThat(spec.reportJson(), equalTo(reportDir.resolve("report.json").toString()));
    JsonNode report =
        new ObjectMapper().readTree(Files.readString(reportDir.resolve("report.json")));
    List<String> head = new ArrayList<>();
    report.fieldNames().forEachRemaining(head::add);
    assertThat(
        head.subList(0, 7),
        equalTo(
            List.of(
                "run_id",
                "dataset",
                "rules_file",
                "started_at",
                "input",
                "finished_at",
                "records_in")));
    assertThat(report.path("run_id").asText(), equalTo("run-1"));
    assertThat(report.path("rules_file").asText(), equalTo("trades.rules.yaml"));
    assertThat(report.path("started_at").asText(), equalTo("2026-11-23T21:45:00.000Z"));
    assertThat(report.path("records_in").asLong(), equalTo(6L));
    assertThat(report.path("records_valid").asLong(), equalTo(2L));
    assertThat(report.path("records_quarantined").asLong(), equalTo(4L));
    assertThat(report.path("records_unparsed").asLong(), equalTo(2L));
    assertThat(report.path("passed").asBoolean(), equalTo(true));
    ValidationReport typed = ValidateIntoLake.readReport(spec);
    assertThat(typed.recordsIn(), equalTo(6L));
    assertThat(typed.rules().size(), equalTo(3));

    String html = Files.readString(reportDir.resolve("report.html"), StandardCharsets.UTF_8);
    assertThat(html, containsString("<title>Validation report: trades (run run-1)</title>"));
    assertThat(html, containsString("<tr><td>Input</td><td><code>in/*.csv</code></td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr><td>Finished</td><td><code>"
                + report.path("finished_at").asText()
                + "</code></td></tr>"));

    Path quarantine = tmp.getRoot().toPath().resolve("quarantine/trades");
    List<String> lines;
    try (Stream<Path> files = Files.list(quarantine)) {
      lines = new ArrayList<>();
      for (Path f : files.sorted().collect(Collectors.toList())) {
        assertThat(f.getFileName().toString(), matchesPattern("violations-.*\\.jsonl"));
        lines.addAll(Files.readAllLines(f));
      }
    }
    assertThat(lines.size(), equalTo(2));
    for (String l : lines) {
      JsonNode line = new ObjectMapper().readTree(l);
      assertThat(line.path("error_type").asText(), equalTo("RULE_VIOLATION"));
      assertThat(line.path("run_id").asText(), equalTo("run-1"));
    }
  }

  @Test
  public void spec_placesQuarantineAndReportByTheLakeLayout() {
    ValidateIntoLake.Spec spec =
        ValidateIntoLake.Spec.of(RULES, "r.yaml", "s3://bucket/lake/", "trades", "r1", NOW);

    assertThat(spec.quarantineDir(), equalTo("s3://bucket/lake/quarantine/trades"));
    assertThat(spec.reportDir(), equalTo("s3://bucket/lake/reports/validation/r1"));
    assertThat(spec.reportHtml(), equalTo("s3://bucket/lake/reports/validation/r1/report.html"));
    assertThat(
        spec.info(),
        equalTo(
            Map.of(
                "run_id", "r1",
                "dataset", "trades",
                "rules_file", "r.yaml",
                "started_at", "2026-11-23T21:45:00.000Z")));
    assertThat(spec.keyBuckets(), equalTo(Validate.DEFAULT_KEY_BUCKETS));
    ValidateIntoLake.Spec staged =
        spec.stagedIn("/stage/q", "/stage/r").leavingOutOfQuarantine(Set.of("x"));
    assertThat(staged.quarantineDir(), equalTo("/stage/q"));
    assertThat(staged.reportJson(), equalTo("/stage/r/report.json"));
    assertThat(staged.runId(), equalTo("r1"));
  }

  @Test
  public void spec_invalidNamesAndBuckets_areRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ValidateIntoLake.Spec.of(RULES, "r.yaml", "/lake", "../x", "r1", NOW));
    assertThat(e.getMessage(), containsString("dataset '../x' is not a valid name"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ValidateIntoLake.Spec.of(RULES, "r.yaml", "/lake", "t", "a/b", NOW));
    ValidateIntoLake.Spec spec = ValidateIntoLake.Spec.of(RULES, "r.yaml", "/lake", "t", "r1", NOW);
    IllegalArgumentException b =
        assertThrows(IllegalArgumentException.class, () -> spec.withKeyBuckets(0));
    assertThat(b.getMessage(), equalTo("withKeyBuckets(n): n must be in [1, 65536], not 0"));
  }

  @Test
  public void spec_ofRulesPath_loadsTheFile_andMakesARunId() throws Exception {
    Path rules = tmp.newFile("t.rules.yaml").toPath();
    Files.writeString(rules, "columns:\n  price:\n    - {rule: not_null}\n");

    ValidateIntoLake.Spec spec =
        ValidateIntoLake.Spec.of(rules.toString(), "/lake", "t", null, NOW);

    assertThat(spec.runId(), matchesPattern("20261123T214500Z-[0-9a-f]{6}"));
    assertThat(spec.rulesFile(), equalTo(rules.toString()));
    Files.writeString(rules, "columns:\n  price:\n    - {rule: nope}\n");
    assertThrows(
        RulesException.class,
        () -> ValidateIntoLake.Spec.of(rules.toString(), "/lake", "t", "r", NOW));
  }
}
