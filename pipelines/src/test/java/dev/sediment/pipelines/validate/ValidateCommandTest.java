package dev.sediment.pipelines.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.pipelines.CliRun;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code bin/sediment validate} in-process over the demo's station readings: 2,000 readings and
 * one broken line; 7 readings break error rules (one of them two), 5 only a warn rule.
 */
public class ValidateCommandTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private String out;
  private String err;
  private Path in;
  private Path lake;
  private Path rules;
  private Path schema;

  @Before
  public void setUp() throws Exception {
    in = tmp.newFolder("in").toPath();
    lake = tmp.getRoot().toPath().resolve("lake");
    copy("readings-2026-02-06.jsonl", in.resolve("readings-2026-02-06.jsonl"));
    rules = tmp.getRoot().toPath().resolve("readings.rules.yaml");
    copy("readings.rules.yaml", rules);
    schema = tmp.getRoot().toPath().resolve("sensors.avsc");
    copy("sensors.avsc", schema);
  }

  private static void copy(String resource, Path to) throws Exception {
    try (InputStream s = ValidateCommandTest.class.getResourceAsStream("/demo/" + resource)) {
      Files.write(to, s.readAllBytes());
    }
  }

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out;
    err = r.err;
    return r.code;
  }

  private int validate(String rulesFile, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "validate",
                "--rules=" + rulesFile,
                "--input=" + in + "/*.jsonl",
                "--format=jsonl",
                "--schema=" + schema,
                "--dataset=readings",
                "--lake=" + lake,
                "--runId=run1"));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

  private JsonNode report(String runId) throws Exception {
    return MAPPER.readTree(lake.resolve("reports/validation/" + runId + "/report.json").toFile());
  }

  private static JsonNode rule(JsonNode report, String id) {
    for (JsonNode r : report.get("rules")) {
      if (r.get("rule").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no rule " + id + " in " + report);
  }

  @Test
  public void validate_readings_quarantinesEveryViolationWithAllReasons_andReports() throws Exception {
    assertThat(err, validate(rules.toString()), equalTo(0));
    assertThat(
        out,
        containsString(
            "validate readings: validated against " + rules + ": 2,001 records in, 1,993 valid,"
                + " 8 quarantined (1 unparsed, 7 breaking error rules), 5 passed with warnings"));
    assertThat(out, containsString("ERROR   humidity_pct.max: 3 of 1,970 failed"));
    assertThat(out, containsString("WARN    battery_v.min: 5 of 2,000 failed"));

    JsonNode report = report("run1");
    assertThat(report.get("run_id").asText(), equalTo("run1"));
    assertThat(report.get("dataset").asText(), equalTo("readings"));
    assertThat(report.get("passed").asBoolean(), equalTo(true));
    assertThat(report.get("totals").toString(),
        equalTo("{\"records_in\":2001,\"records_valid\":1993,\"records_quarantined\":8}"));
    assertThat(report.get("records_unparsed").asLong(), equalTo(1L));
    assertThat(report.get("records_warned").asLong(), equalTo(5L));
    JsonNode humidity = rule(report, "humidity_pct.max");
    assertThat(humidity.get("severity").asText(), equalTo("error"));
    assertThat(humidity.get("column").asText(), equalTo("humidity_pct"));
    assertThat(humidity.get("checked").asLong(), equalTo(1970L));
    assertThat(humidity.get("failed").asLong(), equalTo(3L));
    assertThat(humidity.get("examples").toString(), equalTo("[140.0]"));
    assertThat(rule(report, "temperature_c.min").get("failed").asLong(), equalTo(3L));
    assertThat(rule(report, "humidity_pct.min").get("examples").toString(), equalTo("[-5.0]"));
    assertThat(rule(report, "station.regex").get("examples").toString(), equalTo("[\"st05\"]"));
    assertThat(rule(report, "station.not_null").get("failed").asLong(), equalTo(0L));
    assertThat(rule(report, "dataset.row_count").get("passed").asBoolean(), equalTo(true));
    assertThat(rule(report, "dataset.completeness").get("observed").asDouble(), equalTo(0.985));
    JsonNode unique = rule(report, "dataset.unique");
    assertThat(unique.get("passed").asBoolean(), equalTo(false));
    assertThat(unique.get("severity").asText(), equalTo("warn"));
    assertThat(unique.get("failed").asLong(), equalTo(4L));
    assertThat(rule(report, "dataset.freshness").get("passed").asBoolean(), equalTo(false));
    assertThat(
        Files.readString(lake.resolve("reports/validation/run1/report.html")),
        containsString("humidity_pct.max"));

    // Violations: one line per reading breaking an error rule, with every reason.
    List<JsonNode> violations = new ArrayList<>();
    for (String line : lines(lake.resolve("quarantine/readings"), "violations")) {
      violations.add(MAPPER.readTree(line));
    }
    assertThat(violations, hasSize(7));
    Map<String, String> reasons = new TreeMap<>();
    for (JsonNode v : violations) {
      List<String> ids = new ArrayList<>();
      v.get("failures").forEach(f -> ids.add(f.get("rule").asText()));
      reasons.put(
          v.get("record").get("station").asText() + " " + v.get("record").get("ts").asText(),
          String.join(",", ids));
      assertThat(v.get("error_type").asText(), equalTo("RULE_VIOLATION"));
      assertThat(v.get("run_id").asText(), equalTo("run1"));
    }
    assertThat(reasons.keySet().toString(), reasons.size(), equalTo(7));
    assertThat(
        reasons.values().stream().filter(s -> s.contains(",")).collect(Collectors.toList()),
        equalTo(List.of("temperature_c.min,humidity_pct.max")));
    // The broken line is quarantined as unparsed, with its line number.
    List<String> unparsed = lines(lake.resolve("quarantine/readings"), "records");
    assertThat(unparsed, hasSize(1));
    assertThat(unparsed.get(0), containsString("\"line\":1201"));

    assertThat(parquetRows(lake.resolve("processed/readings")), equalTo(1993L));
  }

  @Test
  public void validate_onASample_readsAboutThatFraction_saysSoInSummaryAndReport_sameSeedSameCounts()
      throws Exception {
    assertThat(err, validate(rules.toString(), "--sample=0.75", "--sampleSeed=11"), equalTo(0));
    assertThat(
        out,
        containsString(
            "  sample:      ran on a sample (about 75 % of the rows (--sample=0.75"
                + " --sampleSeed=11)); counts are of the sample only"));
    JsonNode report = report("run1");
    assertThat(
        report.get("sample").asText(), equalTo("about 75 % of the rows (--sample=0.75 --sampleSeed=11)"));
    long in = report.get("records_in").asLong();
    assertThat(String.valueOf(in), in > 1300 && in < 1700, equalTo(true));
    assertThat(
        in,
        equalTo(report.get("records_valid").asLong() + report.get("records_quarantined").asLong()));
    String first = report.get("totals").toString();
    Files.walk(lake.resolve("reports")).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    assertThat(err, validate(rules.toString(), "--sample=0.75", "--sampleSeed=11"), equalTo(0));
    assertThat(report("run1").get("totals").toString(), equalTo(first));
    assertThat(validate(rules.toString(), "--sample=0"), equalTo(1));
    assertThat(err, containsString("--sample=0.0 is not a fraction in (0, 1]"));
  }

  @Test
  public void validate_partitionValueTooLong_quarantinedBeforeValidation_reportAddsUp_published()
      throws Exception {
    Path csv = tmp.newFolder("venues").toPath();
    Files.writeString(
        csv.resolve("v.csv"),
        "id,venue\n1,xnas\n2," + "v".repeat(300) + "\n3,xnys\n-4,xnas\n5,\n");
    Path venueSchema = tmp.getRoot().toPath().resolve("v.avsc");
    Files.writeString(
        venueSchema,
        "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"]}]}");
    Path venueRules = tmp.getRoot().toPath().resolve("venues.yaml");
    Files.writeString(venueRules, "columns:\n  id:\n    - {rule: min, value: 0}\n");
    int code =
        run(
            "validate",
            "--rules=" + venueRules,
            "--input=" + csv + "/*.csv",
            "--schema=" + venueSchema,
            "--partitionBy=venue",
            "--lake=" + lake,
            "--runId=v1");
    assertThat(err, code, equalTo(0));
    assertThat(
        out,
        containsString(
            "validate venues: validated against " + venueRules + ": 5 records in, 3 valid,"
                + " 2 quarantined (1 unparsed, 1 breaking error rules)"));
    assertThat(report("v1").get("totals").toString(),
        equalTo("{\"records_in\":5,\"records_valid\":3,\"records_quarantined\":2}"));
    List<String> bad = Files.readAllLines(lake.resolve("quarantine/venues/records-00000-of-00001.jsonl"));
    assertThat(bad, hasSize(1));
    assertThat(bad.get(0), containsString("\"error_type\":\"PARTITION_VALUE_TOO_LONG\""));
    assertThat(
        Files.readAllLines(lake.resolve("quarantine/venues/violations-00000-of-00001.jsonl")),
        hasSize(1));
    try (Stream<Path> s = Files.list(lake.resolve("processed/venues"))) {
      assertThat(
          s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()),
          equalTo(List.of("_SUCCESS", "venue=__HIVE_DEFAULT_PARTITION__", "venue=xnas", "venue=xnys")));
    }
    assertThat(Files.exists(lake.resolve("_staging")), equalTo(false));
  }

  @Test
  public void validate_partitionColumnNamedTwice_exit1_oneLine_nothingWritten() throws Exception {
    assertThat(validate(rules.toString(), "--partitionBy=station,station"), equalTo(1));
    assertThat(
        err,
        startsWith(
            "sediment validate: partition column 'station' is named twice; name each column once\n"));
    assertThat(Files.exists(lake), equalTo(false));
  }

  @Test
  public void validate_failedErrorRuleAtDatasetLevel_exits3_afterWritingTheReport() throws Exception {
    Path strict = tmp.getRoot().toPath().resolve("strict.yaml");
    Files.writeString(
        strict,
        "columns:\n  battery_v:\n    - {rule: min, value: 3.5, severity: warn}\n"
            + "dataset:\n  - {rule: row_count, min: 5000}\n");
    assertThat(err, validate(strict.toString()), equalTo(3));
    assertThat(out, containsString("FAILED: dataset rule dataset.row_count failed at severity error"));
    JsonNode report = report("run1");
    assertThat(report.get("passed").asBoolean(), equalTo(false));
    JsonNode rowCount = rule(report, "dataset.row_count");
    assertThat(rowCount.get("observed").asLong(), equalTo(2000L));
    assertThat(rowCount.get("passed").asBoolean(), equalTo(false));
    assertThat(report.get("records_quarantined").asLong(), equalTo(1L));
  }

  @Test
  public void validate_malformedRules_oneLineNamingFileAndLine_exit1() throws Exception {
    Path bad = tmp.getRoot().toPath().resolve("bad.yaml");
    Files.writeString(bad, "columns:\n  price:\n    - {rule: min, valu: 0}\n");
    assertThat(validate(bad.toString()), equalTo(1));
    assertThat(err, startsWith("sediment validate: " + bad + ":3: "));
    assertThat(err, containsString("valu"));
    assertThat(err.trim().split("\n").length, equalTo(1));
    assertThat(Files.exists(lake), equalTo(false));
  }

  @Test
  public void validate_ruleOnMissingColumn_exit1() throws Exception {
    Path bad = tmp.getRoot().toPath().resolve("missing.yaml");
    Files.writeString(bad, "columns:\n  pressure_hpa:\n    - {rule: not_null}\n");
    assertThat(validate(bad.toString()), equalTo(1));
    assertThat(err, containsString("pressure_hpa"));
  }

  @Test
  public void validate_badFormat_missingInput_exit1() {
    assertThat(
        run("validate", "--rules=" + rules, "--input=" + in + "/*.jsonl", "--format=xml"),
        equalTo(1));
    assertThat(err, containsString("--format=xml is not known; use csv, jsonl or parquet"));
    assertThat(
        run("validate", "--rules=" + rules, "--input=" + in + "/nothing*.csv", "--lake=" + lake),
        equalTo(1));
    assertThat(err, containsString("no file matches --input="));
    assertThat(run("validate", "--input=" + in + "/*.jsonl", "--rulez=x.yaml"), equalTo(1));
    assertThat(err, containsString("rulez"));
  }

  @Test
  public void validate_csvWithoutSchema_infersTypes_andDefaultsDatasetToRulesName() throws Exception {
    Path csv = tmp.newFolder("csv").toPath();
    Files.writeString(
        csv.resolve("prices.csv"),
        "symbol,price,qty\nAAA,10.5,3\nBBB,-1.0,4\nCCC,,5\nAAA,7.25,\n");
    Path r = tmp.getRoot().toPath().resolve("prices.yaml");
    Files.writeString(
        r,
        "columns:\n  price:\n    - {rule: not_null}\n    - {rule: min, value: 0, exclusive: true}\n"
            + "  qty:\n    - {rule: not_null, severity: warn}\n"
            + "dataset:\n  - {rule: row_count, min: 1, max: 10}\n");
    assertThat(
        err,
        run("validate", "--rules=" + r, "--input=" + csv + "/*.csv", "--lake=" + lake, "--runId=csv1"),
        equalTo(0));
    assertThat(
        out,
        containsString(
            "validate prices: validated against " + r + ": 4 records in, 2 valid, 2 quarantined"
                + " (0 unparsed, 2 breaking error rules), 1 passed with warnings"));
    JsonNode report = report("csv1");
    JsonNode price = null;
    for (JsonNode c : report.get("columns")) {
      if (c.get("column").asText().equals("price")) {
        price = c;
      }
    }
    assertThat(price.get("type").asText(), equalTo("DOUBLE"));
    assertThat(price.get("nulls").asLong(), equalTo(1L));
    assertThat(parquetRows(lake.resolve("processed/prices")), equalTo(2L));
  }

  @Test
  public void ingestTable_withRules_validatesBeforeWriting() throws Exception {
    assertThat(
        err,
        run(
            "ingest-table",
            "--input=" + in + "/*.jsonl",
            "--format=jsonl",
            "--schema=" + schema,
            "--dataset=readings",
            "--rules=" + rules,
            "--lake=" + lake),
        equalTo(0));
    assertThat(
        out,
        containsString("ingest-table readings: 2,001 records in, 1,993 written, 8 quarantined, from 1 files"));
    assertThat(out, containsString("8 quarantined (1 unparsed, 7 breaking error rules)"));
    assertThat(parquetRows(lake.resolve("processed/readings")), equalTo(1993L));
  }

  /**
   * gaps.mseed: one channel sampled at 200 Hz in 4 contiguous segments (128 records);
   * steim2_512_2ch_gaps.mseed: two channels at 100 Hz, one gap each (28 records).
   */
  @Test
  public void ingest_withSeismicRules_quarantinesWrongRate_andCountsGaps() throws Exception {
    Path testdata = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("shared/testdata/MANIFEST.tsv"))) {
        testdata = d.resolve("shared/testdata");
        break;
      }
    }
    Path seismic = tmp.newFolder("seismic").toPath();
    Files.copy(testdata.resolve("mseed2/obspy/gaps.mseed"), seismic.resolve("gaps.mseed"));
    Files.copy(
        testdata.resolve("mseed2/generated/steim2_512_2ch_gaps.mseed"),
        seismic.resolve("two.mseed"));
    Path r = tmp.getRoot().toPath().resolve("seismic.yaml");
    Files.writeString(
        r,
        "seismic:\n"
            + "  - {rule: sample_rate, value: 100, tolerance: 0.001}\n"
            + "  - {rule: gaps, severity: warn}\n"
            + "  - {rule: overlaps, severity: warn}\n"
            + "  - {rule: required_headers, headers: [network, station, channel]}\n"
            + "  - {rule: null_trace}\n");
    assertThat(
        err,
        run(
            "ingest",
            "--input=" + seismic + "/*.mseed",
            "--dataset=quakes",
            "--rules=" + r,
            "--lake=" + lake),
        equalTo(0));
    assertThat(
        out,
        containsString("ingest quakes: 2 files (2 copied raw), 156 traces or records in, 28 written,"
            + " 128 quarantined"));
    assertThat(out, containsString("ERROR   seismic.sample_rate: 128 of 156 failed"));
    JsonNode report;
    try (Stream<Path> s = Files.list(lake.resolve("reports/validation"))) {
      report = MAPPER.readTree(s.findFirst().get().resolve("report.json").toFile());
    }
    assertThat(rule(report, "seismic.sample_rate").get("examples").toString(), equalTo("[200.0]"));
    assertThat(
        rule(report, "seismic.gaps").get("failed").asLong()
            + rule(report, "seismic.overlaps").get("failed").asLong(),
        equalTo(5L));
    assertThat(rule(report, "seismic.null_trace").get("failed").asLong(), equalTo(0L));
    assertThat(rule(report, "seismic.required_headers").get("failed").asLong(), equalTo(0L));
    List<String> violations = lines(lake.resolve("quarantine/quakes"), "violations");
    assertThat(violations, hasSize(128));
    assertThat(violations.get(0), containsString("\"source_file\""));
    assertThat(violations.get(0).contains("\"samples\""), equalTo(false));
  }

  static List<String> lines(Path dir, String prefix) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f :
          s.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toList())) {
        for (String l : Files.readAllLines(f)) {
          if (!l.isBlank()) {
            lines.add(l);
          }
        }
      }
    }
    return lines;
  }

  static long parquetRows(Path dir) throws Exception {
    long n = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toList())) {
        try (ParquetReader<GenericRecord> r =
            AvroParquetReader.<GenericRecord>builder(
                    HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))
                .build()) {
          while (r.read() != null) {
            n++;
          }
        }
      }
    }
    return n;
  }
}
