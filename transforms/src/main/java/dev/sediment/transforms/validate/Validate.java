package dev.sediment.transforms.validate;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;

import com.google.auto.value.AutoValue;
import dev.sediment.schemas.RuleFailure;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Validates rows against the rules of a YAML rules file.
 *
 * <pre>{@code
 * ValidationResult r = rows.apply("Validate", Validate.against(Rules.load("rules.yaml")));
 * r.valid();       // records with no error failure (warn failures pass)
 * r.violations();  // records with an error failure, each with every failure it had
 * r.report();      // exactly one ValidationReport
 * }</pre>
 *
 * <p>One DoFn evaluates every stateless rule (compiled per field in {@code @Setup}), keeping the
 * per-rule counts, examples and column summaries per bundle and emitting them once per bundle;
 * one {@code Combine.globally} merges them into the report. Keyed rules (column {@code unique},
 * seismic {@code gaps}/{@code overlaps}) group only record ids and small tuples by their key and
 * join the failures back to the records by id; without such rules no record is shuffled. Dataset
 * {@code unique} counts a deterministic encoding of the key columns with {@code Count.perElement}.
 * Memory does not grow with the data, except that one seismic channel's (start, count, rate, id)
 * tuples are sorted in memory.
 *
 * <p>Examples are the smallest offending values by their JSON text, so every runner gives the
 * same report. Counters (namespace {@code sediment}): {@code records_validated}, {@code
 * records_valid}, {@code records_invalid}, {@code records_warned}, and per rule {@code
 * rule_checked.<id>} and {@code rule_failed.<id>}.
 */
public final class Validate {
  static final String NAMESPACE = "sediment";

  private Validate() {}

  /** Validates rows against {@code rules}; freshness is measured from now, 5 examples per rule. */
  public static Rows against(Rules rules) {
    checkArgumentNotNull(rules, "rules must not be null");
    return new AutoValue_Validate_Rows.Builder()
        .setRules(rules)
        .setNow(Instant.now())
        .setMaxExamples(5)
        .build();
  }

  /** The transform made by {@link #against}. */
  @AutoValue
  public abstract static class Rows extends PTransform<PCollection<Row>, ValidationResult> {
    private static final long serialVersionUID = 1L;

    abstract Rules rules();

    abstract Instant now();

    abstract int maxExamples();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setRules(Rules rules);

      abstract Builder setNow(Instant now);

      abstract Builder setMaxExamples(int n);

      abstract Rows build();
    }

    /**
     * The reference time of {@code freshness} rules. Default: the time {@link #against} was
     * called. Set it for reproducible reports.
     */
    public Rows withNow(Instant now) {
      checkArgumentNotNull(now, "withNow(now): now must not be null");
      return toBuilder().setNow(now).build();
    }

    /** How many example values each rule reports, 0 to 1000. Default 5. */
    public Rows withMaxExamples(int n) {
      if (n < 0 || n > 1000) {
        throw new IllegalArgumentException(
            "withMaxExamples(n): n must be in [0, 1000], not " + n);
      }
      return toBuilder().setMaxExamples(n).build();
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("rules", rules().source()).withLabel("Rules file"))
          .add(DisplayData.item("ruleCount", rules().rules().size()).withLabel("Rules"))
          .add(DisplayData.item("now", now()).withLabel("Freshness reference time"))
          .add(DisplayData.item("maxExamples", maxExamples()).withLabel("Examples per rule"));
    }

    @Override
    public ValidationResult expand(PCollection<Row> input) {
      if (!input.hasSchema()) {
        throw new IllegalArgumentException(
            "Validate.against(rules) needs a PCollection<Row> with a schema");
      }
      if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
        // The report is one verdict over the whole input; its parts live in the global window.
        throw new IllegalArgumentException(
            "Validate.against(rules) needs input in the global window, not "
                + input.getWindowingStrategy().getWindowFn()
                + "; validate before windowing");
      }
      Schema schema = input.getSchema();
      Rules rules = rules();
      rules.checkAgainst(schema);
      int n = rules.rules().size();
      boolean keyed = false;
      boolean datasetUnique = false;
      for (Rule r : rules.rules()) {
        keyed |= isKeyed(r);
        datasetUnique |= r.level() == Rule.Level.DATASET && r.name().equals("unique");
      }
      StringUtf8Coder keyCoder = StringUtf8Coder.of();
      // Grouped keys (rule index + JSON text, record ids) must encode deterministically.
      keyCoder.verifyDeterministic();

      TupleTag<Row> validTag = new TupleTag<Row>("valid") {};
      TupleTag<Violation> violationsTag = new TupleTag<Violation>("violations") {};
      TupleTag<Partial> partialsTag = new TupleTag<Partial>("partials") {};
      TupleTag<KV<String, KeyedEntry>> keyedTag = new TupleTag<KV<String, KeyedEntry>>("keyed") {};
      TupleTag<KV<String, Violation>> byIdTag = new TupleTag<KV<String, Violation>>("byId") {};
      TupleTag<String> datasetKeysTag = new TupleTag<String>("datasetKeys") {};

      ViolationCoder violationCoder = ViolationCoder.of(schema);
      SerializableCoder<Partial> partialCoder = SerializableCoder.of(Partial.class);

      PCollectionTuple evaluated =
          input.apply(
              "EvaluateRules",
              ParDo.of(
                      new EvaluateFn(
                          rules,
                          validTag,
                          schema,
                          maxExamples(),
                          keyed,
                          violationsTag,
                          partialsTag,
                          keyedTag,
                          byIdTag,
                          datasetKeysTag))
                  .withOutputTags(
                      validTag,
                      TupleTagList.of(violationsTag)
                          .and(partialsTag)
                          .and(keyedTag)
                          .and(byIdTag)
                          .and(datasetKeysTag)));
      evaluated.get(validTag).setRowSchema(schema);
      evaluated.get(violationsTag).setCoder(violationCoder);
      evaluated.get(partialsTag).setCoder(partialCoder);
      evaluated.get(keyedTag).setCoder(KvCoder.of(keyCoder, KeyedEntry.EntryCoder.INSTANCE));
      evaluated.get(byIdTag).setCoder(KvCoder.of(keyCoder, violationCoder));
      evaluated.get(datasetKeysTag).setCoder(keyCoder);

      PCollectionList<Partial> parts = PCollectionList.of(evaluated.get(partialsTag));
      PCollection<Row> valid;
      PCollection<Violation> violations;
      if (keyed) {
        TupleTag<Partial> keyedPartialsTag = new TupleTag<Partial>("keyedPartials") {};
        TupleTag<KV<String, RuleFailure>> failuresTag =
            new TupleTag<KV<String, RuleFailure>>("keyedFailures") {};
        PCollectionTuple keyedOut =
            evaluated
                .get(keyedTag)
                .apply("GroupByRuleKey", GroupByKey.create())
                .apply(
                    "EvaluateKeyedRules",
                    ParDo.of(new KeyedRulesFn(rules, maxExamples(), failuresTag, keyedPartialsTag))
                        .withOutputTags(failuresTag, TupleTagList.of(keyedPartialsTag)));
        PCollection<KV<String, RuleFailure>> failures =
            keyedOut.get(failuresTag).setCoder(KvCoder.of(keyCoder, RuleFailureCoder.of()));
        keyedOut.get(keyedPartialsTag).setCoder(partialCoder);
        parts = parts.and(keyedOut.get(keyedPartialsTag));

        TupleTag<Violation> recordsTag = new TupleTag<>("records");
        TupleTag<RuleFailure> joinFailuresTag = new TupleTag<>("failures");
        TupleTag<Row> joinedValidTag = new TupleTag<Row>("joinedValid") {};
        TupleTag<Violation> joinedViolationsTag = new TupleTag<Violation>("joinedViolations") {};
        TupleTag<Partial> joinedPartialsTag = new TupleTag<Partial>("joinedPartials") {};
        PCollectionTuple joined =
            KeyedPCollectionTuple.of(recordsTag, evaluated.get(byIdTag))
                .and(joinFailuresTag, failures)
                .apply("JoinFailuresToRecords", CoGroupByKey.create())
                .apply(
                    "ClassifyRecords",
                    ParDo.of(
                            new ClassifyFn(
                                rules,
                                n,
                                maxExamples(),
                                joinedValidTag,
                                recordsTag,
                                joinFailuresTag,
                                joinedViolationsTag,
                                joinedPartialsTag))
                        .withOutputTags(
                            joinedValidTag,
                            TupleTagList.of(joinedViolationsTag).and(joinedPartialsTag)));
        valid = joined.get(joinedValidTag).setRowSchema(schema);
        violations = joined.get(joinedViolationsTag).setCoder(violationCoder);
        parts = parts.and(joined.get(joinedPartialsTag).setCoder(partialCoder));
      } else {
        valid = evaluated.get(validTag);
        violations = evaluated.get(violationsTag);
      }
      if (datasetUnique) {
        parts =
            parts.and(
                evaluated
                    .get(datasetKeysTag)
                    .apply("CountDatasetKeys", Count.perElement())
                    .apply("FindDuplicateKeys", ParDo.of(new DuplicateKeysFn(n, maxExamples())))
                    .setCoder(partialCoder));
      }
      PCollection<ValidationReport> report =
          parts
              .apply("FlattenReportParts", Flatten.pCollections())
              .setCoder(partialCoder)
              .apply("MergeReportParts", Combine.globally(new Partial.MergeFn(n, maxExamples())))
              .setCoder(partialCoder)
              .apply("BuildReport", ParDo.of(new ReportFn(rules, schema, now())))
              .setCoder(SerializableCoder.of(ValidationReport.class));
      return new ValidationResult(input.getPipeline(), valid, violations, report);
    }
  }

  static boolean isKeyed(Rule r) {
    return (r.level() == Rule.Level.COLUMN && r.name().equals("unique"))
        || (r.level() == Rule.Level.SEISMIC
            && (r.name().equals("gaps") || r.name().equals("overlaps")));
  }

  static void emit(DoFn<?, ?>.FinishBundleContext c, TupleTag<Partial> tag, Partial p) {
    c.output(tag, p, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
  }

  /** Per-rule counters, incremented once per bundle. */
  static final class RuleCounters {
    final Counter[] checked;
    final Counter[] failed;

    RuleCounters(Rules rules) {
      int n = rules.rules().size();
      checked = new Counter[n];
      failed = new Counter[n];
      for (int i = 0; i < n; i++) {
        String id = rules.rules().get(i).id();
        checked[i] = Metrics.counter(NAMESPACE, "rule_checked." + id);
        failed[i] = Metrics.counter(NAMESPACE, "rule_failed." + id);
      }
    }

    void flush(Partial p) {
      for (int i = 0; i < checked.length; i++) {
        if (p.checked[i] != 0) {
          checked[i].inc(p.checked[i]);
        }
        if (p.failed[i] != 0) {
          failed[i].inc(p.failed[i]);
        }
      }
    }
  }

  /** Record counters, incremented once per bundle. */
  static final class RecordCounters {
    final Counter valid = Metrics.counter(NAMESPACE, "records_valid");
    final Counter invalid = Metrics.counter(NAMESPACE, "records_invalid");
    final Counter warned = Metrics.counter(NAMESPACE, "records_warned");

    void flush(Partial p) {
      if (p.valid != 0) {
        valid.inc(p.valid);
      }
      if (p.quarantined != 0) {
        invalid.inc(p.quarantined);
      }
      if (p.warned != 0) {
        warned.inc(p.warned);
      }
    }
  }

  static boolean hasError(List<RuleFailure> failures) {
    for (RuleFailure f : failures) {
      if (f.getSeverity().equals("error")) {
        return true;
      }
    }
    return false;
  }

  /** Evaluates every stateless rule of a record and emits what keyed and dataset rules need. */
  static final class EvaluateFn extends DoFn<Row, Row> {
    private final Rules rules;
    private final Schema schema;
    private final int maxExamples;
    private final boolean keyed;
    private final TupleTag<Row> validTag;
    private final TupleTag<Violation> violationsTag;
    private final TupleTag<Partial> partialsTag;
    private final TupleTag<KV<String, KeyedEntry>> keyedTag;
    private final TupleTag<KV<String, Violation>> byIdTag;
    private final TupleTag<String> datasetKeysTag;

    private transient List<Checks.Check> checks;
    private transient int[] uniqueRules;
    private transient int[] uniqueFields;
    private transient int[] timingRules;
    private transient int[] datasetUniqueRules;
    private transient int[][] datasetUniqueFields;
    private transient ColumnKind[] kinds;
    private transient int network;
    private transient int station;
    private transient int location;
    private transient int channel;
    private transient int start;
    private transient int rate;
    private transient int count;
    private transient String idPrefix;
    private transient long nextId;
    private transient Partial partial;
    private transient RuleCounters ruleCounters;
    private transient RecordCounters recordCounters;
    private transient Counter validated;

    EvaluateFn(
        Rules rules,
        TupleTag<Row> validTag,
        Schema schema,
        int maxExamples,
        boolean keyed,
        TupleTag<Violation> violationsTag,
        TupleTag<Partial> partialsTag,
        TupleTag<KV<String, KeyedEntry>> keyedTag,
        TupleTag<KV<String, Violation>> byIdTag,
        TupleTag<String> datasetKeysTag) {
      this.rules = rules;
      this.schema = schema;
      this.maxExamples = maxExamples;
      this.keyed = keyed;
      this.validTag = validTag;
      this.violationsTag = violationsTag;
      this.partialsTag = partialsTag;
      this.keyedTag = keyedTag;
      this.byIdTag = byIdTag;
      this.datasetKeysTag = datasetKeysTag;
    }

    @Setup
    public void setup() {
      checks = Checks.compile(rules, schema);
      List<Integer> ur = new ArrayList<>();
      List<Integer> uf = new ArrayList<>();
      List<Integer> tr = new ArrayList<>();
      List<Integer> dr = new ArrayList<>();
      List<int[]> df = new ArrayList<>();
      List<Rule> all = rules.rules();
      for (int i = 0; i < all.size(); i++) {
        Rule r = all.get(i);
        if (r.level() == Rule.Level.COLUMN && r.name().equals("unique")) {
          ur.add(i);
          uf.add(schema.indexOf(r.column()));
        } else if (isKeyed(r)) {
          tr.add(i);
        } else if (r.level() == Rule.Level.DATASET && r.name().equals("unique")) {
          dr.add(i);
          df.add(r.list("columns").stream().mapToInt(schema::indexOf).toArray());
        }
      }
      uniqueRules = ur.stream().mapToInt(Integer::intValue).toArray();
      uniqueFields = uf.stream().mapToInt(Integer::intValue).toArray();
      timingRules = tr.stream().mapToInt(Integer::intValue).toArray();
      datasetUniqueRules = dr.stream().mapToInt(Integer::intValue).toArray();
      datasetUniqueFields = df.toArray(new int[0][]);
      if (timingRules.length > 0) {
        network = schema.indexOf("network");
        station = schema.indexOf("station");
        location = schema.indexOf("location");
        channel = schema.indexOf("channel");
        start = schema.indexOf("start_time_ns");
        rate = schema.indexOf("sample_rate_hz");
        count = schema.indexOf("sample_count");
      }
      kinds = new ColumnKind[schema.getFieldCount()];
      for (int i = 0; i < kinds.length; i++) {
        kinds[i] = ColumnKind.of(schema.getField(i));
      }
      idPrefix = Long.toHexString(new SecureRandom().nextLong()) + "-";
      ruleCounters = new RuleCounters(rules);
      recordCounters = new RecordCounters();
      validated = Metrics.counter(NAMESPACE, "records_validated");
    }

    @StartBundle
    public void startBundle() {
      partial = new Partial(rules.rules().size(), maxExamples);
      partial.columns = new ColumnAcc[kinds.length];
      for (int i = 0; i < kinds.length; i++) {
        partial.columns[i] = new ColumnAcc(kinds[i]);
      }
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) {
      Partial p = partial;
      p.in++;
      List<RuleFailure> failures = new ArrayList<>(2);
      for (Checks.Check c : checks) {
        int before = failures.size();
        int result = c.evaluate(row, failures);
        if (result != Checks.SKIPPED) {
          p.checked[c.index]++;
          if (result == Checks.FAILED) {
            p.failed[c.index]++;
            p.example(c.index, failures.get(before).getValue());
          }
        }
      }
      ColumnAcc[] cols = p.columns;
      for (int i = 0; i < cols.length; i++) {
        cols[i].add(row.getValue(i));
      }
      for (int k = 0; k < datasetUniqueRules.length; k++) {
        List<Object> key = new ArrayList<>(datasetUniqueFields[k].length);
        for (int f : datasetUniqueFields[k]) {
          key.add(row.getValue(f));
        }
        out.get(datasetKeysTag).output(datasetUniqueRules[k] + "|" + Json.text(key));
      }
      if (!keyed) {
        if (hasError(failures)) {
          p.quarantined++;
          out.get(violationsTag).output(new Violation(row, failures));
        } else {
          p.valid++;
          if (!failures.isEmpty()) {
            p.warned++;
          }
          out.get(validTag).output(row);
        }
        return;
      }
      String id = idPrefix + Long.toString(nextId++, 36);
      for (int k = 0; k < uniqueRules.length; k++) {
        Object v = row.getValue(uniqueFields[k]);
        if (v != null) {
          p.checked[uniqueRules[k]]++;
          out.get(keyedTag).output(KV.of(uniqueRules[k] + "|" + Json.text(v), new KeyedEntry(id, 0, 0, 0)));
        }
      }
      if (timingRules.length > 0) {
        String net = row.getValue(network);
        String sta = row.getValue(station);
        String loc = row.getValue(location);
        String cha = row.getValue(channel);
        Long t = row.getValue(start);
        Double hz = row.getValue(rate);
        Number samples = row.getValue(count);
        if (net != null
            && sta != null
            && cha != null
            && t != null
            && hz != null
            && hz > 0
            && Double.isFinite(hz)
            && samples != null) {
          String ch = net + "." + sta + "." + (loc == null ? "" : loc) + "." + cha;
          KeyedEntry e = new KeyedEntry(id, t, samples.longValue(), hz);
          for (int r : timingRules) {
            p.checked[r]++;
            out.get(keyedTag).output(KV.of(r + "|" + ch, e));
          }
        }
      }
      out.get(byIdTag).output(KV.of(id, new Violation(row, failures)));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      Partial p = partial;
      validated.inc(p.in);
      ruleCounters.flush(p);
      recordCounters.flush(p);
      emit(c, partialsTag, p);
      partial = null;
    }
  }

  /** Column unique, gaps and overlaps over the ids (and timing tuples) of one key. */
  static final class KeyedRulesFn extends DoFn<KV<String, Iterable<KeyedEntry>>, KV<String, RuleFailure>> {
    private final Rules rules;
    private final int maxExamples;
    private final TupleTag<KV<String, RuleFailure>> failuresTag;
    private final TupleTag<Partial> partialsTag;
    private transient Partial partial;
    private transient RuleCounters counters;

    KeyedRulesFn(
        Rules rules,
        int maxExamples,
        TupleTag<KV<String, RuleFailure>> failuresTag,
        TupleTag<Partial> partialsTag) {
      this.rules = rules;
      this.failuresTag = failuresTag;
      this.maxExamples = maxExamples;
      this.partialsTag = partialsTag;
    }

    @Setup
    public void setup() {
      counters = new RuleCounters(rules);
    }

    @StartBundle
    public void startBundle() {
      partial = new Partial(rules.rules().size(), maxExamples);
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<KeyedEntry>> group, MultiOutputReceiver out) {
      String key = group.getKey();
      int bar = key.indexOf('|');
      int index = Integer.parseInt(key.substring(0, bar));
      String rest = key.substring(bar + 1);
      Rule r = rules.rules().get(index);
      String sev = r.severity().label();
      OutputReceiver<KV<String, RuleFailure>> failures = out.get(failuresTag);
      if (r.name().equals("unique")) {
        long n = 0;
        for (KeyedEntry ignored : group.getValue()) {
          n++;
        }
        if (n < 2) {
          return;
        }
        String message = rest + " occurs " + n + " times";
        for (KeyedEntry e : group.getValue()) {
          failures.output(KV.of(e.id, RuleFailure.of(r.id(), r.column(), sev, rest, message)));
        }
        partial.failed[index] += n;
        partial.example(index, rest);
        return;
      }
      List<KeyedEntry> entries = new ArrayList<>();
      for (KeyedEntry e : group.getValue()) {
        entries.add(e);
      }
      entries.sort(Comparator.<KeyedEntry>comparingLong(e -> e.start).thenComparing(e -> e.id));
      boolean gaps = r.name().equals("gaps");
      java.math.BigDecimal tol = r.number("tolerance");
      for (int i = 1; i < entries.size(); i++) {
        KeyedEntry prev = entries.get(i - 1);
        KeyedEntry cur = entries.get(i);
        double expectedEnd = prev.start + prev.count * 1e9 / prev.rate;
        double diff = (cur.start - expectedEnd) / 1e9;
        double tolerance = tol == null ? 0.5 / prev.rate : tol.doubleValue();
        double amount = gaps ? diff : -diff;
        if (amount > tolerance) {
          String value = Json.text(amount);
          String message =
              (gaps ? "gap of " : "overlap of ")
                  + value
                  + " s "
                  + (gaps ? "after" : "with")
                  + " the previous record of "
                  + rest
                  + " (tolerance "
                  + Json.text(tolerance)
                  + " s)";
          failures.output(KV.of(cur.id, RuleFailure.of(r.id(), null, sev, value, message)));
          partial.failed[index]++;
          partial.example(index, value);
        }
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      counters.flush(partial);
      emit(c, partialsTag, partial);
      partial = null;
    }
  }

  /** Joins keyed-rule failures back to their records and routes each record. */
  static final class ClassifyFn extends DoFn<KV<String, CoGbkResult>, Row> {
    private final Rules rules;
    private final int ruleCount;
    private final int maxExamples;
    private final TupleTag<Row> validTag;
    private final TupleTag<Violation> recordsTag;
    private final TupleTag<RuleFailure> failuresTag;
    private final TupleTag<Violation> violationsTag;
    private final TupleTag<Partial> partialsTag;
    private transient Map<String, Integer> order;
    private transient Partial partial;
    private transient RecordCounters counters;

    ClassifyFn(
        Rules rules,
        int ruleCount,
        int maxExamples,
        TupleTag<Row> validTag,
        TupleTag<Violation> recordsTag,
        TupleTag<RuleFailure> failuresTag,
        TupleTag<Violation> violationsTag,
        TupleTag<Partial> partialsTag) {
      this.rules = rules;
      this.ruleCount = ruleCount;
      this.maxExamples = maxExamples;
      this.validTag = validTag;
      this.recordsTag = recordsTag;
      this.failuresTag = failuresTag;
      this.violationsTag = violationsTag;
      this.partialsTag = partialsTag;
    }

    @Setup
    public void setup() {
      order = new HashMap<>();
      for (int i = 0; i < rules.rules().size(); i++) {
        order.put(rules.rules().get(i).id(), i);
      }
      counters = new RecordCounters();
    }

    @StartBundle
    public void startBundle() {
      partial = new Partial(ruleCount, maxExamples);
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      Violation record = joined.getValue().getOnly(recordsTag, null);
      if (record == null) {
        throw new IllegalStateException("keyed failures for unknown record id " + joined.getKey());
      }
      List<RuleFailure> failures = new ArrayList<>(record.failures());
      boolean more = false;
      for (RuleFailure f : joined.getValue().getAll(failuresTag)) {
        failures.add(f);
        more = true;
      }
      if (more) {
        failures.sort(Comparator.comparingInt(f -> order.get(f.getRule())));
      }
      if (hasError(failures)) {
        partial.quarantined++;
        out.get(violationsTag).output(more ? new Violation(record.record(), failures) : record);
      } else {
        partial.valid++;
        if (!failures.isEmpty()) {
          partial.warned++;
        }
        out.get(validTag).output(record.record());
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      counters.flush(partial);
      emit(c, partialsTag, partial);
      partial = null;
    }
  }

  /** Dataset unique: keys seen more than once. */
  static final class DuplicateKeysFn extends DoFn<KV<String, Long>, Partial> {
    private final int ruleCount;
    private final int maxExamples;
    private transient @Nullable Partial partial;

    DuplicateKeysFn(int ruleCount, int maxExamples) {
      this.ruleCount = ruleCount;
      this.maxExamples = maxExamples;
    }

    @StartBundle
    public void startBundle() {
      partial = new Partial(ruleCount, maxExamples);
    }

    @ProcessElement
    public void process(@Element KV<String, Long> keyCount) {
      if (keyCount.getValue() < 2) {
        return;
      }
      String key = keyCount.getKey();
      int bar = key.indexOf('|');
      int index = Integer.parseInt(key.substring(0, bar));
      partial.failed[index] += keyCount.getValue();
      partial.observed[index]++;
      partial.example(index, key.substring(bar + 1));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      c.output(partial, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      partial = null;
    }
  }

  /** The one report. */
  static final class ReportFn extends DoFn<Partial, ValidationReport> {
    private final Rules rules;
    private final Schema schema;
    private final Instant now;

    ReportFn(Rules rules, Schema schema, Instant now) {
      this.rules = rules;
      this.schema = schema;
      this.now = now;
    }

    @ProcessElement
    public void process(@Element Partial merged, OutputReceiver<ValidationReport> out) {
      out.output(Reports.build(rules, schema, merged, now.getMillis() * 1_000_000L));
    }
  }
}
