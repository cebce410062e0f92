package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The report parts and their CombineFn, without a pipeline. */
@RunWith(JUnit4.class)
public class PartialTest {
  private final Partial.MergeFn fn = new Partial.MergeFn(2, 2);

  private static Partial part(long in, String... examples) {
    Partial p = new Partial(2, 2);
    p.in = in;
    p.valid = in;
    p.checked[0] = in;
    p.failed[0] = examples.length;
    for (String e : examples) {
      p.example(0, e);
    }
    p.columns = new ColumnAcc[] {new ColumnAcc(ColumnKind.DOUBLE)};
    for (long i = 0; i < in; i++) {
      p.columns[0].add((double) i);
    }
    return p;
  }

  @Test
  public void merge_emptyInput_givesZeroCountsAndNoColumns() {
    Partial out = fn.extractOutput(fn.mergeAccumulators(List.of(fn.createAccumulator())));
    assertThat(out.in, equalTo(0L));
    assertThat(out.checked[0], equalTo(0L));
    assertThat(out.examples.get(0), empty());
    assertThat(out.columns, nullValue());
  }

  @Test
  public void merge_oneElement_keepsItsCountsAndSummary() {
    Partial out = fn.extractOutput(fn.addInput(fn.createAccumulator(), part(3, "\"b\"")));
    assertThat(out.in, equalTo(3L));
    assertThat(out.failed[0], equalTo(1L));
    assertThat(out.examples.get(0), contains("\"b\""));
    assertThat(out.columns[0].count, equalTo(3L));
    assertThat(out.columns[0].minJson(), equalTo("0.0"));
    assertThat(out.columns[0].maxJson(), equalTo("2.0"));
  }

  @Test
  public void merge_anyOrderAndTies_keepsTheSmallestDistinctExamples() {
    Partial a = fn.addInput(fn.createAccumulator(), part(2, "\"c\"", "\"a\""));
    Partial b = fn.addInput(fn.createAccumulator(), part(5, "\"a\"", "\"b\"", "\"d\""));
    Partial ab = fn.mergeAccumulators(List.of(a, b));
    Partial ba =
        fn.mergeAccumulators(
            List.of(
                fn.addInput(fn.createAccumulator(), part(5, "\"a\"", "\"b\"", "\"d\"")),
                fn.addInput(fn.createAccumulator(), part(2, "\"c\"", "\"a\""))));
    assertThat(ab.examples.get(0), contains("\"a\"", "\"b\""));
    assertThat(ba.examples.get(0), contains("\"a\"", "\"b\""));
    assertThat(ab.in, equalTo(7L));
    assertThat(ab.failed[0], equalTo(5L));
    assertThat(ab.columns[0].count, equalTo(7L));
    assertThat(ab.columns[0].maxJson(), equalTo("4.0"));
  }

  @Test
  public void merge_hotKeyOfManyParts_sumsExactly() throws Exception {
    Partial acc = fn.createAccumulator();
    for (int i = 0; i < 1000; i++) {
      acc = fn.addInput(acc, part(1, "\"x\""));
    }
    Partial decoded =
        CoderUtils.clone(PartialCoder.of(), fn.extractOutput(acc));
    assertThat(decoded.in, equalTo(1000L));
    assertThat(decoded.failed[0], equalTo(1000L));
    assertThat(decoded.examples.get(0), contains("\"x\""));
    assertThat(decoded.columns[0].nulls, equalTo(0L));
  }

  @Test
  public void columnAcc_nullsAndNaN_areCountedButNotOrdered() {
    ColumnAcc acc = new ColumnAcc(ColumnKind.DOUBLE);
    acc.add(null);
    acc.add(Double.NaN);
    assertThat(acc.count, equalTo(2L));
    assertThat(acc.nulls, equalTo(1L));
    assertThat(acc.minJson(), nullValue());
    acc.add(-1.5);
    assertThat(acc.minJson(), equalTo("-1.5"));
  }
}
