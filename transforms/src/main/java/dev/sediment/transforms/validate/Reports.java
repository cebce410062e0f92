package dev.sediment.transforms.validate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;

/** Turns the merged {@link Partial} into the {@link ValidationReport}. */
final class Reports {
  private Reports() {}

  static ValidationReport build(Rules rules, Schema schema, Partial p, long nowNanos) {
    List<RuleOutcome> outcomes = new ArrayList<>();
    List<Rule> all = rules.rules();
    for (int i = 0; i < all.size(); i++) {
      Rule r = all.get(i);
      List<String> examples = new ArrayList<>(p.examples.get(i));
      if (r.level() == Rule.Level.DATASET) {
        outcomes.add(dataset(r, i, schema, p, nowNanos, examples));
      } else {
        long checked = p.checked[i];
        long failed = p.failed[i];
        String noun = r.level() == Rule.Level.SEISMIC ? "records" : "values";
        String message =
            failed == 0
                ? "all " + checked + " " + noun + " pass"
                : failed + " of " + checked + " " + noun + " " + phrase(r);
        outcomes.add(
            RuleOutcome.of(
                r.id(),
                r.column(),
                r.level().label(),
                r.severity().label(),
                checked,
                failed,
                failed == 0,
                examples,
                null,
                message));
      }
    }
    List<ColumnSummary> columns = new ArrayList<>();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Schema.Field f = schema.getField(i);
      ColumnAcc acc = p.columns == null ? new ColumnAcc(ColumnKind.of(f)) : p.columns[i];
      columns.add(
          ColumnSummary.of(
              f.getName(),
              f.getType().getTypeName().name(),
              acc.count,
              acc.nulls,
              acc.minJson(),
              acc.maxJson()));
    }
    return ValidationReport.of(p.in, p.valid, p.quarantined, p.warned, 0, outcomes, columns);
  }

  private static String phrase(Rule r) {
    switch (r.name()) {
      case "not_null":
        return "are null";
      case "type":
        return "are not a " + r.string("value");
      case "min":
        return "are not " + (r.flag("exclusive") ? ">" : ">=") + " " + r.text("value");
      case "max":
        return "are not " + (r.flag("exclusive") ? "<" : "<=") + " " + r.text("value");
      case "in":
        return "are not one of [" + String.join(", ", r.list("values")) + "]";
      case "regex":
        return "do not match " + r.string("pattern");
      case "length":
        return "have a length outside ["
            + (r.has("min") ? r.text("min") : "0")
            + ", "
            + (r.has("max") ? r.text("max") : "any")
            + "]";
      case "unique":
        return "are duplicated";
      case "null_trace":
        return "are null traces (no samples, all 0 or all NaN)";
      case "amplitude":
        return "have a NaN or infinite sample" + (r.has("max") ? " or |sample| > " + r.text("max") : "");
      case "sample_rate":
        return "have a sample rate that is not "
            + r.text("value")
            + (r.has("tolerance") ? " ± " + r.text("tolerance") : "")
            + " Hz";
      case "gaps":
        return "start after a gap";
      case "overlaps":
        return "overlap the record before them";
      case "required_headers":
        return "miss required headers";
      default:
        return "fail";
    }
  }

  private static RuleOutcome dataset(
      Rule r, int i, Schema schema, Partial p, long nowNanos, List<String> examples) {
    long checked = p.in;
    long failed;
    boolean passed;
    String observed;
    String message;
    switch (r.name()) {
      case "row_count":
        {
          BigDecimal n = BigDecimal.valueOf(p.in);
          BigDecimal min = r.number("min");
          BigDecimal max = r.number("max");
          boolean low = min != null && n.compareTo(min) < 0;
          boolean high = max != null && n.compareTo(max) > 0;
          passed = !low && !high;
          failed = passed ? 0 : 1;
          observed = Long.toString(p.in);
          message =
              low
                  ? "row count " + p.in + " is below the minimum " + r.text("min")
                  : high
                      ? "row count " + p.in + " is above the maximum " + r.text("max")
                      : "row count " + p.in + " is within the bounds";
          break;
        }
      case "completeness":
        {
          String column = r.string("column");
          ColumnAcc acc = column(p, schema, column);
          long nonNull = p.in - acc.nulls;
          failed = acc.nulls;
          if (p.in == 0) {
            passed = true;
            observed = null;
            message = "no records";
          } else {
            double ratio = (double) nonNull / p.in;
            passed =
                BigDecimal.valueOf(nonNull)
                        .compareTo(r.number("min").multiply(BigDecimal.valueOf(p.in)))
                    >= 0;
            observed = Json.text(ratio);
            message =
                nonNull + " of " + p.in + " values of " + column + " are not null ("
                    + observed + "), " + (passed ? "at least" : "below") + " the minimum "
                    + r.text("min");
          }
          break;
        }
      case "freshness":
        {
          String column = r.string("column");
          ColumnAcc acc = column(p, schema, column);
          checked = acc.count - acc.nulls;
          Long newest = acc.maxNanos();
          Duration maxAge = (Duration) r.param("max_age");
          long oldest = nowNanos - maxAge.toNanos();
          String now = ColumnKind.isoOfNanos(nowNanos);
          if (newest == null) {
            passed = false;
            observed = null;
            message = column + " has no value newer than " + maxAge + " before " + now;
          } else {
            passed = newest >= oldest;
            observed = Json.text(ColumnKind.isoOfNanos(newest));
            message =
                "the newest " + column + " " + ColumnKind.isoOfNanos(newest) + " is "
                    + (passed ? "within " : "older than ") + maxAge + " before " + now;
          }
          failed = passed ? 0 : 1;
          break;
        }
      case "schema":
        {
          List<String> missing = new ArrayList<>();
          for (String c : r.list("required")) {
            if (!schema.hasField(c)) {
              missing.add(c);
            }
          }
          List<String> unexpected = new ArrayList<>();
          if (r.flag("exact")) {
            for (String c : schema.getFieldNames()) {
              if (!r.list("required").contains(c)) {
                unexpected.add(c);
              }
            }
          }
          passed = missing.isEmpty() && unexpected.isEmpty();
          failed = passed ? 0 : 1;
          observed = Json.text(missing);
          message =
              passed
                  ? "every required column is present"
                  : (missing.isEmpty() ? "" : "missing columns: " + String.join(", ", missing))
                      + (!missing.isEmpty() && !unexpected.isEmpty() ? "; " : "")
                      + (unexpected.isEmpty()
                          ? ""
                          : "unexpected columns: " + String.join(", ", unexpected));
          break;
        }
      case "unique":
        {
          long keys = p.observed[i];
          failed = p.failed[i];
          passed = keys == 0;
          observed = Long.toString(keys);
          String cols = "(" + String.join(", ", r.list("columns")) + ")";
          message =
              passed
                  ? "no two records share " + cols
                  : keys + " values of " + cols + " occur more than once, in " + failed + " records";
          break;
        }
      default:
        throw new IllegalStateException(r.name());
    }
    return RuleOutcome.of(
        r.id(),
        r.column(),
        r.level().label(),
        r.severity().label(),
        checked,
        failed,
        passed,
        examples,
        observed,
        message);
  }

  private static ColumnAcc column(Partial p, Schema schema, String column) {
    int idx = schema.indexOf(column);
    return p.columns == null ? new ColumnAcc(ColumnKind.of(schema.getField(idx))) : p.columns[idx];
  }
}
