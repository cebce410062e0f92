package dev.sediment.transforms.validate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A part of a validation report: what one bundle of one step saw. Parts are merged by {@link
 * MergeFn}; examples are kept as the {@code maxExamples} smallest JSON texts, so the merged
 * result does not depend on how records were split into bundles.
 *
 * <p>Encoded by {@link PartialCoder}. Serializable only because {@code Combine.globally} keeps the
 * empty part, its default output, inside a DoFn.
 */
final class Partial implements Serializable {
  private static final long serialVersionUID = 1L;

  final int maxExamples;
  long in;
  long valid;
  long quarantined;
  long warned;
  final long[] checked;
  final long[] failed;
  /** Per rule: a measured count (dataset unique: duplicate keys). */
  final long[] observed;

  final List<TreeSet<String>> examples;
  @Nullable ColumnAcc[] columns;

  Partial(int rules, int maxExamples) {
    this.maxExamples = maxExamples;
    this.checked = new long[rules];
    this.failed = new long[rules];
    this.observed = new long[rules];
    this.examples = new ArrayList<>(rules);
    for (int i = 0; i < rules; i++) {
      examples.add(new TreeSet<>());
    }
  }

  void example(int rule, @Nullable String json) {
    TreeSet<String> s = examples.get(rule);
    String e = json == null ? "null" : json;
    if (s.size() < maxExamples) {
      s.add(e);
    } else if (maxExamples > 0 && e.compareTo(s.last()) < 0 && s.add(e)) {
      s.pollLast();
    }
  }

  void merge(Partial o) {
    in += o.in;
    valid += o.valid;
    quarantined += o.quarantined;
    warned += o.warned;
    for (int i = 0; i < checked.length; i++) {
      checked[i] += o.checked[i];
      failed[i] += o.failed[i];
      observed[i] += o.observed[i];
      for (String e : o.examples.get(i)) {
        example(i, e);
      }
    }
    if (o.columns != null) {
      if (columns == null) {
        columns = new ColumnAcc[o.columns.length];
        for (int i = 0; i < columns.length; i++) {
          columns[i] = new ColumnAcc(o.columns[i].kind);
        }
      }
      for (int i = 0; i < columns.length; i++) {
        columns[i].merge(o.columns[i]);
      }
    }
  }

  /** Merges all parts into one. */
  static final class MergeFn extends Combine.CombineFn<Partial, Partial, Partial> {
    private final int rules;
    private final int maxExamples;

    MergeFn(int rules, int maxExamples) {
      this.rules = rules;
      this.maxExamples = maxExamples;
    }

    @Override
    public Partial createAccumulator() {
      return new Partial(rules, maxExamples);
    }

    @Override
    public Partial addInput(Partial acc, Partial input) {
      acc.merge(input);
      return acc;
    }

    @Override
    public Partial mergeAccumulators(Iterable<Partial> accs) {
      Partial out = createAccumulator();
      for (Partial p : accs) {
        out.merge(p);
      }
      return out;
    }

    @Override
    public Partial extractOutput(Partial acc) {
      return acc;
    }

    @Override
    public Coder<Partial> getAccumulatorCoder(CoderRegistry registry, Coder<Partial> inputCoder) {
      return PartialCoder.of();
    }

    @Override
    public Coder<Partial> getDefaultOutputCoder(CoderRegistry registry, Coder<Partial> inputCoder) {
      return PartialCoder.of();
    }
  }
}
