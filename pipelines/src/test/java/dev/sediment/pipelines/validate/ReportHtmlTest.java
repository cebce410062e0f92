package dev.sediment.pipelines.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The contract's example, plus a rule id, column and values carrying markup. */
  private static final String REPORT =
      "{\"run_id\":\"20261123-2130\",\"dataset\":\"trades\",\"rules_file\":\"rules.yaml\","
          + "\"input\":\"data/*.csv\",\"format\":\"csv\","
          + "\"started_at\":\"2026-11-23T21:30:00Z\",\"finished_at\":\"2026-11-23T21:30:05Z\","
          + "\"records_in\":10,\"records_valid\":7,\"records_quarantined\":3,"
          + "\"records_warned\":1,\"records_unparsed\":0,"
          + "\"totals\":{\"records_in\":10,\"records_valid\":7,\"records_quarantined\":3},"
          + "\"passed\":false,"
          + "\"rules\":["
          + "{\"rule\":\"price.min\",\"column\":\"price\",\"level\":\"column\",\"severity\":\"error\","
          + "\"checked\":9,\"failed\":2,\"passed\":false,\"examples\":[-5.0,0,1234567],\"observed\":null,"
          + "\"message\":\"2 of 9 values are not > 0\"},"
          + "{\"rule\":\"<script>x&y</script>.not_null\",\"column\":\"<script>x&y</script>\","
          + "\"level\":\"column\",\"severity\":\"warn\",\"checked\":10,\"failed\":1,\"passed\":false,"
          + "\"examples\":[\"<script>alert('&')</script>\",null],\"observed\":null,"
          + "\"message\":\"1 null\"},"
          + "{\"rule\":\"dataset.row_count\",\"level\":\"dataset\",\"severity\":\"error\","
          + "\"checked\":1,\"failed\":1,\"passed\":false,\"examples\":[],\"observed\":10,"
          + "\"message\":\"10 rows, expected at least 1000\"},"
          + "{\"rule\":\"dataset.completeness\",\"column\":\"price\",\"level\":\"dataset\","
          + "\"severity\":\"warn\",\"checked\":10,\"failed\":0,\"passed\":true,\"examples\":[],"
          + "\"observed\":0.9,\"message\":\"\"}],"
          + "\"columns\":[{\"column\":\"price\",\"type\":\"DOUBLE\",\"count\":10,\"nulls\":1,"
          + "\"min\":-5.0,\"max\":99.5},"
          + "{\"column\":\"<script>x&y</script>\",\"type\":\"STRING\",\"count\":12000,\"nulls\":1,"
          + "\"min\":\"&a\",\"max\":\"<b>\"}]}";

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
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
    String html = ReportHtml.render(json(REPORT));

    assertThat(html, startsWith("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\""));
    assertThat(
        html, containsString("<title>Validation report: trades (run 20261123-2130)</title>"));
    assertThat(
        html, containsString("<h1>Validation report: trades (run 20261123-2130)</h1>"));
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
        html,
        containsString("<tr><th>Passed with warnings</th><td class=\"num\">1</td></tr>"));
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
    String html = ReportHtml.render(json(REPORT));

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
    Document d = parseXml(ReportHtml.render(json(REPORT)));

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
  public void render_emptyRulesAndMissingFields_rendersPassedPage() throws Exception {
    String html = ReportHtml.render(json("{\"rules\":[]}"));

    assertThat(html, containsString("<title>Validation report</title>"));
    assertThat(html, containsString("<div class=\"banner passed\">PASSED</div>"));
    assertThat(html, containsString("<p class=\"none\">No rules were checked.</p>"));
    assertThat(html, containsString("<p class=\"none\">No column summary.</p>"));
    assertThat(html, containsString("<tr><th>Records in</th><td class=\"num\"></td></tr>"));
    assertThat(html, not(containsString("class=\"meta\"")));
    Document d = parseXml(html);
    assertThat(d.getElementsByTagName("tr").getLength(), equalTo(5));
  }

  @Test
  public void render_withoutPassedField_failsOnAFailedErrorRule_andReadsTotalsObject()
      throws Exception {
    String html =
        ReportHtml.render(
            json(
                "{\"totals\":{\"records_in\":2,\"records_valid\":1,\"records_quarantined\":1},"
                    + "\"rules\":[{\"rule\":\"seismic.gaps\",\"level\":\"seismic\","
                    + "\"failed\":1},{\"rule\":\"dataset.freshness\",\"level\":\"dataset\","
                    + "\"failed\":1}]}"));

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
                + "<td>error</td><td class=\"num\"></td><td class=\"num\">1</td>"
                + "<td class=\"mark\">\u2717 fail</td><td></td><td></td><td></td></tr>"));
    parseXml(html);
  }

  @Test
  public void render_controlCharacters_becomeReplacementCharacters() throws Exception {
    String html =
        ReportHtml.render(json("{\"dataset\":\"a\\u0001b\",\"rules\":[]}"));

    assertThat(html, containsString("<title>Validation report: a\uFFFDb</title>"));
    parseXml(html);
  }

  @Test(expected = IllegalArgumentException.class)
  public void render_notAnObject_isRejected() throws Exception {
    ReportHtml.render(json("[1]"));
  }
}
