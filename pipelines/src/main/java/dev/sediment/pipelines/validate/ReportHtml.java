package dev.sediment.pipelines.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a validation report ({@code report.json}) as one self-contained HTML page.
 *
 * <pre>{@code
 * JsonNode report = new ObjectMapper().readTree(reportJson);
 * String html = ReportHtml.render(report);
 * }</pre>
 *
 * <p>The page has inline CSS only: no script, no external resource, so it opens from {@code
 * file://} and from an e-mail attachment. It is also well-formed XML (XHTML syntax), so tools can
 * parse it. Every string taken from the report is escaped, since rule ids, column names and
 * example values come from user data. Missing optional fields render as empty cells; only an
 * object at the top is required. The output is deterministic: the same report gives the same
 * bytes.
 */
public final class ReportHtml {

  private static final String CSS =
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222}"
          + "h1{font-size:1.5em;margin-bottom:0.2em}"
          + "h2{font-size:1.2em;margin-top:1.6em}"
          + ".meta{color:#555;margin:0 0 1em 0}"
          + ".meta td{padding:0 1em 0 0}"
          + ".banner{padding:0.8em 1em;border-radius:4px;font-weight:bold;margin:1em 0}"
          + ".banner.passed{background:#e3f4e1;border:1px solid #5a9e4f;color:#24591b}"
          + ".banner.failed{background:#fbe3e1;border:1px solid #c2453a;color:#7d1e16}"
          + ".banner ul{margin:0.4em 0 0 0;font-weight:normal}"
          + "table.data{border-collapse:collapse;margin:0.5em 0}"
          + "table.data th,table.data td{border:1px solid #ccc;padding:0.25em 0.6em;"
          + "text-align:left;vertical-align:top}"
          + "table.data th{background:#f2f2f2}"
          + "td.num{text-align:right;font-variant-numeric:tabular-nums}"
          + "tr.fail td.mark{color:#b3261e;font-weight:bold}"
          + "tr.warn td.mark{color:#9a6700;font-weight:bold}"
          + "tr.pass td.mark{color:#2e7d32;font-weight:bold}"
          + "code{background:#f6f6f6;padding:0 0.2em;word-break:break-all}"
          + ".none{color:#777}";

  /** Column-summary keys shown first, in this order; any other key follows. */
  private static final List<String> COLUMN_KEYS =
      List.of("column", "type", "count", "nulls", "min", "max");

  private ReportHtml() {}

  /**
   * Renders {@code report} (the shape {@code ValidationReport.toJson()} writes, plus the CLI's
   * {@code run_id}, {@code dataset}, {@code rules_file}, {@code input}, {@code format}, {@code
   * started_at}, {@code finished_at}).
   *
   * @throws IllegalArgumentException if {@code report} is not a JSON object
   */
  public static String render(JsonNode report) {
    if (report == null || !report.isObject()) {
      throw new IllegalArgumentException(
          "a validation report must be a JSON object, was "
              + (report == null ? "null" : report.getNodeType()));
    }
    StringBuilder h = new StringBuilder(8192);
    String dataset = text(report, "dataset");
    String runId = text(report, "run_id");
    String title = "Validation report";
    if (dataset != null) {
      title += ": " + dataset;
    }
    if (runId != null) {
      title += " (run " + runId + ")";
    }
    h.append("<!DOCTYPE html>\n")
        .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n")
        .append("<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n");
    meta(h, report);
    banner(h, report);
    totals(h, report);
    rules(h, report.path("rules"));
    columns(h, report.path("columns"), report.path("rules"));
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void meta(StringBuilder h, JsonNode report) {
    String[][] fields = {
      {"dataset", "Dataset"},
      {"run_id", "Run"},
      {"rules_file", "Rules file"},
      {"input", "Input"},
      {"format", "Format"},
      {"started_at", "Started"},
      {"finished_at", "Finished"}
    };
    StringBuilder rows = new StringBuilder();
    for (String[] f : fields) {
      String v = text(report, f[0]);
      if (v != null) {
        rows.append("<tr><td>")
            .append(f[1])
            .append("</td><td><code>")
            .append(escape(v))
            .append("</code></td></tr>\n");
      }
    }
    if (rows.length() > 0) {
      h.append("<table class=\"meta\">\n").append(rows).append("</table>\n");
    }
  }

  private static void banner(StringBuilder h, JsonNode report) {
    List<String> failingDataset = new ArrayList<>();
    boolean anyErrorFailed = false;
    for (JsonNode r : report.path("rules")) {
      if (isFailed(r) && "error".equals(severity(r))) {
        anyErrorFailed = true;
        if ("dataset".equals(text(r, "level"))) {
          String id = text(r, "rule");
          failingDataset.add(id == null ? "(unnamed rule)" : id);
        }
      }
    }
    JsonNode passedNode = report.get("passed");
    boolean passed =
        passedNode != null && passedNode.isBoolean() ? passedNode.asBoolean() : !anyErrorFailed;
    long quarantined = count(report, "records_quarantined");
    h.append("<div class=\"banner ")
        .append(passed ? "passed" : "failed")
        .append("\">")
        .append(passed ? "PASSED" : "FAILED");
    if (quarantined > 0) {
      h.append(": ")
          .append(group(quarantined))
          .append(quarantined == 1 ? " record" : " records")
          .append(" quarantined");
    }
    if (!failingDataset.isEmpty()) {
      h.append("\n<ul>");
      for (String id : failingDataset) {
        h.append("<li>dataset rule <code>").append(escape(id)).append("</code> failed</li>");
      }
      h.append("</ul>\n");
    }
    h.append("</div>\n");
  }

  private static void totals(StringBuilder h, JsonNode report) {
    String[][] fields = {
      {"records_in", "Records in"},
      {"records_valid", "Valid"},
      {"records_quarantined", "Quarantined"},
      {"records_warned", "Passed with warnings"},
      {"records_unparsed", "Unparsed (did not parse, quarantined before validation)"}
    };
    h.append("<h2>Totals</h2>\n<table class=\"data\">\n");
    for (String[] f : fields) {
      JsonNode v = report.get(f[0]);
      if (v == null || v.isNull()) {
        v = report.path("totals").get(f[0]);
      }
      h.append("<tr><th>")
          .append(f[1])
          .append("</th><td class=\"num\">")
          .append(countCell(v))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void rules(StringBuilder h, JsonNode rules) {
    h.append("<h2>Rules</h2>\n");
    if (!rules.isArray() || rules.isEmpty()) {
      h.append("<p class=\"none\">No rules were checked.</p>\n");
      return;
    }
    int failed = 0;
    for (JsonNode r : rules) {
      if (isFailed(r)) {
        failed++;
      }
    }
    h.append("<p>")
        .append(rules.size())
        .append(rules.size() == 1 ? " rule, " : " rules, ")
        .append(failed)
        .append(" failed.</p>\n")
        .append("<table class=\"data rules\">\n<tr><th>Rule</th><th>Level</th><th>Column</th>")
        .append("<th>Severity</th><th>Checked</th><th>Failed</th><th>Result</th>")
        .append("<th>Observed</th><th>Message</th><th>Examples of failing values</th></tr>\n");
    for (JsonNode r : rules) {
      boolean fail = isFailed(r);
      boolean warn = fail && "warn".equals(severity(r));
      h.append("<tr class=\"")
          .append(fail ? (warn ? "warn" : "fail") : "pass")
          .append("\"><td><code>")
          .append(escape(orEmpty(text(r, "rule"))))
          .append("</code></td><td>")
          .append(escape(orEmpty(text(r, "level"))))
          .append("</td><td>")
          .append(escape(orEmpty(text(r, "column"))))
          .append("</td><td>")
          .append(escape(severity(r)))
          .append("</td><td class=\"num\">")
          .append(countCell(r.get("checked")))
          .append("</td><td class=\"num\">")
          .append(countCell(r.get("failed")))
          .append("</td><td class=\"mark\">")
          .append(fail ? (warn ? "\u26a0 warn" : "\u2717 fail") : "\u2713 pass")
          .append("</td><td>")
          .append(cell(r.get("observed")))
          .append("</td><td>")
          .append(escape(orEmpty(text(r, "message"))))
          .append("</td><td>");
      JsonNode examples = r.path("examples");
      if (examples.isArray()) {
        boolean first = true;
        for (JsonNode e : examples) {
          if (!first) {
            h.append(", ");
          }
          first = false;
          h.append("<code>").append(escape(value(e))).append("</code>");
        }
      }
      h.append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void columns(StringBuilder h, JsonNode columns, JsonNode rules) {
    h.append("<h2>Columns</h2>\n");
    if (!columns.isArray() || columns.isEmpty()) {
      h.append("<p class=\"none\">No column summary.</p>\n");
      return;
    }
    // Rules and failed values per column, from the rules list.
    Map<String, long[]> perColumn = new LinkedHashMap<>();
    for (JsonNode r : rules) {
      String c = text(r, "column");
      if (c != null) {
        long[] a = perColumn.computeIfAbsent(c, k -> new long[2]);
        a[0]++;
        if (isFailed(r)) {
          a[1]++;
        }
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    for (String k : COLUMN_KEYS) {
      for (JsonNode c : columns) {
        if (c.has(k)) {
          keys.add(k);
          break;
        }
      }
    }
    for (JsonNode c : columns) {
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
    }
    h.append("<table class=\"data columns\">\n<tr>");
    for (String k : keys) {
      h.append("<th>").append(escape(k)).append("</th>");
    }
    h.append("<th>rules</th><th>rules failed</th></tr>\n");
    for (JsonNode c : columns) {
      h.append("<tr>");
      for (String k : keys) {
        JsonNode v = c.get(k);
        boolean num = v != null && v.isNumber();
        h.append(num ? "<td class=\"num\">" : "<td>")
            .append(k.equals("count") || k.equals("nulls") ? countCell(v) : cell(v))
            .append("</td>");
      }
      String name = text(c, "column");
      long[] a = name == null ? null : perColumn.get(name);
      h.append("<td class=\"num\">")
          .append(a == null ? 0 : a[0])
          .append("</td><td class=\"num\">")
          .append(a == null ? 0 : a[1])
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static boolean isFailed(JsonNode rule) {
    JsonNode passed = rule.get("passed");
    if (passed != null && passed.isBoolean()) {
      return !passed.asBoolean();
    }
    return rule.path("failed").asLong(0) > 0;
  }

  private static String severity(JsonNode rule) {
    String s = text(rule, "severity");
    return s == null ? "error" : s;
  }

  private static long count(JsonNode report, String field) {
    JsonNode v = report.get(field);
    if (v == null || v.isNull()) {
      v = report.path("totals").get(field);
    }
    return v == null ? 0 : v.asLong(0);
  }

  /** A field as text, or null when it is missing or JSON null. */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** An escaped table cell: empty for missing or null values. */
  private static String cell(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    return escape(value(v));
  }

  /** A count: integers with thousands separators; anything else as {@link #cell}. */
  private static String countCell(JsonNode v) {
    if (v != null && v.isIntegralNumber() && v.canConvertToLong()) {
      return group(v.asLong());
    }
    return cell(v);
  }

  /** A data value as it is: strings bare, numbers and others as their JSON text. */
  private static String value(JsonNode v) {
    return v.isTextual() ? v.asText() : v.toString();
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * Escapes text for HTML element content and attribute values. Characters XML does not allow
   * (control characters, lone surrogates) become U+FFFD so the page stays well-formed.
   */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          b.append("&amp;");
          break;
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
              || Character.isSurrogate(c)
              || c == 0xFFFE
              || c == 0xFFFF) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
      }
    }
    return b.toString();
  }
}
