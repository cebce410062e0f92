package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import org.junit.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Scalars of the rules file read back by SnakeYAML as the same values. */
public class RulesYamlTest {
  private static Object load(String scalar) {
    Map<String, Object> m =
        new Yaml(new SafeConstructor(new LoaderOptions())).load("v: " + scalar + "\n");
    return m.get("v");
  }

  @Test
  public void number_parsesBackExactly() {
    double[] values = {
      0.0, -0.5, 1.0E10, 1.0E-10, 123456.789, Double.MAX_VALUE, Double.MIN_VALUE, 0.1 + 0.2, -3e300
    };
    for (double d : values) {
      assertThat(RulesYaml.number(d), load(RulesYaml.number(d)), equalTo((Object) d));
    }
    assertThat(RulesYaml.number(1.0E10), equalTo("1.0E+10"));
    assertThat(load(RulesYaml.number(Double.POSITIVE_INFINITY)), equalTo(Double.POSITIVE_INFINITY));
    assertThat(load(RulesYaml.number(Double.NEGATIVE_INFINITY)), equalTo(Double.NEGATIVE_INFINITY));
  }

  @Test
  public void quote_everyStringReadsBackUnchanged() {
    String[] values = {
      "plain", "", "yes", "null", "2026-02-03", "1.5", "a \"q\" \\ b", "tab\there\nnew line",
      "\u0001\u007f\u0085\u009f", "caf\u00e9 \uD83D\uDE00", "#not a comment", "- [x]: {y}", "\uFEFFbom"
    };
    for (String s : values) {
      assertThat(s, load(RulesYaml.quote(s)), equalTo((Object) s));
    }
    assertThat(RulesYaml.quote("a\"b"), equalTo("\"a\\\"b\""));
  }

  @Test
  public void key_bareOnlyWhenYamlReadsItAsThatString() {
    assertThat(RulesYaml.key("price"), equalTo("price"));
    assertThat(RulesYaml.key("ts_event"), equalTo("ts_event"));
    assertThat(RulesYaml.key("yes"), equalTo("\"yes\""));
    assertThat(RulesYaml.key("Off"), equalTo("\"Off\""));
    assertThat(RulesYaml.key("null"), equalTo("\"null\""));
    Map<String, Object> m =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(RulesYaml.key("on") + ": 1\n" + RulesYaml.key("n") + ": 2\n");
    assertThat(m, equalTo(Map.of("on", 1, "n", 2)));
  }
}
