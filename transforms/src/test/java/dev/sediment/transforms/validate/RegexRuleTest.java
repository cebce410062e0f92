package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code regex} rules run on RE2 (re2j): linear in the value, so a pattern that makes a
 * backtracking engine take exponential time finishes; constructs RE2 lacks fail at load time
 * naming the rules file's line.
 */
public class RegexRuleTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final String CATASTROPHIC = "(.*a){25}x";

  private static Checks.RegexCheck check(String pattern) {
    Rules rules =
        Rules.parse("columns:\n  text:\n    - {rule: regex, pattern: \"" + pattern + "\"}\n", "r.yaml");
    return new Checks.RegexCheck(0, rules.rules().get(0), 0);
  }

  private static String error(String yaml) {
    return assertThrows(RulesException.class, () -> Rules.parse(yaml, "rules.yaml")).getMessage();
  }

  @Test
  public void catastrophicPattern_onLongValues_givesTheAnswer() {
    // java.util.regex took 185 s on three 30-character values of this pattern; each added
    // character multiplies its time. RE2's is linear in the value.
    Checks.RegexCheck c = check(CATASTROPHIC);
    for (int n : new int[] {30, 100, 10_000}) {
      String noX = "a".repeat(n);
      assertThat(c.test(noX), equalTo("\"" + noX + "\" does not match " + CATASTROPHIC));
      assertThat(c.test(noX + "x"), equalTo(null));
    }
    assertThat(c.test("a".repeat(24) + "x"), equalTo("\"" + "a".repeat(24) + "x\" does not match " + CATASTROPHIC));
  }

  @Test
  public void catastrophicPattern_inAPipeline_quarantinesTheLongValues() {
    Schema s = Schema.builder().addNullableField("text", Schema.FieldType.STRING).build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(Row.withSchema(s).addValue("a".repeat(2_000 + i)).build());
    }
    Row good = Row.withSchema(s).addValue("a".repeat(40) + "x").build();
    rows.add(good);
    PCollection<Row> in = p.apply(Create.of(rows).withRowSchema(s));
    ValidationResult r =
        in.apply(
            Validate.against(
                Rules.parse(
                    "columns:\n  text:\n    - {rule: regex, pattern: \"" + CATASTROPHIC + "\"}\n",
                    "r.yaml")));
    PAssert.that(r.valid()).containsInAnyOrder(good);
    PAssert.thatSingleton(r.report())
        .satisfies(
            rep -> {
              RuleOutcome o = ValidateTest.outcome(rep, "text.regex");
              assertThat(o.checked(), equalTo(4L));
              assertThat(o.failed(), equalTo(3L));
              assertThat(rep.recordsQuarantined(), equalTo(3L));
              return null;
            });
    p.run();
  }

  @Test
  public void re2Semantics_searchAnywhere_classesAndFlags() {
    assertThat(check("[0-9]+").test("order 42"), equalTo(null));
    assertThat(check("^[A-Z]{3,10}$").test("ABC"), equalTo(null));
    assertThat(check("^[A-Z]{3,10}$").test("AB"), equalTo("\"AB\" does not match ^[A-Z]{3,10}$"));
    assertThat(check("(?i)^abc$").test("ABC"), equalTo(null));
    assertThat(check("\\\\p{Greek}").test("α"), equalTo(null));
    assertThat(check("^\\\\d{4}-\\\\d{2}$").test("2026-02"), equalTo(null));
  }

  @Test
  public void backreference_failsAtLoad_namingFileAndLine() {
    assertThat(
        error("columns:\n  a:\n    - {rule: not_null}\n  s:\n    - {rule: regex, pattern: \"(a)\\\\1\"}\n"),
        equalTo(
            "rules.yaml:5: 'pattern' is not a valid RE2 regular expression: invalid escape sequence"
                + " `\\1` in '(a)\\1'; RE2 has no backreferences, lookaround, atomic groups or"
                + " possessive quantifiers: rewrite the pattern without them (docs/validation.md)"));
  }

  @Test
  public void lookaroundAndPossessive_failAtLoad_withTheHint() {
    for (String pattern : new String[] {"a(?=b)", "(?<!x)a", "(?>ab)", "a*+"}) {
      String m =
          error("columns:\n  s:\n    - {rule: regex, pattern: \"" + pattern + "\"}\n");
      assertThat(m, m.startsWith("rules.yaml:3: 'pattern' is not a valid RE2 regular expression: "), equalTo(true));
      assertThat(
          m,
          m.endsWith(
              "; RE2 has no backreferences, lookaround, atomic groups or possessive quantifiers:"
                  + " rewrite the pattern without them (docs/validation.md)"),
          equalTo(true));
    }
  }

  @Test
  public void plainSyntaxError_failsAtLoad_withoutTheHint() {
    assertThat(
        error("columns:\n  s:\n    - {rule: regex, pattern: \"[A-Z\"}\n"),
        equalTo(
            "rules.yaml:3: 'pattern' is not a valid RE2 regular expression: missing closing ]"
                + " `[A-Z` in '[A-Z'"));
  }
}
