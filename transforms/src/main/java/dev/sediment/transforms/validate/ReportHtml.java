package dev.sediment.transforms.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Renders a {@link ValidationReport} as one self-contained HTML page.
 *
 * <pre>{@code
 * String html = ReportHtml.render(report, Map.of("dataset", "trades", "run_id", runId));
 * }</pre>
 *
 * <p>The page has inline CSS only: no script, no external resource, so it opens from {@code
 * file://} and from an e-mail attachment. It is also well-formed XML (XHTML syntax), so tools can
 * parse it. Every string is escaped, since rule ids, column names and example values come from user
 * data. The output is deterministic: the same report and head give the same bytes, and they are the
 * bytes the page had when it was rendered from {@code report.json}: values (examples, observed,
 * min, max) are shown as that file's JSON reader shows them (strings bare, numbers as doubles or
 * integers).
 */
public final class ReportHtml {

  /** Head fields shown above the report, in this order, with their labels. */
  private static final String[][] HEAD = {
    {"dataset", "Dataset"},
    {"run_id", "Run"},
    {"rules_file", "Rules file"},
    {"input", "Input"},
    {"format", "Format"},
    {"started_at", "Started"},
    {"finished_at", "Finished"}
  };

  /** How {@code report.json} is read back (doubles for decimals), which the page shows. */
  private static final ObjectMapper READER = new ObjectMapper();

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

  private ReportHtml() {}

  /** Renders {@code report} with no head (no dataset, run or input lines). */
  public static String render(ValidationReport report) {
    return render(report, Map.of());
  }

  /**
   * Renders {@code report} under a head: the values of {@code dataset}, {@code run_id}, {@code
   * rules_file}, {@code input}, {@code format}, {@code started_at} and {@code finished_at} in
   * {@code head}, when present, are shown in that order (dataset and run also in the title); other
   * keys are ignored.
   */
  public static String render(ValidationReport report, Map<String, String> head) {
    if (report == null) {
      throw new IllegalArgumentException("render(report, head): report is null; pass a report");
    }
    Map<String, String> h0 = head == null ? Map.of() : head;
    StringBuilder h = new StringBuilder(8192);
    String dataset = h0.get("dataset");
    String runId = h0.get("run_id");
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
    head(h, h0);
    banner(h, report);
    totals(h, report);
    rules(h, report.rules());
    columns(h, report.columns(), report.rules());
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void head(StringBuilder h, Map<String, String> head) {
    StringBuilder rows = new StringBuilder();
    for (String[] f : HEAD) {
      String v = head.get(f[0]);
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

  private static void banner(StringBuilder h, ValidationReport report) {
    List<String> failingDataset = new ArrayList<>();
    for (RuleOutcome r : report.rules()) {
      if (!r.passed() && "error".equals(r.severity()) && "dataset".equals(r.level())) {
        failingDataset.add(r.rule());
      }
    }
    boolean passed = !report.datasetErrorFailed();
    long quarantined = report.recordsQuarantined();
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

  private static void totals(StringBuilder h, ValidationReport report) {
    Object[][] fields = {
      {"Records in", report.recordsIn()},
      {"Valid", report.recordsValid()},
      {"Quarantined", report.recordsQuarantined()},
      {"Passed with warnings", report.recordsWarned()},
      {"Unparsed (did not parse, quarantined before validation)", report.recordsUnparsed()}
    };
    h.append("<h2>Totals</h2>\n<table class=\"data\">\n");
    for (Object[] f : fields) {
      h.append("<tr><th>")
          .append(f[0])
          .append("</th><td class=\"num\">")
          .append(group((Long) f[1]))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void rules(StringBuilder h, List<RuleOutcome> rules) {
    h.append("<h2>Rules</h2>\n");
    if (rules.isEmpty()) {
      h.append("<p class=\"none\">No rules were checked.</p>\n");
      return;
    }
    int failed = 0;
    for (RuleOutcome r : rules) {
      if (!r.passed()) {
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
    for (RuleOutcome r : rules) {
      boolean fail = !r.passed();
      boolean warn = fail && "warn".equals(r.severity());
      h.append("<tr class=\"")
          .append(fail ? (warn ? "warn" : "fail") : "pass")
          .append("\"><td><code>")
          .append(escape(r.rule()))
          .append("</code></td><td>")
          .append(escape(r.level()))
          .append("</td><td>")
          .append(escape(orEmpty(r.column())))
          .append("</td><td>")
          .append(escape(r.severity()))
          .append("</td><td class=\"num\">")
          .append(group(r.checked()))
          .append("</td><td class=\"num\">")
          .append(group(r.failed()))
          .append("</td><td class=\"mark\">")
          .append(fail ? (warn ? "\u26a0 warn" : "\u2717 fail") : "\u2713 pass")
          .append("</td><td>")
          .append(cell(json(r.observed())))
          .append("</td><td>")
          .append(escape(orEmpty(r.message())))
          .append("</td><td>");
      boolean first = true;
      for (String e : r.examples()) {
        if (!first) {
          h.append(", ");
        }
        first = false;
        h.append("<code>").append(escape(value(json(e)))).append("</code>");
      }
      h.append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void columns(
      StringBuilder h, List<ColumnSummary> columns, List<RuleOutcome> rules) {
    h.append("<h2>Columns</h2>\n");
    if (columns.isEmpty()) {
      h.append("<p class=\"none\">No column summary.</p>\n");
      return;
    }
    // Rules and failed rules per column, from the rules list.
    Map<String, long[]> perColumn = new LinkedHashMap<>();
    for (RuleOutcome r : rules) {
      if (r.column() != null) {
        long[] a = perColumn.computeIfAbsent(r.column(), k -> new long[2]);
        a[0]++;
        if (!r.passed()) {
          a[1]++;
        }
      }
    }
    h.append("<table class=\"data columns\">\n<tr>")
        .append("<th>column</th><th>type</th><th>count</th><th>nulls</th><th>min</th><th>max</th>")
        .append("<th>rules</th><th>rules failed</th></tr>\n");
    for (ColumnSummary c : columns) {
      JsonNode min = json(c.min());
      JsonNode max = json(c.max());
      h.append("<tr><td>")
          .append(escape(c.column()))
          .append("</td><td>")
          .append(escape(c.type()))
          .append("</td><td class=\"num\">")
          .append(group(c.count()))
          .append("</td><td class=\"num\">")
          .append(group(c.nulls()))
          .append("</td>")
          .append(min.isNumber() ? "<td class=\"num\">" : "<td>")
          .append(cell(min))
          .append("</td>")
          .append(max.isNumber() ? "<td class=\"num\">" : "<td>")
          .append(cell(max))
          .append("</td>");
      long[] a = perColumn.get(c.column());
      h.append("<td class=\"num\">")
          .append(a == null ? 0 : a[0])
          .append("</td><td class=\"num\">")
          .append(a == null ? 0 : a[1])
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /**
   * A value of the report (JSON text, or null) as {@code report.json}'s reader sees it: written as
   * {@link ValidationReport#toJson} writes it, read back with plain Jackson settings.
   */
  private static JsonNode json(@Nullable String text) {
    try {
      return READER.readTree(Json.write(Json.parse(text)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a report value is not JSON after writing: " + text, e);
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** An escaped table cell: empty for JSON null. */
  private static String cell(JsonNode v) {
    if (v.isNull() || v.isMissingNode()) {
      return "";
    }
    return escape(value(v));
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
