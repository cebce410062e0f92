package dev.sediment.transforms.validate;

import static org.junit.Assert.assertEquals;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * The per-operator loops of {@link BatchEvaluator} for double min/max rules (NaN fails, -0.0 equals
 * 0.0 at the bound, nulls are not checked) and the null-free loop of the long column summary give
 * exactly what the row checks and a value-by-value fold give.
 */
public class BatchEvaluatorNumericTest {
  static final Schema S =
      Schema.builder()
          .addNullableField("x", FieldType.DOUBLE)
          .addInt64Field("n")
          .addNullableField("m", FieldType.INT64)
          .build();

  private static final double[] SPECIAL = {
    0.0, -0.0, 1.0, -1.0, 2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
    Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE
  };

  @Test
  public void doubleBoundsAndLongSummariesAsRowByRow() {
    Rules rules =
        Rules.parse(
            String.join(
                "\n",
                "columns:",
                "  x:",
                "    - {rule: min, value: 0, exclusive: true}",
                "    - {rule: min, value: 0}",
                "    - {rule: max, value: 0, exclusive: true}",
                "    - {rule: max, value: 0}",
                "    - {rule: min, value: 2.5, exclusive: true, severity: warn}",
                "    - {rule: max, value: -1, severity: warn}",
                ""),
            "r.yaml");
    List<Checks.Check> checks = Checks.compile(rules, S);
    assertEquals(6, checks.size());
    BatchEvaluator e = new BatchEvaluator(rules, S);
    BatchRows conv = BatchRows.of(S);
    Random r = new Random(29);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(round < 40 ? 6 : 300);
      boolean anyNull = round % 3 != 0;
      List<Row> rows = new ArrayList<>();
      long[] failed = new long[checks.size()];
      long[] checked = new long[checks.size()];
      long nMin = Long.MAX_VALUE;
      long nMax = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        Double x =
            anyNull && r.nextInt(6) == 0
                ? null
                : r.nextBoolean() ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextGaussian() * 3;
        long v = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100) - 50;
        Long m = r.nextInt(5) == 0 ? null : (long) r.nextInt(1000);
        rows.add(Row.withSchema(S).addValues(x, v, m).build());
        nMin = Math.min(nMin, v);
        nMax = Math.max(nMax, v);
        if (x == null) {
          continue;
        }
        for (int k = 0; k < checks.size(); k++) {
          checked[k]++;
          failed[k] += checks.get(k).test(x) == null ? 0 : 1;
        }
      }
      ColumnBatch batch = conv.toBatch(rows, "mem:" + round);
      Partial p = new Partial(checks.size(), 5);
      p.columns = new ColumnAcc[S.getFieldCount()];
      for (int c = 0; c < p.columns.length; c++) {
        p.columns[c] = new ColumnAcc(ColumnKind.of(S.getField(c)));
      }
      e.evaluate(batch, p);
      assertEquals("round " + round, Arrays.toString(failed), Arrays.toString(p.failed));
      assertEquals("round " + round, Arrays.toString(checked), Arrays.toString(p.checked));
      ColumnAcc acc = p.columns[1];
      assertEquals(n, acc.count);
      assertEquals(0, acc.nulls);
      assertEquals("round " + round, nMin, acc.lmin);
      assertEquals("round " + round, nMax, acc.lmax);
    }
  }
}
