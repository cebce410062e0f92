package dev.sediment.transforms.validate;

import dev.sediment.transforms.profile.ColumnProfileFn;
import dev.sediment.transforms.profile.ColumnProfileFn.ColumnStats;
import dev.sediment.transforms.profile.ColumnProfileFn.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Writes the starter rules file of {@code rules infer} from a column profile, as TensorFlow Data
 * Validation infers a schema: per column a {@code type}; {@code not_null} when no null was seen,
 * else a dataset {@code completeness} with the observed ratio rounded down to 2 decimals; {@code
 * min}/{@code max} with the observed bounds for numbers, dates and timestamps; {@code in} with the
 * sorted values of a string column with at most {@value ColumnProfileFn#MAX_DISTINCT} distinct
 * values and more than one record per value on average, else {@code length} bounds; and dataset
 * {@code row_count} (min 1) and {@code schema} (every column required).
 *
 * <p>Every string is written double-quoted with escapes, numbers so they parse back to the same
 * value (doubles in Java's shortest round-trip form, with a signed exponent as YAML 1.1 needs),
 * dates and timestamps as quoted ISO-8601 strings (unquoted, YAML would make them timestamps).
 */
public final class RulesYaml {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Words YAML 1.1 reads as booleans or null: quoted when used as keys. */
  private static final Set<String> RESERVED =
      Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

  private final String yaml;
  private final int rules;

  private RulesYaml(String yaml, int rules) {
    this.yaml = yaml;
    this.rules = rules;
  }

  /** The YAML text. */
  public String yaml() {
    return yaml;
  }

  /** How many rules it holds, column and dataset ones. */
  public int rules() {
    return rules;
  }

  /**
   * Renders the rules of {@code stats} (one per field of {@code schema}, in order).
   *
   * @param header comment lines put first, each without its {@code #}
   */
  public static RulesYaml render(Schema schema, List<ColumnStats> stats, List<String> header) {
    StringBuilder y = new StringBuilder(4096);
    for (String line : header) {
      y.append("# ").append(line.replaceAll("[\\r\\n\\p{Cntrl}]", " ")).append('\n');
    }
    int rules = 0;
    List<String> dataset = new ArrayList<>();
    dataset.add("{rule: row_count, min: 1}");
    y.append("columns:\n");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Schema.Field f = schema.getField(i);
      ColumnStats s = stats.get(i);
      String name = key(f.getName());
      names.add(name);
      List<String> col = new ArrayList<>();
      String type = ruleType(f);
      if (type != null) {
        col.add("{rule: type, value: " + type + "}");
      }
      if (s.nulls() == 0) {
        col.add("{rule: not_null}");
      } else {
        BigDecimal ratio =
            s.count() == 0
                ? BigDecimal.ZERO.setScale(2)
                : BigDecimal.valueOf(s.count() - s.nulls())
                    .divide(BigDecimal.valueOf(s.count()), 2, RoundingMode.FLOOR);
        dataset.add(
            "{rule: completeness, column: " + name + ", min: " + ratio.toPlainString() + "}");
      }
      Kind kind = ColumnProfileFn.kindOf(f);
      if (s.min() != null && isBounded(kind)) {
        col.add("{rule: min, value: " + scalar(kind, s.min()) + "}");
        col.add("{rule: max, value: " + scalar(kind, s.max()) + "}");
      }
      if (kind == Kind.STRING && s.maxLength() >= 0) {
        List<String> distinct = s.distinct();
        long values = s.count() - s.nulls();
        if (distinct != null
            && distinct.size() <= ColumnProfileFn.MAX_DISTINCT
            && values > distinct.size()) {
          List<String> quoted = new ArrayList<>();
          for (String v : distinct) {
            quoted.add(quote(v));
          }
          col.add("{rule: in, values: [" + String.join(", ", quoted) + "]}");
        } else {
          col.add("{rule: length, min: " + s.minLength() + ", max: " + s.maxLength() + "}");
        }
      }
      y.append("  ").append(name).append(":\n");
      for (String r : col) {
        y.append("    - ").append(r).append('\n');
      }
      rules += col.size();
    }
    dataset.add("{rule: schema, required: [" + String.join(", ", names) + "]}");
    y.append("dataset:\n");
    for (String r : dataset) {
      y.append("  - ").append(r).append('\n');
    }
    rules += dataset.size();
    String text = y.toString();
    checkLoads(text);
    return new RulesYaml(text, rules);
  }

  /** The file must load as the contract's shape; a failure here is a bug of this class. */
  private static void checkLoads(String text) {
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    if (!(loaded instanceof Map) || !((Map<?, ?>) loaded).containsKey("dataset")) {
      throw new IllegalStateException("the inferred rules do not load back as YAML:\n" + text);
    }
  }

  private static boolean isBounded(Kind kind) {
    return kind == Kind.INTEGER
        || kind == Kind.FLOATING
        || kind == Kind.DECIMAL
        || kind == Kind.DATE
        || kind == Kind.TIMESTAMP;
  }

  /** The {@code type} rule's value for a field, or null when no rule type fits it. */
  static String ruleType(Schema.Field f) {
    Schema.FieldType t = f.getType();
    switch (ColumnProfileFn.kindOf(f)) {
      case INTEGER:
        return t.getTypeName() == Schema.TypeName.INT64 ? "long" : "int";
      case FLOATING:
        return t.getTypeName() == Schema.TypeName.FLOAT ? "float" : "double";
      case DECIMAL:
        return "decimal";
      case BOOLEAN:
        return "boolean";
      case STRING:
        return "string";
      case DATE:
        return "date";
      case TIMESTAMP:
        return "timestamp";
      default:
        return null;
    }
  }

  private static String scalar(Kind kind, Object v) {
    switch (kind) {
      case INTEGER:
        return v.toString();
      case FLOATING:
        return number((Double) v);
      case DECIMAL:
        return ((BigDecimal) v).toPlainString();
      default:
        return quote(v.toString());
    }
  }

  /** A double as YAML 1.1 reads it back to the same value. */
  static String number(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? ".inf" : "-.inf";
    }
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e >= 0 && s.charAt(e + 1) != '-') {
      s = s.substring(0, e + 1) + "+" + s.substring(e + 1);
    }
    return s;
  }

  /** A mapping key: bare when YAML reads it as that string, else quoted. */
  static String key(String name) {
    return PLAIN_KEY.matcher(name).matches() && !RESERVED.contains(name.toLowerCase(Locale.ROOT))
        ? name
        : quote(name);
  }

  /** A double-quoted YAML string; characters YAML does not print are escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || c == 0xfeff
          || c >= 0xfffe
          || (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c)
                  && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1))))) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (Character.isHighSurrogate(c)) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
