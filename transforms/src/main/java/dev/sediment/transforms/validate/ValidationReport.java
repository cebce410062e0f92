package dev.sediment.transforms.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The outcome of one validation run: record counts, every rule's outcome in rules-file order and
 * a summary of every input column. {@code records_in = records_valid + records_quarantined}
 * always. Its JSON form ({@link #toJson}) is a contract read by the CLI and the HTML report; in a
 * pipeline it is encoded by {@link ValidationReportCoder}.
 */
@AutoValue
@DefaultCoder(ValidationReportCoder.class)
public abstract class ValidationReport implements Serializable {
  private static final long serialVersionUID = 1L;

  public abstract long recordsIn();

  public abstract long recordsValid();

  /** Records with a failure of severity error (plus unparsed records, see {@link #withUnparsed}). */
  public abstract long recordsQuarantined();

  /** Valid records with at least one warn failure. */
  public abstract long recordsWarned();

  /** Records that failed to parse before validation; 0 from the transform. */
  public abstract long recordsUnparsed();

  public abstract List<RuleOutcome> rules();

  public abstract List<ColumnSummary> columns();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setRecordsIn(long n);

    abstract Builder setRecordsValid(long n);

    abstract Builder setRecordsQuarantined(long n);

    abstract Builder setRecordsWarned(long n);

    abstract Builder setRecordsUnparsed(long n);

    abstract Builder setRules(List<RuleOutcome> rules);

    abstract Builder setColumns(List<ColumnSummary> columns);

    abstract ValidationReport build();
  }

  public static ValidationReport of(
      long recordsIn,
      long recordsValid,
      long recordsQuarantined,
      long recordsWarned,
      long recordsUnparsed,
      List<RuleOutcome> rules,
      List<ColumnSummary> columns) {
    return new AutoValue_ValidationReport.Builder()
        .setRecordsIn(recordsIn)
        .setRecordsValid(recordsValid)
        .setRecordsQuarantined(recordsQuarantined)
        .setRecordsWarned(recordsWarned)
        .setRecordsUnparsed(recordsUnparsed)
        .setRules(List.copyOf(rules))
        .setColumns(List.copyOf(columns))
        .build();
  }

  /** Whether a dataset-level rule of severity error did not pass. */
  public boolean datasetErrorFailed() {
    for (RuleOutcome r : rules()) {
      if (r.level().equals("dataset") && r.severity().equals("error") && !r.passed()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A copy counting {@code n} records that failed to parse before validation: records_unparsed =
   * n, and n more records in and quarantined.
   */
  public ValidationReport withUnparsed(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("withUnparsed(n): n must be >= 0, not " + n);
    }
    return toBuilder()
        .setRecordsUnparsed(n)
        .setRecordsIn(recordsIn() - recordsUnparsed() + n)
        .setRecordsQuarantined(recordsQuarantined() - recordsUnparsed() + n)
        .build();
  }

  public String toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("records_in", recordsIn());
    o.put("records_valid", recordsValid());
    o.put("records_quarantined", recordsQuarantined());
    o.put("records_warned", recordsWarned());
    o.put("records_unparsed", recordsUnparsed());
    ObjectNode totals = o.putObject("totals");
    totals.put("records_in", recordsIn());
    totals.put("records_valid", recordsValid());
    totals.put("records_quarantined", recordsQuarantined());
    o.put("passed", !datasetErrorFailed());
    ArrayNode rules = o.putArray("rules");
    for (RuleOutcome r : rules()) {
      ObjectNode n = rules.addObject();
      n.put("rule", r.rule());
      n.put("column", r.column());
      n.put("level", r.level());
      n.put("severity", r.severity());
      n.put("checked", r.checked());
      n.put("failed", r.failed());
      n.put("passed", r.passed());
      ArrayNode ex = n.putArray("examples");
      for (String e : r.examples()) {
        ex.add(Json.parse(e));
      }
      n.set("observed", Json.parse(r.observed()));
      n.put("message", r.message());
    }
    ArrayNode cols = o.putArray("columns");
    for (ColumnSummary c : columns()) {
      ObjectNode n = cols.addObject();
      n.put("column", c.column());
      n.put("type", c.type());
      n.put("count", c.count());
      n.put("nulls", c.nulls());
      n.set("min", Json.parse(c.min()));
      n.set("max", Json.parse(c.max()));
    }
    return Json.write(o);
  }

  /** Reads what {@link #toJson} wrote. */
  public static ValidationReport fromJson(String json) {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a validation report: " + e.getOriginalMessage(), e);
    }
    List<RuleOutcome> rules = new ArrayList<>();
    for (JsonNode n : o.path("rules")) {
      List<String> examples = new ArrayList<>();
      for (JsonNode e : n.path("examples")) {
        examples.add(Json.write(e));
      }
      rules.add(
          RuleOutcome.of(
              n.path("rule").asText(),
              text(n.get("column")),
              n.path("level").asText(),
              n.path("severity").asText(),
              n.path("checked").asLong(),
              n.path("failed").asLong(),
              n.path("passed").asBoolean(),
              examples,
              json(n.get("observed")),
              n.path("message").asText()));
    }
    List<ColumnSummary> columns = new ArrayList<>();
    for (JsonNode n : o.path("columns")) {
      columns.add(
          ColumnSummary.of(
              n.path("column").asText(),
              n.path("type").asText(),
              n.path("count").asLong(),
              n.path("nulls").asLong(),
              json(n.get("min")),
              json(n.get("max"))));
    }
    return of(
        o.path("records_in").asLong(),
        o.path("records_valid").asLong(),
        o.path("records_quarantined").asLong(),
        o.path("records_warned").asLong(),
        o.path("records_unparsed").asLong(),
        rules,
        columns);
  }

  private static @Nullable String text(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static @Nullable String json(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : Json.write(n);
  }
}
