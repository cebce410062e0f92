package dev.sediment.pipelines.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.table.TableIO;
import dev.sediment.pipelines.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code bin/sediment rules infer} through the command line, on the DirectRunner. */
public class RulesInferTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private String out;
  private String err;

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out;
    err = r.err;
    return r.code;
  }

  private Path write(String name, String text) throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  /** The file, with the time in its first line replaced by T. */
  private static String read(Path f) throws Exception {
    return Files.readString(f, StandardCharsets.UTF_8)
        .replaceFirst("(?m)^(# Rules inferred by 'bin/sediment rules infer' at ).*$", "$1T");
  }

  private static final String TRADES =
      "symbol,side,price,qty,ts,day,note\n"
          + "BTC,buy,1.5,2,2026-02-03T09:00:00Z,2026-02-03,\n"
          + "ETH,sell,3.25,1,2026-02-03T09:00:01.5Z,2026-02-03,hello\n"
          + "BTC,buy,1.0E10,3,2026-02-03T10:00:00Z,2026-02-04,\n"
          + "BTC,broken\n"
          + "ETH,buy,-0.5,10,2026-02-03T11:00:00Z,2026-02-04,\"a \"\"q\"\"!\"\n";

  private static final String TRADES_RULES =
      "columns:\n"
          + "  symbol:\n"
          + "    - {rule: type, value: string}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: in, values: [\"BTC\", \"ETH\"]}\n"
          + "  side:\n"
          + "    - {rule: type, value: string}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: in, values: [\"buy\", \"sell\"]}\n"
          + "  price:\n"
          + "    - {rule: type, value: double}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: min, value: -0.5}\n"
          + "    - {rule: max, value: 1.0E+10}\n"
          + "  qty:\n"
          + "    - {rule: type, value: long}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: min, value: 1}\n"
          + "    - {rule: max, value: 10}\n"
          + "  ts:\n"
          + "    - {rule: type, value: timestamp}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: min, value: \"2026-02-03T09:00:00Z\"}\n"
          + "    - {rule: max, value: \"2026-02-03T11:00:00Z\"}\n"
          + "  day:\n"
          + "    - {rule: type, value: date}\n"
          + "    - {rule: not_null}\n"
          + "    - {rule: min, value: \"2026-02-03\"}\n"
          + "    - {rule: max, value: \"2026-02-04\"}\n"
          + "  note:\n"
          + "    - {rule: type, value: string}\n"
          + "    - {rule: length, min: 5, max: 6}\n"
          + "dataset:\n"
          + "  - {rule: row_count, min: 1}\n"
          + "  - {rule: completeness, column: note, min: 0.50}\n"
          + "  - {rule: schema, required: [symbol, side, price, qty, ts, day, note]}\n";

  @Test
  public void csv_smallInput_profiledWhole_exactRules() throws Exception {
    write("trades.csv", TRADES);
    Path rules = tmp.getRoot().toPath().resolve("out/rules.yaml");

    int code =
        run(
            "rules",
            "infer",
            "--input=" + tmp.getRoot() + "/*.csv",
            "--format=csv",
            "--output=" + rules);

    assertThat(err, code, equalTo(0));
    assertThat(
        read(rules),
        equalTo(
            "# Rules inferred by 'bin/sediment rules infer' at T\n"
                + "# from --input="
                + tmp.getRoot()
                + "/*.csv (--format=csv)\n"
                + "# 4 records parsed, all 4 profiled (inputs under 100,000 records are profiled"
                + " whole).\n"
                + "# Bounds, sets and null ratios are the values observed in those records:\n"
                + "# review them before use, since new data may rightly fall outside them.\n"
                + TRADES_RULES));
    assertThat(
        out,
        equalTo(
            "rules infer: 5 records read (1 did not parse, left out), 4 profiled, 7 columns,"
                + " 27 rules written to "
                + rules
                + "\n"));
  }

  @Test
  public void csv_rulesLoadWithSnakeYamlSafeConstructor_inTheContractShape() throws Exception {
    write("trades.csv", TRADES);
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");
    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/*.csv", "--output=" + rules),
        equalTo(0));

    Map<String, Object> doc =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(rules));

    assertThat(doc.keySet(), equalTo(java.util.Set.of("columns", "dataset")));
    @SuppressWarnings("unchecked")
    Map<String, List<Map<String, Object>>> columns =
        (Map<String, List<Map<String, Object>>>) doc.get("columns");
    assertThat(
        List.copyOf(columns.keySet()),
        equalTo(List.of("symbol", "side", "price", "qty", "ts", "day", "note")));
    assertThat(columns.get("price").get(3), equalTo(Map.of("rule", "max", "value", 1.0E10)));
    assertThat(columns.get("price").get(2), equalTo(Map.of("rule", "min", "value", -0.5)));
    assertThat(columns.get("qty").get(3), equalTo(Map.of("rule", "max", "value", 10)));
    assertThat(
        columns.get("ts").get(2), equalTo(Map.of("rule", "min", "value", "2026-02-03T09:00:00Z")));
    assertThat(
        columns.get("symbol").get(2),
        equalTo(Map.of("rule", "in", "values", List.of("BTC", "ETH"))));
    assertThat(
        doc.get("dataset"),
        equalTo(
            List.of(
                Map.of("rule", "row_count", "min", 1),
                Map.of("rule", "completeness", "column", "note", "min", 0.5),
                Map.of(
                    "rule",
                    "schema",
                    "required",
                    List.of("symbol", "side", "price", "qty", "ts", "day", "note")))));
  }

  @Test
  public void jsonl_sampleOne_exactRules() throws Exception {
    write(
        "a.jsonl",
        "{\"id\":1,\"kind\":\"a\",\"v\":0.5,\"ok\":true}\n"
            + "{\"id\":2,\"kind\":\"a\",\"v\":null,\"ok\":false}\n"
            + "{\"id\":3,\"kind\":\"b\",\"ok\":true}\n");
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");

    int code =
        run(
            "rules",
            "infer",
            "--input=" + tmp.getRoot() + "/*.jsonl",
            "--format=jsonl",
            "--sample=1.0",
            "--output=" + rules);

    assertThat(err, code, equalTo(0));
    assertThat(
        read(rules),
        equalTo(
            "# Rules inferred by 'bin/sediment rules infer' at T\n"
                + "# from --input="
                + tmp.getRoot()
                + "/*.jsonl (--format=jsonl)\n"
                + "# 3 records parsed, all 3 profiled (inputs under 100,000 records are profiled"
                + " whole).\n"
                + "# Bounds, sets and null ratios are the values observed in those records:\n"
                + "# review them before use, since new data may rightly fall outside them.\n"
                + "columns:\n"
                + "  id:\n"
                + "    - {rule: type, value: long}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: min, value: 1}\n"
                + "    - {rule: max, value: 3}\n"
                + "  kind:\n"
                + "    - {rule: type, value: string}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: in, values: [\"a\", \"b\"]}\n"
                + "  v:\n"
                + "    - {rule: type, value: double}\n"
                + "    - {rule: min, value: 0.5}\n"
                + "    - {rule: max, value: 0.5}\n"
                + "  ok:\n"
                + "    - {rule: type, value: boolean}\n"
                + "    - {rule: not_null}\n"
                + "dataset:\n"
                + "  - {rule: row_count, min: 1}\n"
                + "  - {rule: completeness, column: v, min: 0.33}\n"
                + "  - {rule: schema, required: [id, kind, v, ok]}\n"));
    assertThat(
        out,
        equalTo(
            "rules infer: 3 records read (0 did not parse, left out), 3 profiled, 4 columns,"
                + " 15 rules written to "
                + rules
                + "\n"));
  }

  @Test
  public void parquet_schemaFromFooter_exactRules() throws Exception {
    org.apache.avro.Schema avro =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Trade\",\"fields\":["
                    + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                    + "{\"name\":\"qty\",\"type\":\"int\"},"
                    + "{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null}]}");
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(
                LocalParquetFile.of(tmp.getRoot().toPath().resolve("a.parquet")))
            .withConf(new Configuration(false))
            .withSchema(avro)
            .build()) {
      for (int i = 0; i < 4; i++) {
        GenericData.Record r = new GenericData.Record(avro);
        r.put("ts", 1_770_000_000_000L + i * 1000L);
        r.put("qty", i * 10);
        r.put("price", i == 3 ? null : 0.25 * i);
        w.write(r);
      }
    }
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");

    int code =
        run(
            "rules",
            "infer",
            "--input=" + tmp.getRoot() + "/*.parquet",
            "--format=parquet",
            "--output=" + rules);

    assertThat(err, code, equalTo(0));
    assertThat(
        read(rules).replaceFirst("(?s)^.*?\ncolumns:", "columns:"),
        equalTo(
            "columns:\n"
                + "  ts:\n"
                + "    - {rule: type, value: timestamp}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: min, value: \"2026-02-02T02:40:00Z\"}\n"
                + "    - {rule: max, value: \"2026-02-02T02:40:03Z\"}\n"
                + "  qty:\n"
                + "    - {rule: type, value: int}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: min, value: 0}\n"
                + "    - {rule: max, value: 30}\n"
                + "  price:\n"
                + "    - {rule: type, value: double}\n"
                + "    - {rule: min, value: 0.0}\n"
                + "    - {rule: max, value: 0.5}\n"
                + "dataset:\n"
                + "  - {rule: row_count, min: 1}\n"
                + "  - {rule: completeness, column: price, min: 0.75}\n"
                + "  - {rule: schema, required: [ts, qty, price]}\n"));
  }

  @Test
  public void largeInput_profilesTheSample_andSaysSo() throws Exception {
    StringBuilder csv = new StringBuilder("n\n");
    for (int i = 0; i < 200; i++) {
      csv.append(i).append('\n');
    }
    write("n.csv", csv.toString());
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");
    RulesInfer.Spec spec =
        RulesInfer.Spec.of(
            tmp.getRoot() + "/n.csv",
            TableIO.Format.CSV,
            "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"n\",\"type\":\"long\"}]}",
            0.5,
            rules.toString(),
            100,
            "2026-11-23T00:00:00Z");
    Pipeline p = Pipeline.create();
    RulesInfer.expand(p, spec);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    RulesInfer.report(spec, result, new PrintStream(summary, true, StandardCharsets.UTF_8));

    assertThat(
        summary.toString(StandardCharsets.UTF_8),
        equalTo(
            "rules infer: 200 records read (0 did not parse, left out), "
                + SAMPLED_OF_200
                + " profiled, 1 columns, 6 rules written to "
                + rules
                + "\n"));
    assertThat(
        Files.readString(rules),
        containsString(
            "# 200 records parsed, " + SAMPLED_OF_200 + " profiled (a --sample=0.5 sample).\n"));
  }

  /** How many of the rows 0..199 the value hash puts under 0.5 (deterministic). */
  private static final long SAMPLED_OF_200 = 110L;

  @Test
  public void withSchema_typesFromTheSchema_notInferred() throws Exception {
    write("a.csv", "code,qty\n007,1\n007,2\n");
    Path avsc =
        write(
            "a.avsc",
            "{\"type\":\"record\",\"name\":\"A\",\"fields\":["
                + "{\"name\":\"code\",\"type\":\"string\"},"
                + "{\"name\":\"qty\",\"type\":[\"null\",\"int\"],\"default\":null}]}");
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");

    int code =
        run(
            "rules",
            "infer",
            "--input=" + tmp.getRoot() + "/*.csv",
            "--schema=" + avsc,
            "--output=" + rules);

    assertThat(err, code, equalTo(0));
    assertThat(
        read(rules).replaceFirst("(?s)^.*?\ncolumns:", "columns:"),
        equalTo(
            "columns:\n"
                + "  code:\n"
                + "    - {rule: type, value: string}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: in, values: [\"007\"]}\n"
                + "  qty:\n"
                + "    - {rule: type, value: int}\n"
                + "    - {rule: not_null}\n"
                + "    - {rule: min, value: 1}\n"
                + "    - {rule: max, value: 2}\n"
                + "dataset:\n"
                + "  - {rule: row_count, min: 1}\n"
                + "  - {rule: schema, required: [code, qty]}\n"));
  }

  @Test
  public void existingOutput_refusedWithOneLine_unlessOverwrite() throws Exception {
    write("trades.csv", TRADES);
    Path rules = write("rules.yaml", "mine\n");

    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/*.csv", "--output=" + rules),
        equalTo(1));
    assertThat(
        err,
        equalTo(
            "sediment rules infer: --output="
                + rules
                + " exists; pass --overwrite=true to replace it\n"));
    assertThat(Files.readString(rules), equalTo("mine\n"));

    assertThat(
        run(
            "rules",
            "infer",
            "--input=" + tmp.getRoot() + "/*.csv",
            "--output=" + rules,
            "--overwrite=true"),
        equalTo(0));
    assertThat(read(rules), containsString(TRADES_RULES));
  }

  @Test
  public void badFormat_exit2() throws Exception {
    write("trades.csv", TRADES);
    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/*.csv", "--format=xml"),
        equalTo(2));
    assertThat(
        err,
        containsString(
            "sediment rules infer: --format=xml is not known; use csv, jsonl or parquet\n"));
  }

  @Test
  public void badSample_exit2() throws Exception {
    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/*.csv", "--sample=1.5"),
        equalTo(2));
    assertThat(err, containsString("--sample=1.5 is not a fraction in (0, 1]"));
  }

  @Test
  public void missingInput_exit1() {
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");
    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/nope/*.csv", "--output=" + rules),
        equalTo(1));
    assertThat(
        err,
        equalTo(
            "sediment rules infer: no file matches --input="
                + tmp.getRoot()
                + "/nope/*.csv; check the path or glob\n"));
    assertThat(Files.exists(rules), equalTo(false));
  }

  @Test
  public void noRecordParses_exit1_nothingWritten() throws Exception {
    write("a.csv", "a,b\n1\n");
    Path rules = tmp.getRoot().toPath().resolve("rules.yaml");
    assertThat(
        run("rules", "infer", "--input=" + tmp.getRoot() + "/*.csv", "--output=" + rules),
        equalTo(1));
    assertThat(
        err,
        equalTo(
            "sediment rules infer: no record of --input="
                + tmp.getRoot()
                + "/*.csv parsed (1 did not): no rules written\n"));
    assertThat(Files.exists(rules), equalTo(false));
  }

  @Test
  public void help_rulesGroupAndSubCommand() {
    assertThat(run("help"), equalTo(0));
    assertThat(out, containsString("  rules infer    Infer a starter rules file"));

    assertThat(run("rules", "--help"), equalTo(0));
    assertThat(out, containsString("Usage: bin/sediment rules SUBCOMMAND"));
    assertThat(out, containsString("  rules infer    Infer a starter rules file"));

    assertThat(run("help", "rules", "infer"), equalTo(0));
    assertThat(out, containsString("Usage: bin/sediment rules infer --input=GLOB"));

    assertThat(run("rules", "infer", "--help"), equalTo(0));
    assertThat(out, containsString("Usage: bin/sediment rules infer --input=GLOB"));
    assertThat(out, containsString("--sample=VALUE"));
    assertThat(out, containsString("Default: 0.01."));
    assertThat(out, containsString("--overwrite=VALUE"));
    assertThat(out, not(containsString("--lake=VALUE")));
  }

  @Test
  public void rulesWithoutOrWithUnknownSubCommand_exit2() {
    assertThat(run("rules"), equalTo(2));
    assertThat(
        err,
        equalTo(
            "sediment: rules needs a sub-command; use one of: infer. Run 'bin/sediment rules"
                + " --help'.\n"));
    assertThat(run("rules", "check"), equalTo(2));
    assertThat(err, containsString("sediment: rules has no sub-command 'check'"));
  }
}
