package dev.sediment.transforms.validate;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.sort.ByteKeySorter;
import dev.sediment.schemas.RuleFailure;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
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
 * seismic {@code gaps}/{@code overlaps}) shuffle only record ids and small tuples, and their
 * failures are joined back to the records by id; without such rules no record is shuffled.
 * Every grouping (these two and dataset {@code unique}) goes into a bounded number of buckets
 * ({@link Rows#withKeyBuckets}, default 64) and finds equal keys by sorting a bucket's values by
 * a byte key as the group is read ({@link ByteKeySorter}: 64 MB in memory, then local disk), so
 * the DirectRunner, which processes each grouped key as its own bundle, pays for 64 keys instead
 * of one per distinct value or record.
 *
 * <p>Memory does not grow with the data, except that column {@code unique} holds the record ids
 * (not the records) of one run of equal values while it counts them.
 *
 * <p>Every PCollection it makes has an explicit coder, none Java-serialized: the rows' schema,
 * {@link ViolationCoder}, {@code PartialCoder} for the report parts and {@link
 * ValidationReportCoder} for the report.
 *
 * <p>Examples are the smallest offending values by their JSON text, so every runner gives the
 * same report. Counters (namespace {@code sediment}): {@code records_validated}, {@code
 * records_valid}, {@code records_invalid}, {@code records_warned}, and per rule {@code
 * rule_checked.<id>} and {@code rule_failed.<id>}.
 */
public final class Validate {
  static final String NAMESPACE = "sediment";
  static final int DEFAULT_KEY_BUCKETS = 64;
  static final int MAX_KEY_BUCKETS = 65536;
  static final long SORTER_MEMORY_BYTES = 64L << 20;

  private Validate() {}

  /** Validates rows against {@code rules}; freshness is measured from now, 5 examples per rule. */
  public static Rows against(Rules rules) {
    checkArgumentNotNull(rules, "rules must not be null");
    return new AutoValue_Validate_Rows.Builder()
        .setRules(rules)
        .setNow(Instant.now())
        .setMaxExamples(5)
        .setKeyBuckets(DEFAULT_KEY_BUCKETS)
        .setSortMemoryBytes(SORTER_MEMORY_BYTES)
        .build();
  }

  /** The transform made by {@link #against}. */
  @AutoValue
  public abstract static class Rows extends PTransform<PCollection<Row>, ValidationResult> {
    private static final long serialVersionUID = 1L;

    abstract Rules rules();

    abstract Instant now();

    abstract int maxExamples();

    abstract int keyBuckets();

    abstract long sortMemoryBytes();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setRules(Rules rules);

      abstract Builder setNow(Instant now);

      abstract Builder setMaxExamples(int n);

      abstract Builder setKeyBuckets(int n);

      abstract Builder setSortMemoryBytes(long bytes);

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

    /**
     * How many buckets the keyed and dataset rules group their keys into, 1 to 65536. Default
     * 64. Each grouping (dataset {@code unique}; column {@code unique}, {@code gaps} and {@code
     * overlaps}; the join of their failures to the records) shuffles into this many keys and
     * finds equal keys by sorting inside a bucket, so the result does not depend on it. More
     * buckets spread the work over more workers on Flink or Dataflow; fewer keep the
     * DirectRunner fast, as it processes a grouped key per bundle at a fixed cost each.
     */
    public Rows withKeyBuckets(int n) {
      checkArgument(
          n >= 1 && n <= MAX_KEY_BUCKETS,
          "withKeyBuckets(n): n must be in [1, %s], not %s",
          MAX_KEY_BUCKETS,
          n);
      return toBuilder().setKeyBuckets(n).build();
    }

    /**
     * How much memory (bytes of keys and encoded values) one bucket's sort may hold before it
     * spills sorted runs to local disk ({@code java.io.tmpdir}). Default 64 MiB. Lower it for
     * workers with little memory per core; the result does not depend on it.
     */
    public Rows withSortMemoryBytes(long bytes) {
      checkArgument(bytes >= 1, "withSortMemoryBytes(bytes): bytes must be at least 1, not %s", bytes);
      return toBuilder().setSortMemoryBytes(bytes).build();
    }

    /**
     * The same validation over {@link ColumnBatch}es of rows of {@code rowSchema}: stateless
     * rules run a column at a time and valid rows stay in batches. See {@link ValidateBatches}.
     */
    public ValidateBatches onBatches(Schema rowSchema) {
      checkArgumentNotNull(rowSchema, "onBatches(rowSchema): rowSchema must not be null");
      return new ValidateBatches(this, rowSchema);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("rules", rules().source()).withLabel("Rules file"))
          .add(DisplayData.item("ruleCount", rules().rules().size()).withLabel("Rules"))
          .add(DisplayData.item("now", now()).withLabel("Freshness reference time"))
          .add(DisplayData.item("maxExamples", maxExamples()).withLabel("Examples per rule"))
          .addIfNotDefault(
              DisplayData.item("keyBuckets", keyBuckets()).withLabel("Key buckets"),
              DEFAULT_KEY_BUCKETS)
          .addIfNotDefault(
              DisplayData.item("sortMemoryBytes", sortMemoryBytes())
                  .withLabel("Sort memory per bucket (bytes)"),
              SORTER_MEMORY_BYTES);
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
      int buckets = keyBuckets();
      Coder<Integer> bucketCoder = VarIntCoder.of();
      Coder<byte[]> sortKeyCoder = ByteArrayCoder.of();
      try {
        // Buckets are grouped; sort keys are compared as bytes, so both must encode
        // deterministically.
        bucketCoder.verifyDeterministic();
        sortKeyCoder.verifyDeterministic();
      } catch (Coder.NonDeterministicException e) {
        throw new IllegalStateException(e);
      }

      TupleTag<Row> validTag = new TupleTag<Row>("valid") {};
      TupleTag<Violation> violationsTag = new TupleTag<Violation>("violations") {};
      TupleTag<Partial> partialsTag = new TupleTag<Partial>("partials") {};
      TupleTag<KV<Integer, KV<byte[], KeyedEntry>>> keyedTag =
          new TupleTag<KV<Integer, KV<byte[], KeyedEntry>>>("keyed") {};
      TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> byIdTag =
          new TupleTag<KV<Integer, KV<byte[], RawUnionValue>>>("byId") {};
      TupleTag<KV<Integer, KV<byte[], Void>>> datasetKeysTag =
          new TupleTag<KV<Integer, KV<byte[], Void>>>("datasetKeys") {};

      ViolationCoder violationCoder = ViolationCoder.of(schema);
      PartialCoder partialCoder = PartialCoder.of();
      // The join's values: a record (union tag 0) or one of its keyed failures (1).
      UnionCoder joinCoder = UnionCoder.of(List.of(violationCoder, RuleFailureCoder.of()));
      KvCoder<Integer, KV<byte[], RawUnionValue>> joinEntryCoder =
          KvCoder.of(bucketCoder, KvCoder.of(sortKeyCoder, joinCoder));

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
                          buckets,
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
      evaluated
          .get(keyedTag)
          .setCoder(
              KvCoder.of(bucketCoder, KvCoder.of(sortKeyCoder, KeyedEntry.EntryCoder.INSTANCE)));
      evaluated.get(byIdTag).setCoder(joinEntryCoder);
      evaluated
          .get(datasetKeysTag)
          .setCoder(KvCoder.of(bucketCoder, KvCoder.of(sortKeyCoder, VoidCoder.of())));

      PCollectionList<Partial> parts = PCollectionList.of(evaluated.get(partialsTag));
      PCollection<Row> valid;
      PCollection<Violation> violations;
      if (keyed) {
        TupleTag<Partial> keyedPartialsTag = new TupleTag<Partial>("keyedPartials") {};
        TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> failuresTag =
            new TupleTag<KV<Integer, KV<byte[], RawUnionValue>>>("keyedFailures") {};
        PCollectionTuple keyedOut =
            evaluated
                .get(keyedTag)
                .apply("GroupRuleKeysByBucket", GroupByKey.create())
                .apply(
                    "EvaluateKeyedRules",
                    ParDo.of(
                            new KeyedRulesFn(
                                rules,
                                maxExamples(),
                                buckets,
                                sortMemoryBytes(),
                                failuresTag,
                                keyedPartialsTag))
                        .withOutputTags(failuresTag, TupleTagList.of(keyedPartialsTag)));
        PCollection<KV<Integer, KV<byte[], RawUnionValue>>> failures =
            keyedOut.get(failuresTag).setCoder(joinEntryCoder);
        keyedOut.get(keyedPartialsTag).setCoder(partialCoder);
        parts = parts.and(keyedOut.get(keyedPartialsTag));

        TupleTag<Row> joinedValidTag = new TupleTag<Row>("joinedValid") {};
        TupleTag<Violation> joinedViolationsTag = new TupleTag<Violation>("joinedViolations") {};
        TupleTag<Partial> joinedPartialsTag = new TupleTag<Partial>("joinedPartials") {};
        PCollectionTuple joined =
            PCollectionList.of(evaluated.get(byIdTag))
                .and(failures)
                .apply("FlattenRecordsAndFailures", Flatten.pCollections())
                .setCoder(joinEntryCoder)
                .apply("GroupRecordsByBucket", GroupByKey.create())
                .apply(
                    "ClassifyRecords",
                    ParDo.of(
                            new ClassifyFn(
                                rules,
                                joinCoder,
                                sortMemoryBytes(),
                                n,
                                maxExamples(),
                                joinedValidTag,
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
                    .apply("GroupDatasetKeysByBucket", GroupByKey.create())
                    .apply("FindDuplicateKeys", ParDo.of(new DuplicateKeysFn(n, maxExamples(), sortMemoryBytes())))
                    .setCoder(partialCoder));
      }
      PCollection<ValidationReport> report =
          parts
              .apply("FlattenReportParts", Flatten.pCollections())
              .setCoder(partialCoder)
              .apply("MergeReportParts", Combine.globally(new Partial.MergeFn(n, maxExamples())))
              .setCoder(partialCoder)
              .apply("BuildReport", ParDo.of(new ReportFn(rules, schema, now())))
              .setCoder(ValidationReportCoder.of());
      return new ValidationResult(input.getPipeline(), valid, violations, report);
    }
  }

  /**
   * One grouped bucket's values sorted by their byte key in bounded memory ({@code memoryBytes},
   * then local disk).
   */
  static <V> ByteKeySorter<V> sorted(
      KV<Integer, Iterable<KV<byte[], V>>> bucket, Coder<V> coder, long memoryBytes) {
    return ByteKeySorter.sort(bucket.getValue(), coder, memoryBytes);
  }

  static boolean isKeyed(Rule r) {
    return (r.level() == Rule.Level.COLUMN && r.name().equals("unique"))
        || (r.level() == Rule.Level.SEISMIC
            && (r.name().equals("gaps") || r.name().equals("overlaps")));
  }

  static void emit(DoFn<?, ?>.FinishBundleContext c, TupleTag<Partial> tag, Partial p) {
    c.output(tag, p, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
  }

  static void emitBatch(DoFn<?, ColumnBatch>.FinishBundleContext c, ColumnBatch batch) {
    c.output(batch, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
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
    private final int buckets;
    private final TupleTag<Row> validTag;
    private final TupleTag<Violation> violationsTag;
    private final TupleTag<Partial> partialsTag;
    private final TupleTag<KV<Integer, KV<byte[], KeyedEntry>>> keyedTag;
    private final TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> byIdTag;
    private final TupleTag<KV<Integer, KV<byte[], Void>>> datasetKeysTag;

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
        int buckets,
        TupleTag<Violation> violationsTag,
        TupleTag<Partial> partialsTag,
        TupleTag<KV<Integer, KV<byte[], KeyedEntry>>> keyedTag,
        TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> byIdTag,
        TupleTag<KV<Integer, KV<byte[], Void>>> datasetKeysTag) {
      this.rules = rules;
      this.schema = schema;
      this.maxExamples = maxExamples;
      this.keyed = keyed;
      this.buckets = buckets;
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
        byte[] sortKey = SortKeys.ruleValue(datasetUniqueRules[k], Json.text(key));
        out.get(datasetKeysTag)
            .output(
                KV.of(
                    SortKeys.bucket(sortKey, sortKey.length, buckets),
                    KV.<byte[], Void>of(sortKey, null)));
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
          byte[] sortKey = SortKeys.ruleValue(uniqueRules[k], Json.text(v));
          out.get(keyedTag)
              .output(
                  KV.of(
                      SortKeys.bucket(sortKey, sortKey.length, buckets),
                      KV.of(sortKey, new KeyedEntry(id, 0, 0, 0))));
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
            byte[] sortKey = SortKeys.ruleChannelStart(r, ch, t, id);
            int prefix = SortKeys.channelPrefix(sortKey);
            out.get(keyedTag)
                .output(KV.of(SortKeys.bucket(sortKey, prefix, buckets), KV.of(sortKey, e)));
          }
        }
      }
      out.get(byIdTag).output(joinEntry(id, SortKeys.RECORD, new Violation(row, failures), buckets));
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

  /** A join entry: bucket by the hash of the record id, sorted by (id, tag). */
  static KV<Integer, KV<byte[], RawUnionValue>> joinEntry(
      String id, byte tag, Object value, int buckets) {
    byte[] sortKey = SortKeys.idTag(id, tag);
    return KV.of(
        SortKeys.bucket(sortKey, sortKey.length - 1, buckets),
        KV.of(sortKey, new RawUnionValue(tag, value)));
  }

  /**
   * Column unique, gaps and overlaps over one bucket's entries, sorted by their keys: runs of
   * one (rule, value) for unique, runs of one (rule, channel) in (start, id) order for gaps and
   * overlaps.
   */
  static final class KeyedRulesFn
      extends DoFn<
          KV<Integer, Iterable<KV<byte[], KeyedEntry>>>, KV<Integer, KV<byte[], RawUnionValue>>> {
    private final Rules rules;
    private final int maxExamples;
    private final int buckets;
    private final long sortMemoryBytes;
    private final TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> failuresTag;
    private final TupleTag<Partial> partialsTag;
    private transient Partial partial;
    private transient RuleCounters counters;

    KeyedRulesFn(
        Rules rules,
        int maxExamples,
        int buckets,
        long sortMemoryBytes,
        TupleTag<KV<Integer, KV<byte[], RawUnionValue>>> failuresTag,
        TupleTag<Partial> partialsTag) {
      this.rules = rules;
      this.sortMemoryBytes = sortMemoryBytes;
      this.failuresTag = failuresTag;
      this.maxExamples = maxExamples;
      this.buckets = buckets;
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
    public void process(
        @Element KV<Integer, Iterable<KV<byte[], KeyedEntry>>> bucket, MultiOutputReceiver out) {
      OutputReceiver<KV<Integer, KV<byte[], RawUnionValue>>> failures = out.get(failuresTag);
      // The current unique run: its key and the ids in it (ids only, never records).
      byte[] runKey = null;
      List<String> runIds = new ArrayList<>();
      // The current gaps/overlaps channel: its key prefix and the previous record.
      byte[] channelKey = null;
      int channelPrefix = 0;
      KeyedEntry prev = null;
      try (ByteKeySorter<KeyedEntry> sorted = sorted(bucket, KeyedEntry.EntryCoder.INSTANCE, sortMemoryBytes)) {
        for (KV<byte[], KeyedEntry> kv : sorted) {
          byte[] key = kv.getKey();
          int index = SortKeys.getInt(key, 0);
          Rule r = rules.rules().get(index);
          if (r.name().equals("unique")) {
            if (runKey == null || !Arrays.equals(runKey, key)) {
              flushUnique(runKey, runIds, failures);
              runKey = key;
              runIds.clear();
            }
            runIds.add(kv.getValue().id);
            continue;
          }
          int prefix = SortKeys.channelPrefix(key);
          if (channelKey == null
              || prefix != channelPrefix
              || !Arrays.equals(channelKey, 0, prefix, key, 0, prefix)) {
            channelKey = key;
            channelPrefix = prefix;
            prev = kv.getValue();
            continue;
          }
          KeyedEntry cur = kv.getValue();
          timing(index, r, SortKeys.channel(key), prev, cur, failures);
          prev = cur;
        }
      }
      flushUnique(runKey, runIds, failures);
    }

    private void flushUnique(
        byte[] runKey,
        List<String> ids,
        OutputReceiver<KV<Integer, KV<byte[], RawUnionValue>>> failures) {
      if (runKey == null || ids.size() < 2) {
        return;
      }
      int index = SortKeys.getInt(runKey, 0);
      Rule r = rules.rules().get(index);
      String value = SortKeys.value(runKey);
      int n = ids.size();
      String message = value + " occurs " + n + " times";
      for (String id : ids) {
        RuleFailure f = RuleFailure.of(r.id(), r.column(), r.severity().label(), value, message);
        failures.output(joinEntry(id, SortKeys.FAILURE, f, buckets));
      }
      partial.failed[index] += n;
      partial.example(index, value);
    }

    private void timing(
        int index,
        Rule r,
        String channel,
        KeyedEntry prev,
        KeyedEntry cur,
        OutputReceiver<KV<Integer, KV<byte[], RawUnionValue>>> failures) {
      boolean gaps = r.name().equals("gaps");
      java.math.BigDecimal tol = r.number("tolerance");
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
                + channel
                + " (tolerance "
                + Json.text(tolerance)
                + " s)";
        RuleFailure f = RuleFailure.of(r.id(), null, r.severity().label(), value, message);
        failures.output(joinEntry(cur.id, SortKeys.FAILURE, f, buckets));
        partial.failed[index]++;
        partial.example(index, value);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      counters.flush(partial);
      emit(c, partialsTag, partial);
      partial = null;
    }
  }

  /**
   * Joins keyed-rule failures back to their records and routes each record: one bucket's
   * entries sorted by (record id, tag), so each id's record comes first, then its failures.
   */
  static final class ClassifyFn
      extends DoFn<KV<Integer, Iterable<KV<byte[], RawUnionValue>>>, Row> {
    private final Rules rules;
    private final UnionCoder joinCoder;
    private final long sortMemoryBytes;
    private final int ruleCount;
    private final int maxExamples;
    private final TupleTag<Row> validTag;
    private final TupleTag<Violation> violationsTag;
    private final TupleTag<Partial> partialsTag;
    private transient Map<String, Integer> order;
    private transient Partial partial;
    private transient RecordCounters counters;

    ClassifyFn(
        Rules rules,
        UnionCoder joinCoder,
        long sortMemoryBytes,
        int ruleCount,
        int maxExamples,
        TupleTag<Row> validTag,
        TupleTag<Violation> violationsTag,
        TupleTag<Partial> partialsTag) {
      this.rules = rules;
      this.joinCoder = joinCoder;
      this.sortMemoryBytes = sortMemoryBytes;
      this.ruleCount = ruleCount;
      this.maxExamples = maxExamples;
      this.validTag = validTag;
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
    public void process(
        @Element KV<Integer, Iterable<KV<byte[], RawUnionValue>>> bucket,
        MultiOutputReceiver out) {
      Violation record = null;
      String recordId = null;
      List<RuleFailure> more = new ArrayList<>();
      try (ByteKeySorter<RawUnionValue> sorted = sorted(bucket, joinCoder, sortMemoryBytes)) {
        for (KV<byte[], RawUnionValue> kv : sorted) {
          byte[] key = kv.getKey();
          if (SortKeys.tag(key) == SortKeys.RECORD) {
            if (record != null) {
              classify(record, more, out);
            }
            record = (Violation) kv.getValue().getValue();
            recordId = SortKeys.id(key);
            more.clear();
            continue;
          }
          String id = SortKeys.id(key);
          if (record == null || !id.equals(recordId)) {
            throw new IllegalStateException("keyed failures for unknown record id " + id);
          }
          more.add((RuleFailure) kv.getValue().getValue());
        }
      }
      if (record != null) {
        classify(record, more, out);
      }
    }

    private void classify(Violation record, List<RuleFailure> more, MultiOutputReceiver out) {
      List<RuleFailure> failures = record.failures();
      if (!more.isEmpty()) {
        failures = new ArrayList<>(failures);
        failures.addAll(more);
        failures.sort(Comparator.comparingInt(f -> order.get(f.getRule())));
      }
      if (hasError(failures)) {
        partial.quarantined++;
        out.get(violationsTag)
            .output(more.isEmpty() ? record : new Violation(record.record(), failures));
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

  /** Dataset unique: runs of equal (rule, key) in one bucket's sorted keys. */
  static final class DuplicateKeysFn
      extends DoFn<KV<Integer, Iterable<KV<byte[], Void>>>, Partial> {
    private final int ruleCount;
    private final int maxExamples;
    private final long sortMemoryBytes;
    private transient @Nullable Partial partial;

    DuplicateKeysFn(int ruleCount, int maxExamples, long sortMemoryBytes) {
      this.ruleCount = ruleCount;
      this.maxExamples = maxExamples;
      this.sortMemoryBytes = sortMemoryBytes;
    }

    @StartBundle
    public void startBundle() {
      partial = new Partial(ruleCount, maxExamples);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<byte[], Void>>> bucket) {
      byte[] run = null;
      long n = 0;
      try (ByteKeySorter<Void> sorted = sorted(bucket, VoidCoder.of(), sortMemoryBytes)) {
        for (KV<byte[], Void> kv : sorted) {
          byte[] key = kv.getKey();
          if (run != null && Arrays.equals(run, key)) {
            n++;
            continue;
          }
          duplicates(run, n);
          run = key;
          n = 1;
        }
      }
      duplicates(run, n);
    }

    private void duplicates(byte[] key, long n) {
      if (key == null || n < 2) {
        return;
      }
      int index = SortKeys.getInt(key, 0);
      partial.failed[index] += n;
      partial.observed[index]++;
      partial.example(index, SortKeys.value(key));
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
