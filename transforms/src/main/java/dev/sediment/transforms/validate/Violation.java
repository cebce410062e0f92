package dev.sediment.transforms.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.schemas.RuleFailure;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A record that failed at least one rule of severity error, with every rule it failed (warns
 * included), in rules-file order.
 */
public final class Violation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Row record;
  private final List<RuleFailure> failures;

  public Violation(Row record, List<RuleFailure> failures) {
    this.record = record;
    this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
  }

  public Row record() {
    return record;
  }

  public List<RuleFailure> failures() {
    return failures;
  }

  /**
   * {@code {"record": {...}, "failures": [{"rule", "column", "severity", "value", "message"}]}}:
   * the row as JSON (timestamps as ISO-8601) and each failure's value as a JSON value.
   */
  public String toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.set("record", Json.row(record));
    ArrayNode fs = o.putArray("failures");
    for (RuleFailure f : failures) {
      ObjectNode n = fs.addObject();
      n.put("rule", f.getRule());
      n.put("column", f.getColumn());
      n.put("severity", f.getSeverity());
      n.set("value", Json.parse(f.getValue()));
      n.put("message", f.getMessage());
    }
    return Json.write(o);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Violation
        && ((Violation) o).record.equals(record)
        && ((Violation) o).failures.equals(failures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(record, failures);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
