package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class RulesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final String EXAMPLE =
      String.join(
          "\n",
          "columns:",
          "  price:",
          "    - {rule: not_null}",
          "    - {rule: min, value: 0, exclusive: true}",
          "    - {rule: max, value: 1000000, severity: warn}",
          "  side:",
          "    - {rule: in, values: [buy, sell]}",
          "  symbol:",
          "    - {rule: regex, pattern: \"^[A-Z]{3,10}$\"}",
          "dataset:",
          "  - {rule: row_count, min: 1}",
          "  - {rule: completeness, column: price, min: 0.99}",
          "  - {rule: freshness, column: ts_event, max_age: PT24H}",
          "  - {rule: unique, columns: [ts_event, seq]}",
          "seismic:",
          "  - {rule: null_trace}",
          "  - {rule: amplitude, max: 1.0e6}",
          "  - {rule: sample_rate, value: 100, tolerance: 0.001}",
          "  - {rule: gaps, tolerance: 0.005}",
          "  - {rule: overlaps}",
          "  - {rule: required_headers, headers: [network, station, channel]}",
          "");

  private static String error(String yaml) {
    return assertThrows(RulesException.class, () -> Rules.parse(yaml, "rules.yaml")).getMessage();
  }

  @Test
  public void parse_example_givesIdsLevelsLinesAndParameters() {
    Rules rules = Rules.parse(EXAMPLE, "rules.yaml");
    List<String> ids = rules.rules().stream().map(r -> r.id() + "@" + r.line()).collect(Collectors.toList());
    assertThat(
        ids,
        contains(
            "price.not_null@3",
            "price.min@4",
            "price.max@5",
            "side.in@7",
            "symbol.regex@9",
            "dataset.row_count@11",
            "dataset.completeness@12",
            "dataset.freshness@13",
            "dataset.unique@14",
            "seismic.null_trace@16",
            "seismic.amplitude@17",
            "seismic.sample_rate@18",
            "seismic.gaps@19",
            "seismic.overlaps@20",
            "seismic.required_headers@21"));
    dev.sediment.transforms.validate.Rule min = rules.rules().get(1);
    assertThat(min.level(), equalTo(dev.sediment.transforms.validate.Rule.Level.COLUMN));
    assertThat(min.column(), equalTo("price"));
    assertThat(min.name(), equalTo("min"));
    assertThat(min.severity(), equalTo(dev.sediment.transforms.validate.Rule.Severity.ERROR));
    assertThat(min.number("value"), equalTo(new BigDecimal("0")));
    assertThat(min.flag("exclusive"), equalTo(true));
    assertThat(rules.rules().get(2).severity(), equalTo(dev.sediment.transforms.validate.Rule.Severity.WARN));
    assertThat(rules.rules().get(3).list("values"), contains("buy", "sell"));
    assertThat(rules.rules().get(4).string("pattern"), equalTo("^[A-Z]{3,10}$"));
    assertThat(rules.rules().get(6).column(), equalTo("price"));
    assertThat(rules.rules().get(6).number("min"), equalTo(new BigDecimal("0.99")));
    assertThat(rules.rules().get(7).param("max_age"), equalTo(Duration.ofHours(24)));
    assertThat(rules.rules().get(8).column(), nullValue());
    assertThat(rules.rules().get(8).list("columns"), contains("ts_event", "seq"));
    assertThat(rules.rules().get(10).number("max").compareTo(new BigDecimal("1000000")), equalTo(0));
    assertThat(rules.rules().get(11).number("tolerance"), equalTo(new BigDecimal("0.001")));
    assertThat(rules.rules().get(14).list("headers"), contains("network", "station", "channel"));
    assertThat(rules.rules().get(14).level(), equalTo(dev.sediment.transforms.validate.Rule.Level.SEISMIC));
  }

  @Test
  public void parse_sameRuleTwice_numbersIdsAndHonoursNames() {
    Rules rules =
        Rules.parse(
            "dataset:\n"
                + "  - {rule: completeness, column: a, min: 0.5}\n"
                + "  - {rule: completeness, column: b, min: 0.5}\n"
                + "  - {rule: completeness, column: c, min: 0.5, name: c_complete}\n"
                + "  - {rule: completeness, column: d, min: 0.5}\n",
            "r.yaml");
    assertThat(
        rules.rules().stream().map(r -> r.id()).collect(Collectors.toList()),
        contains("dataset.completeness", "dataset.completeness#2", "c_complete", "dataset.completeness#3"));
  }

  @Test
  public void parse_duplicateName_isRejected() {
    assertThat(
        error("dataset:\n  - {rule: row_count, min: 1, name: x}\n  - {rule: row_count, max: 5, name: x}\n"),
        equalTo(
            "rules.yaml:3: rule id 'x' is already used by the rule on line 2; give this rule a unique 'name'"));
  }

  @Test
  public void parse_unknownKey_namesKeyAndAllowedKeys() {
    assertThat(
        error("columns:\n  price:\n    - {rule: min, value: 0}\n    - rule: min\n      value: 1\n      exclusiv: true\n"),
        equalTo(
            "rules.yaml:6: unknown key 'exclusiv' in rule 'min' of column 'price'; allowed: rule, value, exclusive, severity, name"));
  }

  @Test
  public void parse_wrongType_namesValue() {
    assertThat(
        error("seismic:\n  - rule: sample_rate\n    value: abc\n"),
        equalTo("rules.yaml:3: 'value' must be a number, not 'abc'"));
    assertThat(
        error("columns:\n  p:\n    - {rule: min, value: abc}\n"),
        equalTo(
            "rules.yaml:3: 'value' must be a number or an ISO-8601 date or timestamp (2026-01-31, 2026-01-31T12:00:00Z), not 'abc'"));
    assertThat(
        error("columns:\n  p:\n    - {rule: min, value: 1, exclusive: maybe}\n"),
        equalTo("rules.yaml:3: 'exclusive' must be true or false, not 'maybe'"));
    assertThat(
        error("columns:\n  p:\n    - {rule: type, value: integer}\n"),
        equalTo(
            "rules.yaml:3: 'value' must be one of string, int, long, float, double, boolean, date, timestamp, decimal, not 'integer'"));
    assertThat(
        error("columns:\n  p:\n    - {rule: not_null, severity: fatal}\n"),
        equalTo("rules.yaml:3: 'severity' must be error or warn, not 'fatal'"));
  }

  @Test
  public void parse_unknownRule_listsAllowedRules() {
    assertThat(
        error("columns:\n  p:\n    - {rule: positive}\n"),
        equalTo(
            "rules.yaml:3: unknown column rule 'positive'; allowed: type, not_null, min, max, in, regex, length, unique"));
    assertThat(
        error("dataset:\n  - rule: rowcount\n"),
        equalTo(
            "rules.yaml:2: unknown dataset rule 'rowcount'; allowed: row_count, completeness, freshness, schema, unique"));
  }

  @Test
  public void parse_missingParameter_namesIt() {
    assertThat(
        error("dataset:\n  - {rule: row_count, min: 1}\n  - {rule: completeness, column: price}\n"),
        equalTo(
            "rules.yaml:3: dataset rule 'completeness' needs 'min'; allowed: rule, column, min, severity, name"));
    assertThat(
        error("columns:\n  p:\n    - {value: 3}\n"),
        equalTo(
            "rules.yaml:3: a rule of column 'p' needs the key 'rule'; allowed rules: type, not_null, min, max, in, regex, length, unique"));
    assertThat(
        error("columns:\n  p:\n    - {rule: length}\n"),
        equalTo("rules.yaml:3: rule 'length' of column 'p' needs 'min' or 'max' or both"));
  }

  @Test
  public void parse_duplicateKey_isRejected() {
    assertThat(
        error("columns:\n  p:\n    - rule: min\n      value: 1\n      value: 2\n"),
        equalTo("rules.yaml:5: duplicate key 'value'"));
    assertThat(
        error("columns:\n  p: []\ncolumns:\n  q: []\n"),
        equalTo("rules.yaml:3: duplicate key 'columns'"));
  }

  @Test
  public void parse_notAMapping_isRejected() {
    assertThat(
        error("columns:\n  p:\n    - not_null\n"),
        equalTo("rules.yaml:3: a rule of column 'p' must be a mapping (key: value), not 'not_null'"));
    assertThat(
        error("- a\n- b\n"),
        equalTo("rules.yaml:1: the rules file must be a mapping (key: value), not a list"));
    assertThat(
        error("dataset:\n  rule: row_count\n"),
        equalTo("rules.yaml:2: 'dataset' must be a list (- item), not a mapping"));
  }

  @Test
  public void parse_unknownTopLevelKey_isRejected() {
    assertThat(
        error("columns: {}\ndatasets:\n  - {rule: row_count, min: 1}\n"),
        equalTo("rules.yaml:2: unknown top-level key 'datasets'; allowed: columns, dataset, seismic"));
  }

  @Test
  public void parse_badRegexDurationRatioAndMinOverMax_areRejected() {
    assertThat(
        error("columns:\n  s:\n    - {rule: regex, pattern: \"[A-Z\"}\n"),
        equalTo(
            "rules.yaml:3: 'pattern' is not a valid RE2 regular expression: missing closing ] `[A-Z` in '[A-Z'"));
    assertThat(
        error("dataset:\n  - {rule: freshness, column: ts, max_age: 24h}\n"),
        equalTo(
            "rules.yaml:2: 'max_age' must be an ISO-8601 duration such as PT24H, PT30M or P2D, not '24h'"));
    assertThat(
        error("dataset:\n  - {rule: completeness, column: ts, min: 1.5}\n"),
        equalTo("rules.yaml:2: 'min' must be a ratio in [0, 1], not '1.5'"));
    assertThat(
        error("dataset:\n  - rule: row_count\n    min: 10\n    max: 2\n"),
        equalTo("rules.yaml:3: 'min' 10 is greater than 'max' 2"));
    assertThat(
        error("columns:\n  p:\n    - {rule: min, value: 10}\n    - {rule: max, value: 5.5}\n"),
        equalTo("rules.yaml:4: 'min' 10 of column 'p' is greater than 'max' 5.5"));
    assertThat(
        error("columns:\n  s:\n    - {rule: length, min: -1}\n"),
        equalTo("rules.yaml:3: 'min' must be a whole number >= 0, not '-1'"));
  }

  @Test
  public void parse_tabsAndGarbage_areRejectedWithLine() {
    assertThat(
        error("columns:\n  p:\n\t- {rule: not_null}\n"),
        startsWith("rules.yaml:3: not valid YAML: "));
    assertThat(error("columns: [a, b\n"), startsWith("rules.yaml:2: not valid YAML: "));
    assertThat(error(""), startsWith("rules.yaml:1: the rules file is empty"));
  }

  @Test
  public void parse_javaTypeTag_isRejectedWithoutConstruction() {
    String yaml =
        "columns:\n  p:\n    - rule: not_null\n      x: !!javax.script.ScriptEngineManager"
            + " [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n";
    assertThat(
        error(yaml),
        equalTo(
            "rules.yaml:4: not valid YAML: Global tag is not allowed:"
                + " tag:yaml.org,2002:javax.script.ScriptEngineManager"));
    assertThat(
        error("columns:\n  p:\n    - {rule: min, value: !custom 5}\n"),
        equalTo(
            "rules.yaml:3: type tag '!custom' is not allowed;"
                + " allowed: plain maps, lists, strings, numbers, booleans, dates and null"));
  }

  @Test
  public void parse_billionLaughs_isRejected() {
    StringBuilder b = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      b.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    String message = error(b.toString());
    assertThat(message, startsWith("rules.yaml:"));
    assertThat(message, containsString("aliases"));
  }

  @Test
  public void load_readsThroughFileSystems() throws Exception {
    Path f = tmp.newFile("rules.yaml").toPath();
    Files.write(f, EXAMPLE.getBytes(StandardCharsets.UTF_8));
    Rules rules = Rules.load(f.toString());
    assertThat(rules.rules().size(), equalTo(15));
    assertThat(rules.source(), equalTo(f.toString()));
    assertThat(rules.toYaml(), equalTo(EXAMPLE));
  }

  @Test
  public void checkAgainst_missingColumnAndUnfitType_nameRuleAndLine() {
    Schema schema =
        Schema.builder()
            .addNullableField("price", Schema.FieldType.DOUBLE)
            .addBooleanField("flag")
            .addStringField("s")
            .build();
    Rules missing = Rules.parse("columns:\n  volume:\n    - {rule: not_null}\n", "r.yaml");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> missing.checkAgainst(schema)).getMessage(),
        equalTo(
            "rule 'volume.not_null' (r.yaml:3) names column 'volume', which is not in the schema; columns: price, flag, s"));
    Rules minOnBool = Rules.parse("columns:\n  flag:\n    - {rule: min, value: 0}\n", "r.yaml");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> minOnBool.checkAgainst(schema)).getMessage(),
        equalTo(
            "rule 'flag.min' (r.yaml:3) does not fit column 'flag' of type BOOLEAN: 'min' needs a numeric column for a numeric bound"));
    Rules lengthOnNumber = Rules.parse("columns:\n  price:\n    - {rule: length, max: 3}\n", "r.yaml");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> lengthOnNumber.checkAgainst(schema)).getMessage(),
        equalTo(
            "rule 'price.length' (r.yaml:3) does not fit column 'price' of type DOUBLE: 'length' needs a string, bytes, array or list column"));
    Rules freshOnString = Rules.parse("dataset:\n  - {rule: freshness, column: s, max_age: P1D}\n", "r.yaml");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> freshOnString.checkAgainst(schema)).getMessage(),
        equalTo(
            "rule 'dataset.freshness' (r.yaml:2) does not fit column 's' of type STRING: 'freshness' needs a date or timestamp column"));
    Rules seismic = Rules.parse("seismic:\n  - {rule: gaps}\n", "r.yaml");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> seismic.checkAgainst(schema)).getMessage(),
        equalTo(
            "rule 'seismic.gaps' (r.yaml:2) needs the trace field 'network', which is not in the schema: seismic rules read rows of SeismicTrace.avsc"));
  }

  @Test
  public void load_missingFile_isARulesException_andRulesAreSerializable() throws Exception {
    String path = tmp.getRoot().toPath().resolve("absent.yaml").toString();
    RulesException e = assertThrows(RulesException.class, () -> Rules.load(path));
    assertThat(e.getMessage(), startsWith(path + ":0: cannot read the rules file: "));
    Rules rules = Rules.parse(EXAMPLE, "rules.yaml");
    assertThat(
        org.apache.beam.sdk.util.SerializableUtils.clone(rules).rules(), equalTo(rules.rules()));
  }
}
