package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code validate} through the bundled jar on the DirectRunner and on Flink [local] with
 * parallelism 2, over the demo's station readings: the same counts, the same rule outcomes and
 * examples, the same exit code.
 */
public class ValidateRunnersIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Path copy(String resource) throws Exception {
    Path to = tmp.getRoot().toPath().resolve("in").resolve(resource);
    Files.createDirectories(to.getParent());
    try (InputStream s = ValidateRunnersIT.class.getResourceAsStream("/demo/" + resource)) {
      Files.write(to, s.readAllBytes());
    }
    return to;
  }

  private JsonNode validate(Path lake, String runId, int expectedExit, String... runner)
      throws Exception {
    Path in = copy("readings-2026-02-06.jsonl").getParent();
    Path rules = copy("readings.rules.yaml");
    Path schema = copy("sensors.avsc");
    String[] base = {
      "validate",
      "--rules=" + rules,
      "--input=" + in + "/*.jsonl",
      "--format=jsonl",
      "--schema=" + schema,
      "--dataset=readings",
      "--lake=" + lake,
      "--runId=" + runId
    };
    String[] args = new String[base.length + runner.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(runner, 0, args, base.length, runner.length);
    Sediment.Result r = Sediment.run(tmp.getRoot().toPath(), args);
    assertThat(r.toString(), r.exitCode, equalTo(expectedExit));
    assertThat(
        r.stdout,
        containsString(
            "2,001 records in, 1,993 valid, 8 quarantined (1 unparsed, 7 breaking error rules),"
                + " 5 passed with warnings"));
    ObjectNode report =
        (ObjectNode)
            MAPPER.readTree(lake.resolve("reports/validation/" + runId + "/report.json").toFile());
    for (String volatileField : new String[] {"run_id", "started_at", "finished_at", "rules_file"}) {
      report.remove(volatileField);
    }
    report.remove("input");
    // Freshness names the run's start time ("... before NOW"), which differs between runs.
    for (JsonNode rule : report.get("rules")) {
      if (rule.get("rule").asText().equals("dataset.freshness")) {
        String message = rule.get("message").asText();
        assertThat(
            message,
            startsWith("the newest ts 2026-02-06T08:19:00Z is older than PT720H before 20"));
        ((ObjectNode) rule).remove("message");
      }
    }
    return report;
  }

  @Test
  public void validate_directAndFlinkLocal_sameReport() throws Exception {
    JsonNode direct = validate(tmp.getRoot().toPath().resolve("direct-lake"), "direct", 0);
    JsonNode flink =
        validate(
            tmp.getRoot().toPath().resolve("flink-lake"),
            "flink",
            0,
            "--config=runner-configs/flink-local.properties",
            "--parallelism=2");
    assertThat(flink.toPrettyString(), equalTo(direct.toPrettyString()));
    assertThat(direct.get("totals").toString(),
        equalTo("{\"records_in\":2001,\"records_valid\":1993,\"records_quarantined\":8}"));
    LakeContents d =
        LakeContents.read(tmp.getRoot().toPath().resolve("direct-lake"), "readings");
    LakeContents f = LakeContents.read(tmp.getRoot().toPath().resolve("flink-lake"), "readings");
    assertThat(f.rows, equalTo(d.rows));
    assertThat(d.rows.size(), equalTo(1993));
  }
}
