package dev.sediment.transforms.validate;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One rule of a rules file: its id in reports ({@code price.min}, {@code dataset.completeness#2},
 * or its {@code name:}), its level, the column it reads, its severity, the rule word and the line
 * it was declared on, plus its parameters as parsed and checked by {@link Rules#parse}.
 *
 * <p>Parameters are kept by their YAML key: numbers as {@link BigDecimal}, booleans as {@link
 * Boolean}, lists as {@code List<String>}, durations as {@link java.time.Duration}, date and
 * timestamp bounds as {@link java.time.Instant}, everything else as {@link String}.
 */
public final class Rule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where a rule applies. */
  public enum Level {
    COLUMN,
    DATASET,
    SEISMIC;

    /** The lower-case word used in reports and ids. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What failing a rule does: ERROR quarantines the record (or fails the run), WARN counts it. */
  public enum Severity {
    ERROR,
    WARN;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String id;
  private final Level level;
  private final @Nullable String column;
  private final Severity severity;
  private final String name;
  private final int line;
  private final LinkedHashMap<String, Serializable> params;
  private final LinkedHashMap<String, String> texts;

  Rule(
      String id,
      Level level,
      @Nullable String column,
      Severity severity,
      String name,
      int line,
      Map<String, Serializable> params,
      Map<String, String> texts) {
    this.id = id;
    this.level = level;
    this.column = column;
    this.severity = severity;
    this.name = name;
    this.line = line;
    this.params = new LinkedHashMap<>(params);
    this.texts = new LinkedHashMap<>(texts);
  }

  public String id() {
    return id;
  }

  public Level level() {
    return level;
  }

  /**
   * The column a column rule applies to, or the {@code column} parameter of a dataset rule
   * ({@code completeness}, {@code freshness}); null otherwise.
   */
  public @Nullable String column() {
    return column;
  }

  public Severity severity() {
    return severity;
  }

  /** The rule word: {@code min}, {@code completeness}, {@code gaps}. */
  public String name() {
    return name;
  }

  /** The 1-based line of the rules file the rule starts on. */
  public int line() {
    return line;
  }

  /** The parameters by YAML key (without {@code rule}, {@code severity} and {@code name}). */
  public Map<String, Serializable> params() {
    return Collections.unmodifiableMap(params);
  }

  public boolean has(String key) {
    return params.containsKey(key);
  }

  public @Nullable BigDecimal number(String key) {
    return (BigDecimal) params.get(key);
  }

  public boolean flag(String key) {
    Object v = params.get(key);
    return v != null && (Boolean) v;
  }

  public @Nullable String string(String key) {
    Object v = params.get(key);
    return v == null ? null : v.toString();
  }

  @SuppressWarnings("unchecked")
  public List<String> list(String key) {
    Object v = params.get(key);
    return v == null ? List.of() : Collections.unmodifiableList((List<String>) v);
  }

  public @Nullable Object param(String key) {
    return params.get(key);
  }

  /** The parameter as written in the rules file (a scalar's text). */
  public @Nullable String text(String key) {
    return texts.get(key);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Rule)) {
      return false;
    }
    Rule r = (Rule) o;
    return id.equals(r.id)
        && level == r.level
        && Objects.equals(column, r.column)
        && severity == r.severity
        && name.equals(r.name)
        && line == r.line
        && params.equals(r.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, level, column, severity, name, line, params);
  }

  @Override
  public String toString() {
    return id + "@" + line + " " + severity.label() + " " + params;
  }
}
