package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

public class ReportHtmlTest {

  /** The contract's example, plus a rule id, column and values carrying markup. */
  private static final ValidationReport REPORT =
      ValidationReport.of(
          10,
          7,
          3,
          1,
          0,
          List.of(
              RuleOutcome.of(
                  "price.min",
                  "price",
                  "column",
                  "error",
                  9,
                  2,
                  false,
                  List.of("-5.0", "0", "1234567"),
                  null,
                  "2 of 9 values are not > 0"),
              RuleOutcome.of(
                  "<script>x&y</script>.not_null",
                  "<script>x&y</script>",
                  "column",
                  "warn",
                  10,
                  1,
                  false,
                  List.of("\"<script>alert('&')</script>\"", "null"),
                  null,
                  "1 null"),
              RuleOutcome.of(
                  "dataset.row_count",
                  null,
                  "dataset",
                  "error",
                  1,
                  1,
                  false,
                  List.of(),
                  "10",
                  "10 rows, expected at least 1000"),
              RuleOutcome.of(
                  "dataset.completeness",
                  "price",
                  "dataset",
                  "warn",
                  10,
                  0,
                  true,
                  List.of(),
                  "0.9",
                  "")),
          List.of(
              ColumnSummary.of("price", "DOUBLE", 10, 1, "-5.0", "99.5"),
              ColumnSummary.of("<script>x&y</script>", "STRING", 12000, 1, "\"&a\"", "\"<b>\"")));

  /** The head the CLI puts above a report. */
  private static final Map<String, String> HEAD = head();

  private static Map<String, String> head() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("run_id", "20261123-2130");
    h.put("dataset", "trades");
    h.put("rules_file", "rules.yaml");
    h.put("input", "data/*.csv");
    h.put("format", "csv");
    h.put("started_at", "2026-11-23T21:30:00Z");
    h.put("finished_at", "2026-11-23T21:30:05Z");
    return h;
  }

  private static Document parseXml(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    DocumentBuilder b = f.newDocumentBuilder();
    return b.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  private static String xpath(Document d, String expr) throws Exception {
    XPath x = XPathFactory.newInstance().newXPath();
    return (String) x.evaluate(expr, d, XPathConstants.STRING);
  }

  @Test
  public void render_report_hasTitleBannerTotalsRulesAndColumns() throws Exception {
    String html = ReportHtml.render(REPORT, HEAD);

    assertThat(html, startsWith("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\""));
    assertThat(
        html, containsString("<title>Validation report: trades (run 20261123-2130)</title>"));
    assertThat(html, containsString("<h1>Validation report: trades (run 20261123-2130)</h1>"));
    assertThat(
        html, containsString("<tr><td>Rules file</td><td><code>rules.yaml</code></td></tr>"));
    assertThat(
        html,
        containsString(
            "<div class=\"banner failed\">FAILED: 3 records quarantined\n"
                + "<ul><li>dataset rule <code>dataset.row_count</code> failed</li></ul>\n"
                + "</div>"));
    assertThat(html, containsString("<tr><th>Records in</th><td class=\"num\">10</td></tr>"));
    assertThat(html, containsString("<tr><th>Valid</th><td class=\"num\">7</td></tr>"));
    assertThat(html, containsString("<tr><th>Quarantined</th><td class=\"num\">3</td></tr>"));
    assertThat(
        html, containsString("<tr><th>Passed with warnings</th><td class=\"num\">1</td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr><th>Unparsed (did not parse, quarantined before validation)</th>"
                + "<td class=\"num\">0</td></tr>"));
    assertThat(html, containsString("<p>4 rules, 3 failed.</p>"));
    assertThat(
        html,
        containsString(
            "<tr class=\"fail\"><td><code>price.min</code></td><td>column</td><td>price</td>"
                + "<td>error</td><td class=\"num\">9</td><td class=\"num\">2</td>"
                + "<td class=\"mark\">\u2717 fail</td><td></td>"
                + "<td>2 of 9 values are not &gt; 0</td>"
                + "<td><code>-5.0</code>, <code>0</code>, <code>1234567</code></td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr class=\"fail\"><td><code>dataset.row_count</code></td><td>dataset</td><td></td>"
                + "<td>error</td><td class=\"num\">1</td><td class=\"num\">1</td>"
                + "<td class=\"mark\">\u2717 fail</td><td>10</td>"
                + "<td>10 rows, expected at least 1000</td><td></td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr class=\"pass\"><td><code>dataset.completeness</code></td><td>dataset</td>"
                + "<td>price</td><td>warn</td><td class=\"num\">10</td><td class=\"num\">0</td>"
                + "<td class=\"mark\">\u2713 pass</td><td>0.9</td><td></td><td></td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr><th>column</th><th>type</th><th>count</th><th>nulls</th><th>min</th>"
                + "<th>max</th><th>rules</th><th>rules failed</th></tr>"));
    assertThat(
        html,
        containsString(
            "<tr><td>price</td><td>DOUBLE</td><td class=\"num\">10</td><td class=\"num\">1</td>"
                + "<td class=\"num\">-5.0</td><td class=\"num\">99.5</td>"
                + "<td class=\"num\">2</td><td class=\"num\">1</td></tr>"));
  }

  @Test
  public void render_userStrings_areEscaped() throws Exception {
    String html = ReportHtml.render(REPORT, HEAD);

    assertThat(html, not(containsString("<script")));
    assertThat(html, not(containsString("x&y")));
    assertThat(
        html,
        containsString(
            "<tr class=\"warn\"><td><code>&lt;script&gt;x&amp;y&lt;/script&gt;.not_null</code>"
                + "</td><td>column</td><td>&lt;script&gt;x&amp;y&lt;/script&gt;</td><td>warn</td>"
                + "<td class=\"num\">10</td><td class=\"num\">1</td>"
                + "<td class=\"mark\">\u26a0 warn</td><td></td><td>1 null</td>"
                + "<td><code>&lt;script&gt;alert(&#39;&amp;&#39;)&lt;/script&gt;</code>, "
                + "<code>null</code></td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr><td>&lt;script&gt;x&amp;y&lt;/script&gt;</td><td>STRING</td>"
                + "<td class=\"num\">12,000</td><td class=\"num\">1</td><td>&amp;a</td>"
                + "<td>&lt;b&gt;</td><td class=\"num\">1</td><td class=\"num\">1</td></tr>"));
  }

  @Test
  public void render_isWellFormedXhtml_withTheValuesAsText() throws Exception {
    Document d = parseXml(ReportHtml.render(REPORT, HEAD));

    assertThat(d.getDocumentElement().getTagName(), equalTo("html"));
    assertThat(d.getElementsByTagName("script").getLength(), equalTo(0));
    assertThat(
        xpath(d, "//table[contains(@class,'rules')]/tr[3]/td[1]"),
        equalTo("<script>x&y</script>.not_null"));
    assertThat(
        xpath(d, "//table[contains(@class,'rules')]/tr[3]/td[10]/code[1]"),
        equalTo("<script>alert('&')</script>"));
    NodeList rows = d.getElementsByTagName("tr");
    // 7 meta rows, 5 totals, 1 + 4 rules, 1 + 2 columns.
    assertThat(rows.getLength(), equalTo(20));
  }

  @Test
  public void render_emptyReportWithoutHead_rendersPassedPage() throws Exception {
    String html = ReportHtml.render(ValidationReport.of(0, 0, 0, 0, 0, List.of(), List.of()));

    assertThat(html, containsString("<title>Validation report</title>"));
    assertThat(html, containsString("<div class=\"banner passed\">PASSED</div>"));
    assertThat(html, containsString("<p class=\"none\">No rules were checked.</p>"));
    assertThat(html, containsString("<p class=\"none\">No column summary.</p>"));
    assertThat(html, containsString("<tr><th>Records in</th><td class=\"num\">0</td></tr>"));
    assertThat(html, not(containsString("class=\"meta\"")));
    Document d = parseXml(html);
    assertThat(d.getElementsByTagName("tr").getLength(), equalTo(5));
  }

  @Test
  public void render_failedDatasetErrorRule_failsTheBanner_andNamesOnlyDatasetRules()
      throws Exception {
    String html =
        ReportHtml.render(
            ValidationReport.of(
                2,
                1,
                1,
                0,
                0,
                List.of(
                    RuleOutcome.of(
                        "seismic.gaps", null, "seismic", "error", 0, 1, false, List.of(), null, ""),
                    RuleOutcome.of(
                        "dataset.freshness",
                        null,
                        "dataset",
                        "error",
                        0,
                        1,
                        false,
                        List.of(),
                        null,
                        "")),
                List.of()));

    assertThat(
        html,
        containsString(
            "<div class=\"banner failed\">FAILED: 1 record quarantined\n"
                + "<ul><li>dataset rule <code>dataset.freshness</code> failed</li></ul>\n</div>"));
    assertThat(html, containsString("<tr><th>Records in</th><td class=\"num\">2</td></tr>"));
    assertThat(
        html,
        containsString(
            "<tr class=\"fail\"><td><code>seismic.gaps</code></td><td>seismic</td><td></td>"
                + "<td>error</td><td class=\"num\">0</td><td class=\"num\">1</td>"
                + "<td class=\"mark\">\u2717 fail</td><td></td><td></td><td></td></tr>"));
    parseXml(html);
  }

  @Test
  public void render_controlCharacters_becomeReplacementCharacters() throws Exception {
    String html =
        ReportHtml.render(
            ValidationReport.of(0, 0, 0, 0, 0, List.of(), List.of()),
            Map.of("dataset", "a\u0001b"));

    assertThat(html, containsString("<title>Validation report: a\uFFFDb</title>"));
    parseXml(html);
  }

  @Test
  public void render_headKeysOtherThanTheKnownOnes_areNotShown() throws Exception {
    Map<String, String> head = new LinkedHashMap<>(HEAD);
    head.put("schema", "given");

    assertThat(ReportHtml.render(REPORT, head), equalTo(ReportHtml.render(REPORT, HEAD)));
  }

  @Test
  public void render_values_showAsReportJsonReadsThem() throws Exception {
    // report.json is read with plain Jackson settings: a decimal becomes a double there, and the
    // page has always shown it so.
    String html =
        ReportHtml.render(
            ValidationReport.of(
                1,
                0,
                1,
                0,
                0,
                List.of(
                    RuleOutcome.of(
                        "amount.max",
                        "amount",
                        "column",
                        "error",
                        1,
                        1,
                        false,
                        List.of("12345678901234567890.5", "\"NaN\"", "[1,2]"),
                        null,
                        "")),
                List.of(ColumnSummary.of("amount", "DECIMAL", 1, 0, "1.10", null))));

    assertThat(
        html,
        containsString(
            "<td><code>1.2345678901234567E19</code>, <code>NaN</code>, <code>[1,2]</code></td>"));
    assertThat(
        html,
        containsString(
            "<tr><td>amount</td><td>DECIMAL</td><td class=\"num\">1</td><td class=\"num\">0</td>"
                + "<td class=\"num\">1.1</td><td></td><td class=\"num\">1</td>"
                + "<td class=\"num\">1</td></tr>"));
  }

  @Test(expected = IllegalArgumentException.class)
  public void render_nullReport_isRejected() throws Exception {
    ReportHtml.render(null, HEAD);
  }
}
