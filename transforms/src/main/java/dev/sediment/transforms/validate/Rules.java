package dev.sediment.transforms.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.schemas.Schema;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The validation rules of a YAML rules file, for {@link Validate#against(Rules)}.
 *
 * <pre>{@code
 * Rules rules = Rules.load("s3://bucket/rules/trades.yaml");
 * rules.checkAgainst(input.getSchema());
 * }</pre>
 *
 * <p>The file is read safely: SnakeYAML only composes the node tree (nothing is constructed, type
 * tags other than plain maps, lists, strings, numbers, booleans, dates and null are rejected, aliases and
 * size are bounded), then the nodes are walked and every key checked. Every problem is a {@link
 * RulesException} whose message starts with {@code SOURCE:LINE: }.
 */
public final class Rules implements Serializable {
  private static final long serialVersionUID = 1L;

  static final List<String> TYPES =
      List.of("string", "int", "long", "float", "double", "boolean", "date", "timestamp", "decimal");

  /** Parameter specs per rule word: "key:kind", a trailing '!' marks a required key. */
  private static final Map<String, String> COLUMN_RULES = new LinkedHashMap<>();

  private static final Map<String, String> DATASET_RULES = new LinkedHashMap<>();
  private static final Map<String, String> SEISMIC_RULES = new LinkedHashMap<>();

  static {
    COLUMN_RULES.put("type", "value:type!");
    COLUMN_RULES.put("not_null", "");
    COLUMN_RULES.put("min", "value:bound! exclusive:bool");
    COLUMN_RULES.put("max", "value:bound! exclusive:bool");
    COLUMN_RULES.put("in", "values:scalars!");
    COLUMN_RULES.put("regex", "pattern:regex!");
    COLUMN_RULES.put("length", "min:count max:count");
    COLUMN_RULES.put("unique", "");
    DATASET_RULES.put("row_count", "min:count max:count");
    DATASET_RULES.put("completeness", "column:string! min:ratio!");
    DATASET_RULES.put("freshness", "column:string! max_age:duration!");
    DATASET_RULES.put("schema", "required:names! exact:bool");
    DATASET_RULES.put("unique", "columns:names!");
    SEISMIC_RULES.put("null_trace", "");
    SEISMIC_RULES.put("amplitude", "max:nonneg");
    SEISMIC_RULES.put("sample_rate", "value:positive! tolerance:nonneg");
    SEISMIC_RULES.put("gaps", "tolerance:nonneg");
    SEISMIC_RULES.put("overlaps", "tolerance:nonneg");
    SEISMIC_RULES.put("required_headers", "headers:names!");
  }

  private final String source;
  private final String yaml;
  private final List<Rule> rules;

  private Rules(String source, String yaml, List<Rule> rules) {
    this.source = source;
    this.yaml = yaml;
    this.rules = Collections.unmodifiableList(new ArrayList<>(rules));
  }

  /** Parses {@code yaml}; {@code sourceName} prefixes every error message. */
  public static Rules parse(String yaml, String sourceName) {
    return new Rules(sourceName, yaml, new Parser(sourceName).parse(yaml));
  }

  /** Reads and parses the rules file at {@code path} (local, {@code s3://}, {@code gs://}). */
  public static Rules load(String path) {
    String text;
    try {
      MatchResult.Metadata m = FileSystems.matchSingleFileSpec(path);
      try (InputStream in = Channels.newInputStream(FileSystems.open(m.resourceId()))) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new RulesException(path, 0, "cannot read the rules file: " + e.getMessage(), e);
    }
    return parse(text, path);
  }

  /** The rules in rules-file order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The name given to {@link #parse} or the path given to {@link #load}. */
  public String source() {
    return source;
  }

  /** The rules file's text, as read. */
  public String toYaml() {
    return yaml;
  }

  boolean hasLevel(Rule.Level level) {
    return rules.stream().anyMatch(r -> r.level() == level);
  }

  /**
   * Checks that every rule fits {@code schema}: the columns it names exist and have a type the
   * rule can read; seismic rules need the trace fields they read.
   *
   * @throws IllegalArgumentException naming the rule id and its line in the rules file
   */
  public void checkAgainst(Schema schema) {
    for (Rule r : rules) {
      switch (r.level()) {
        case COLUMN:
          checkColumnRule(r, schema);
          break;
        case DATASET:
          checkDatasetRule(r, schema);
          break;
        case SEISMIC:
          checkSeismicRule(r, schema);
          break;
        default:
          throw new IllegalStateException(r.level().toString());
      }
    }
  }

  private String where(Rule r) {
    return "rule '" + r.id() + "' (" + source + ":" + r.line() + ")";
  }

  private Schema.Field field(Rule r, Schema schema, String column) {
    if (!schema.hasField(column)) {
      throw new IllegalArgumentException(
          where(r) + " names column '" + column + "', which is not in the schema; columns: "
              + String.join(", ", schema.getFieldNames()));
    }
    return schema.getField(column);
  }

  private IllegalArgumentException unfit(Rule r, Schema.Field f, String needs) {
    return new IllegalArgumentException(
        where(r) + " does not fit column '" + f.getName() + "' of type "
            + f.getType().getTypeName() + ": '" + r.name() + "' needs " + needs);
  }

  private void checkColumnRule(Rule r, Schema schema) {
    Schema.Field f = field(r, schema, r.column());
    ColumnKind k = ColumnKind.of(f);
    switch (r.name()) {
      case "min":
      case "max":
        if (r.param("value") instanceof Instant) {
          if (!k.isTime()) {
            throw unfit(r, f, "a date or timestamp column for a date or timestamp bound");
          }
        } else if (!k.isNumeric()) {
          throw unfit(r, f, "a numeric column for a numeric bound");
        }
        break;
      case "in":
        if (!(k.isNumeric() || k.isTime() || k == ColumnKind.STRING || k == ColumnKind.BOOLEAN)) {
          throw unfit(r, f, "a string, numeric, boolean, date or timestamp column");
        }
        for (String v : r.list("values")) {
          if (Checks.InCheck.convert(k, v) == null) {
            throw new IllegalArgumentException(
                where(r) + ": value '" + v + "' of 'values' is not a " + f.getType().getTypeName()
                    + " like column '" + f.getName() + "'");
          }
        }
        break;
      case "regex":
        if (k != ColumnKind.STRING) {
          throw unfit(r, f, "a string column");
        }
        break;
      case "length":
        if (k != ColumnKind.STRING && k != ColumnKind.COLLECTION && k != ColumnKind.BYTES) {
          throw unfit(r, f, "a string, bytes, array or list column");
        }
        break;
      case "type":
        if (!(k.isNumeric() || k.isTime() || k == ColumnKind.STRING || k == ColumnKind.BOOLEAN)) {
          throw unfit(r, f, "a string, numeric, boolean, date or timestamp column");
        }
        break;
      default:
        break;
    }
  }

  private void checkDatasetRule(Rule r, Schema schema) {
    switch (r.name()) {
      case "completeness":
        field(r, schema, r.string("column"));
        break;
      case "freshness":
        Schema.Field f = field(r, schema, r.string("column"));
        if (!ColumnKind.of(f).isTime()) {
          throw unfit(r, f, "a date or timestamp column");
        }
        break;
      case "unique":
        for (String c : r.list("columns")) {
          field(r, schema, c);
        }
        break;
      default:
        break;
    }
  }

  private void needTraceField(Rule r, Schema schema, String name, Schema.TypeName... types) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          where(r) + " needs the trace field '" + name
              + "', which is not in the schema: seismic rules read rows of SeismicTrace.avsc");
    }
    Schema.TypeName t = schema.getField(name).getType().getTypeName();
    for (Schema.TypeName ok : types) {
      if (ok == t) {
        return;
      }
    }
    throw new IllegalArgumentException(
        where(r) + " needs the trace field '" + name + "' of type " + types[0] + ", not " + t);
  }

  private void checkSeismicRule(Rule r, Schema schema) {
    switch (r.name()) {
      case "null_trace":
      case "amplitude":
        needTraceField(r, schema, "samples", Schema.TypeName.ARRAY, Schema.TypeName.ITERABLE);
        break;
      case "sample_rate":
        needTraceField(r, schema, "sample_rate_hz", Schema.TypeName.DOUBLE);
        break;
      case "gaps":
      case "overlaps":
        needTraceField(r, schema, "network", Schema.TypeName.STRING);
        needTraceField(r, schema, "station", Schema.TypeName.STRING);
        needTraceField(r, schema, "location", Schema.TypeName.STRING);
        needTraceField(r, schema, "channel", Schema.TypeName.STRING);
        needTraceField(r, schema, "start_time_ns", Schema.TypeName.INT64);
        needTraceField(r, schema, "sample_rate_hz", Schema.TypeName.DOUBLE);
        needTraceField(r, schema, "sample_count", Schema.TypeName.INT32, Schema.TypeName.INT64);
        break;
      case "required_headers":
        needTraceField(r, schema, "headers", Schema.TypeName.MAP);
        break;
      default:
        break;
    }
  }

  /** Walks the composed YAML node tree. */
  private static final class Parser {
    private final String source;

    Parser(String source) {
      this.source = source;
    }

    private static int line(Node n) {
      return n.getStartMark().getLine() + 1;
    }

    private RulesException err(Node n, String message) {
      return new RulesException(source, line(n), message);
    }

    List<Rule> parse(String yaml) {
      LoaderOptions opts = new LoaderOptions();
      opts.setAllowDuplicateKeys(false);
      opts.setMaxAliasesForCollections(20);
      opts.setAllowRecursiveKeys(false);
      opts.setNestingDepthLimit(20);
      opts.setCodePointLimit(4 * 1024 * 1024);
      opts.setProcessComments(false);
      Node root;
      try {
        root = new Yaml(new SafeConstructor(opts)).compose(new StringReader(yaml));
      } catch (MarkedYAMLException e) {
        Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        int line = m == null ? 1 : m.getLine() + 1;
        String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
        throw new RulesException(source, line, "not valid YAML: " + what.trim(), e);
      } catch (YAMLException e) {
        throw new RulesException(source, 1, "not valid YAML: " + e.getMessage(), e);
      }
      if (root == null) {
        throw new RulesException(
            source, 1, "the rules file is empty; allowed top-level keys: columns, dataset, seismic");
      }
      checkTags(root, new HashSet<>());
      MappingNode top = mapping(root, "the rules file");
      List<Rule> rules = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (NodeTuple t : entries(top)) {
        String key = scalarText(t.getKeyNode());
        Node v = t.getValueNode();
        switch (key) {
          case "columns":
            for (NodeTuple c : entries(mapping(v, "'columns'"))) {
              String column = scalarText(c.getKeyNode());
              for (Node r : sequence(c.getValueNode(), "the rules of column '" + column + "'")) {
                rules.add(rule(r, Rule.Level.COLUMN, column, seen));
              }
            }
            break;
          case "dataset":
            for (Node r : sequence(v, "'dataset'")) {
              rules.add(rule(r, Rule.Level.DATASET, null, seen));
            }
            break;
          case "seismic":
            for (Node r : sequence(v, "'seismic'")) {
              rules.add(rule(r, Rule.Level.SEISMIC, null, seen));
            }
            break;
          default:
            throw err(
                t.getKeyNode(),
                "unknown top-level key '" + key + "'; allowed: columns, dataset, seismic");
        }
      }
      checkBounds(rules);
      return rules;
    }

    /** A column's min bound above its max bound can never pass: reject it at the later rule. */
    @SuppressWarnings("unchecked")
    private void checkBounds(List<Rule> rules) {
      Map<String, Rule> mins = new HashMap<>();
      Map<String, Rule> maxs = new HashMap<>();
      for (Rule r : rules) {
        if (r.level() != Rule.Level.COLUMN || !(r.name().equals("min") || r.name().equals("max"))) {
          continue;
        }
        (r.name().equals("min") ? mins : maxs).putIfAbsent(r.column(), r);
        Rule min = mins.get(r.column());
        Rule max = maxs.get(r.column());
        if (min == null || max == null) {
          continue;
        }
        Object lo = min.param("value");
        Object hi = max.param("value");
        if (lo.getClass() == hi.getClass() && ((Comparable<Object>) lo).compareTo(hi) > 0) {
          Rule later = min.line() > max.line() ? min : max;
          throw new RulesException(
              source,
              later.line(),
              "'min' " + min.text("value") + " of column '" + r.column() + "' is greater than 'max' "
                  + max.text("value"));
        }
      }
    }

    private void checkTags(Node n, Set<Node> visited) {
      if (!visited.add(n)) {
        return;
      }
      Tag tag = n.getTag();
      boolean ok;
      if (n instanceof MappingNode) {
        ok = tag.equals(Tag.MAP);
        for (NodeTuple t : ((MappingNode) n).getValue()) {
          checkTags(t.getKeyNode(), visited);
          checkTags(t.getValueNode(), visited);
        }
      } else if (n instanceof SequenceNode) {
        ok = tag.equals(Tag.SEQ);
        for (Node c : ((SequenceNode) n).getValue()) {
          checkTags(c, visited);
        }
      } else {
        ok =
            tag.equals(Tag.STR)
                || tag.equals(Tag.INT)
                || tag.equals(Tag.FLOAT)
                || tag.equals(Tag.BOOL)
                || tag.equals(Tag.TIMESTAMP)
                || tag.equals(Tag.NULL);
      }
      if (!ok) {
        throw err(
            n,
            "type tag '" + tag.getValue() + "' is not allowed; allowed: plain maps, lists,"
                + " strings, numbers, booleans, dates and null");
      }
    }

    private MappingNode mapping(Node n, String what) {
      if (!(n instanceof MappingNode)) {
        throw err(n, what + " must be a mapping (key: value), not " + describe(n));
      }
      return (MappingNode) n;
    }

    private List<Node> sequence(Node n, String what) {
      if (!(n instanceof SequenceNode)) {
        throw err(n, what + " must be a list (- item), not " + describe(n));
      }
      return ((SequenceNode) n).getValue();
    }

    private static String describe(Node n) {
      if (n instanceof MappingNode) {
        return "a mapping";
      }
      if (n instanceof SequenceNode) {
        return "a list";
      }
      if (n.getTag().equals(Tag.NULL)) {
        return "nothing";
      }
      return "'" + ((ScalarNode) n).getValue() + "'";
    }

    /** The entries of a mapping, rejecting duplicate and non-scalar keys. */
    private List<NodeTuple> entries(MappingNode m) {
      Set<String> keys = new HashSet<>();
      for (NodeTuple t : m.getValue()) {
        String k = scalarText(t.getKeyNode());
        if (!keys.add(k)) {
          throw err(t.getKeyNode(), "duplicate key '" + k + "'");
        }
      }
      return m.getValue();
    }

    private String scalarText(Node n) {
      if (!(n instanceof ScalarNode) || n.getTag().equals(Tag.NULL)) {
        throw err(n, "a key must be a plain string, not " + describe(n));
      }
      return ((ScalarNode) n).getValue();
    }

    private Rule rule(Node node, Rule.Level level, @Nullable String column, Map<String, Integer> seen) {
      String owner =
          level == Rule.Level.COLUMN ? "column '" + column + "'" : "'" + level.label() + "'";
      MappingNode m = mapping(node, "a rule of " + owner);
      Map<String, NodeTuple> byKey = new LinkedHashMap<>();
      for (NodeTuple t : entries(m)) {
        byKey.put(scalarText(t.getKeyNode()), t);
      }
      Map<String, String> specs =
          level == Rule.Level.COLUMN
              ? COLUMN_RULES
              : level == Rule.Level.DATASET ? DATASET_RULES : SEISMIC_RULES;
      NodeTuple ruleEntry = byKey.get("rule");
      if (ruleEntry == null) {
        throw err(
            node,
            "a rule of " + owner + " needs the key 'rule'; allowed rules: "
                + String.join(", ", specs.keySet()));
      }
      String name = scalar(ruleEntry.getValueNode(), "rule");
      if (!specs.containsKey(name)) {
        throw err(
            ruleEntry.getValueNode(),
            "unknown " + level.label() + " rule '" + name + "'; allowed: "
                + String.join(", ", specs.keySet()));
      }
      String ruleDesc =
          level == Rule.Level.COLUMN
              ? "rule '" + name + "' of column '" + column + "'"
              : level.label() + " rule '" + name + "'";
      Map<String, String> kinds = new LinkedHashMap<>();
      List<String> required = new ArrayList<>();
      for (String s : specs.get(name).split(" ")) {
        if (s.isEmpty()) {
          continue;
        }
        String[] kv = s.split(":");
        boolean req = kv[1].endsWith("!");
        kinds.put(kv[0], req ? kv[1].substring(0, kv[1].length() - 1) : kv[1]);
        if (req) {
          required.add(kv[0]);
        }
      }
      List<String> allowed = new ArrayList<>();
      allowed.add("rule");
      allowed.addAll(kinds.keySet());
      allowed.add("severity");
      allowed.add("name");
      Rule.Severity severity = Rule.Severity.ERROR;
      String explicitName = null;
      Map<String, Serializable> params = new LinkedHashMap<>();
      Map<String, String> texts = new LinkedHashMap<>();
      for (Map.Entry<String, NodeTuple> e : byKey.entrySet()) {
        String key = e.getKey();
        Node v = e.getValue().getValueNode();
        if (key.equals("rule")) {
          continue;
        }
        if (key.equals("severity")) {
          String s = scalar(v, "severity");
          if (s.equals("error")) {
            severity = Rule.Severity.ERROR;
          } else if (s.equals("warn")) {
            severity = Rule.Severity.WARN;
          } else {
            throw err(v, "'severity' must be error or warn, not '" + s + "'");
          }
          continue;
        }
        if (key.equals("name")) {
          explicitName = scalar(v, "name");
          if (explicitName.isEmpty()) {
            throw err(v, "'name' must not be empty");
          }
          continue;
        }
        String kind = kinds.get(key);
        if (kind == null) {
          throw err(
              e.getValue().getKeyNode(),
              "unknown key '" + key + "' in " + ruleDesc + "; allowed: " + String.join(", ", allowed));
        }
        params.put(key, value(v, key, kind));
        if (v instanceof ScalarNode) {
          texts.put(key, ((ScalarNode) v).getValue());
        }
      }
      for (String req : required) {
        if (!params.containsKey(req)) {
          throw err(node, ruleDesc + " needs '" + req + "'; allowed: " + String.join(", ", allowed));
        }
      }
      if ((name.equals("length") || name.equals("row_count"))) {
        if (!params.containsKey("min") && !params.containsKey("max")) {
          throw err(node, ruleDesc + " needs 'min' or 'max' or both");
        }
        BigDecimal min = (BigDecimal) params.get("min");
        BigDecimal max = (BigDecimal) params.get("max");
        if (min != null && max != null && min.compareTo(max) > 0) {
          throw err(
              byKey.get("min").getValueNode(),
              "'min' " + texts.get("min") + " is greater than 'max' " + texts.get("max"));
        }
      }
      String base = level == Rule.Level.COLUMN ? column + "." + name : level.label() + "." + name;
      String id;
      if (explicitName != null) {
        id = explicitName;
      } else {
        int n = seen.merge(base, 1, Integer::sum);
        id = n == 1 ? base : base + "#" + n;
        while (seen.containsKey("=" + id)) {
          n = seen.merge(base, 1, Integer::sum);
          id = base + "#" + n;
        }
      }
      if (seen.putIfAbsent("=" + id, line(node)) != null) {
        throw err(
            node,
            "rule id '" + id + "' is already used by the rule on line " + seen.get("=" + id)
                + "; give this rule a unique 'name'");
      }
      String col = column;
      if (level == Rule.Level.DATASET && params.get("column") instanceof String) {
        col = (String) params.get("column");
      }
      return new Rule(id, level, col, severity, name, line(node), params, texts);
    }

    private String scalar(Node v, String key) {
      if (!(v instanceof ScalarNode) || v.getTag().equals(Tag.NULL)) {
        throw err(v, "'" + key + "' must be a single value, not " + describe(v));
      }
      return ((ScalarNode) v).getValue();
    }

    private @Nullable BigDecimal number(ScalarNode v) {
      Tag tag = v.getTag();
      if (!(tag.equals(Tag.INT) || tag.equals(Tag.FLOAT))
          && !(tag.equals(Tag.STR) && v.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN)) {
        return null;
      }
      String s = v.getValue().replace("_", "");
      try {
        String u = s.startsWith("+") ? s.substring(1) : s;
        boolean neg = u.startsWith("-");
        String a = neg ? u.substring(1) : u;
        if (a.startsWith("0x") || a.startsWith("0X")) {
          BigDecimal h = new BigDecimal(new BigInteger(a.substring(2), 16));
          return neg ? h.negate() : h;
        }
        return new BigDecimal(u);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private Serializable value(Node v, String key, String kind) {
      switch (kind) {
        case "bool":
          {
            String s = scalar(v, key);
            if (!v.getTag().equals(Tag.BOOL)) {
              throw err(v, "'" + key + "' must be true or false, not '" + s + "'");
            }
            String l = s.toLowerCase(Locale.ROOT);
            return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
          }
        case "count":
          {
            BigDecimal d = numberOf(v, key);
            if (d.signum() < 0 || d.stripTrailingZeros().scale() > 0) {
              throw err(v, "'" + key + "' must be a whole number >= 0, not '" + scalar(v, key) + "'");
            }
            return d;
          }
        case "ratio":
          {
            BigDecimal d = numberOf(v, key);
            if (d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
              throw err(v, "'" + key + "' must be a ratio in [0, 1], not '" + scalar(v, key) + "'");
            }
            return d;
          }
        case "nonneg":
          {
            BigDecimal d = numberOf(v, key);
            if (d.signum() < 0) {
              throw err(v, "'" + key + "' must be a number >= 0, not '" + scalar(v, key) + "'");
            }
            return d;
          }
        case "positive":
          {
            BigDecimal d = numberOf(v, key);
            if (d.signum() <= 0) {
              throw err(v, "'" + key + "' must be a number > 0, not '" + scalar(v, key) + "'");
            }
            return d;
          }
        case "bound":
          {
            String s = scalar(v, key);
            BigDecimal d = number((ScalarNode) v);
            if (d != null) {
              return d;
            }
            Instant t = instant(s);
            if (t == null) {
              throw err(
                  v,
                  "'" + key + "' must be a number or an ISO-8601 date or timestamp"
                      + " (2026-01-31, 2026-01-31T12:00:00Z), not '" + s + "'");
            }
            return t;
          }
        case "type":
          {
            String s = scalar(v, key);
            if (!TYPES.contains(s)) {
              throw err(
                  v, "'" + key + "' must be one of " + String.join(", ", TYPES) + ", not '" + s + "'");
            }
            return s;
          }
        case "regex":
          {
            String s = scalar(v, key);
            try {
              Pattern.compile(s);
            } catch (PatternSyntaxException e) {
              throw err(
                  v,
                  "'" + key + "' is not a valid RE2 regular expression: " + e.getDescription()
                      + " `" + e.getPattern() + "` in '" + s + "'" + re2Hint(s));
            }
            return s;
          }
        case "string":
          return scalar(v, key);
        case "duration":
          {
            String s = scalar(v, key);
            try {
              Duration d = Duration.parse(s);
              if (d.isNegative() || d.isZero()) {
                throw err(v, "'" + key + "' must be a positive ISO-8601 duration, not '" + s + "'");
              }
              return d;
            } catch (DateTimeParseException e) {
              throw err(
                  v,
                  "'" + key + "' must be an ISO-8601 duration such as PT24H, PT30M or P2D, not '"
                      + s + "'");
            }
          }
        case "scalars":
        case "names":
          {
            List<Node> items = sequence(v, "'" + key + "'");
            if (items.isEmpty()) {
              throw err(v, "'" + key + "' must not be empty");
            }
            ArrayList<String> out = new ArrayList<>();
            for (Node item : items) {
              String s = scalar(item, key);
              if (kind.equals("names") && out.contains(s)) {
                throw err(item, "'" + key + "' lists '" + s + "' twice");
              }
              out.add(s);
            }
            return out;
          }
        default:
          throw new IllegalStateException(kind);
      }
    }

    private BigDecimal numberOf(Node v, String key) {
      String s = scalar(v, key);
      BigDecimal d = number((ScalarNode) v);
      if (d == null) {
        throw err(v, "'" + key + "' must be a number, not '" + s + "'");
      }
      return d;
    }
  }

  /** An ISO-8601 date (start of day UTC) or timestamp (UTC when it has no offset), or null. */
  /** Constructs of backtracking engines that RE2 lacks, with what to do instead. */
  private static final java.util.regex.Pattern NOT_RE2 =
      java.util.regex.Pattern.compile("\\\\[1-9]|\\\\k<|\\(\\?<?[=!]|\\(\\?>|[*+?}][+]");

  /** A hint for a pattern written for a backtracking engine; empty when none applies. */
  static String re2Hint(String pattern) {
    return NOT_RE2.matcher(pattern).find()
        ? "; RE2 has no backreferences, lookaround, atomic groups or possessive quantifiers:"
            + " rewrite the pattern without them (docs/validation.md)"
        : "";
  }

  static @Nullable Instant instant(String s) {
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Rules && ((Rules) o).rules.equals(rules) && ((Rules) o).source.equals(source);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }
}
