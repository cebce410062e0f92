package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** {@link PartialCoder} and {@link ColumnAccCoder}: exact round trips, determinism, bad bytes. */
@RunWith(JUnit4.class)
public class PartialCoderTest {
  private static final PartialCoder CODER = PartialCoder.of();

  /** One column of every kind, each with a value and a null (none for the untouched OTHER). */
  private static ColumnAcc[] everyKind() {
    Map<ColumnKind, List<Object>> values =
        Map.ofEntries(
            Map.entry(ColumnKind.STRING, List.of("zeta", "\u00e9t\u00e9\uD83D\uDE00", "alpha")),
            Map.entry(ColumnKind.INTEGRAL, List.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L)),
            Map.entry(ColumnKind.FLOAT, List.of(1.5f, -0.0f, Float.NaN)),
            Map.entry(ColumnKind.DOUBLE, List.of(-0.0, Double.MAX_VALUE, Double.NaN)),
            Map.entry(
                ColumnKind.DECIMAL,
                List.of(new BigDecimal("1.50"), new BigDecimal("-12345678901234567890.1"))),
            Map.entry(ColumnKind.BOOLEAN, List.of(true, false)),
            Map.entry(
                ColumnKind.TIME,
                List.of(
                    Instant.parse("2026-02-06T08:19:00.123456789Z"),
                    Instant.parse("1969-12-31T23:59:59Z"))),
            Map.entry(ColumnKind.TS_MICROS, List.of(1_700_000_000_000_001L, -1L)),
            Map.entry(ColumnKind.TS_NANOS, List.of(1_700_000_000_000_000_001L, 5L)),
            Map.entry(ColumnKind.BYTES, List.of(new byte[] {1, 2})),
            Map.entry(ColumnKind.COLLECTION, List.of(List.of(1, 2))),
            Map.entry(ColumnKind.MAP, List.of(Map.of("k", 1))));
    ColumnKind[] kinds = ColumnKind.values();
    ColumnAcc[] columns = new ColumnAcc[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      columns[i] = new ColumnAcc(kinds[i]);
      if (kinds[i] == ColumnKind.OTHER) {
        continue;
      }
      for (Object v : values.get(kinds[i])) {
        columns[i].add(v);
      }
      columns[i].add(null);
    }
    return columns;
  }

  private static Partial full() {
    Partial p = new Partial(4, 3);
    p.in = 1_000_000_000_000L;
    p.valid = 999_999_999_990L;
    p.quarantined = 10;
    p.warned = 7;
    for (int i = 0; i < 4; i++) {
      p.checked[i] = 100 + i;
      p.failed[i] = i;
      p.observed[i] = i == 3 ? 2 : 0;
    }
    // Rule 0 no example, rule 1 one, rule 2 more than maxExamples, rule 3 a null value.
    p.example(1, "\"only\"");
    for (String e : List.of("5", "\"b\"", "[\"ST02\",\"2026-02-06T04:11:00Z\"]", "1", "\"a\"")) {
      p.example(2, e);
    }
    p.example(3, null);
    p.columns = everyKind();
    return p;
  }

  private static void assertSame(Partial expected, Partial actual) {
    assertThat(actual.maxExamples, equalTo(expected.maxExamples));
    assertThat(actual.in, equalTo(expected.in));
    assertThat(actual.valid, equalTo(expected.valid));
    assertThat(actual.quarantined, equalTo(expected.quarantined));
    assertThat(actual.warned, equalTo(expected.warned));
    assertThat(actual.checked, equalTo(expected.checked));
    assertThat(actual.failed, equalTo(expected.failed));
    assertThat(actual.observed, equalTo(expected.observed));
    assertThat(actual.examples, equalTo(expected.examples));
    if (expected.columns == null) {
      assertThat(actual.columns, nullValue());
      return;
    }
    assertThat(actual.columns.length, equalTo(expected.columns.length));
    for (int i = 0; i < expected.columns.length; i++) {
      assertSame(expected.columns[i], actual.columns[i]);
    }
  }

  private static void assertSame(ColumnAcc expected, ColumnAcc actual) {
    String k = expected.kind.name();
    assertThat(k, actual.kind, equalTo(expected.kind));
    assertThat(k, actual.count, equalTo(expected.count));
    assertThat(k, actual.nulls, equalTo(expected.nulls));
    assertThat(k, actual.any, equalTo(expected.any));
    assertThat(k, actual.lmin, equalTo(expected.lmin));
    assertThat(k, actual.lmax, equalTo(expected.lmax));
    // Double.equals: -0.0 and 0.0 differ, so a lost sign would fail here.
    assertThat(k, actual.dmin, equalTo(expected.dmin));
    assertThat(k, actual.dmax, equalTo(expected.dmax));
    // BigDecimal.equals compares the scale too: 1.50 is not 1.5.
    assertThat(k, actual.bmin, equalTo(expected.bmin));
    assertThat(k, actual.bmax, equalTo(expected.bmax));
    assertThat(k, actual.smin, equalTo(expected.smin));
    assertThat(k, actual.smax, equalTo(expected.smax));
    assertThat(k, actual.minJson(), equalTo(expected.minJson()));
    assertThat(k, actual.maxJson(), equalTo(expected.maxJson()));
  }

  @Test
  public void emptyPart_noRulesNoColumns_roundTrips() throws Exception {
    Partial p = new Partial(0, 0);
    Partial decoded = CoderUtils.clone(CODER, p);
    assertSame(p, decoded);
    assertThat(decoded.checked.length, equalTo(0));
    assertThat(decoded.columns, nullValue());
    CoderProperties.structuralValueDecodeEncodeEqual(CODER, p);
  }

  @Test
  public void freshAccumulator_rulesWithoutExamples_roundTrips() throws Exception {
    Partial.MergeFn fn = new Partial.MergeFn(3, 5);
    Partial decoded = CoderUtils.clone(CODER, fn.createAccumulator());
    assertThat(decoded.maxExamples, equalTo(5));
    assertThat(decoded.checked, equalTo(new long[3]));
    assertThat(decoded.examples.size(), equalTo(3));
    assertThat(decoded.examples.get(2), empty());
    assertThat(decoded.columns, nullValue());
  }

  @Test
  public void oneRecordPart_oneExampleOneColumn_roundTrips() throws Exception {
    Partial p = new Partial(1, 5);
    p.in = 1;
    p.quarantined = 1;
    p.checked[0] = 1;
    p.failed[0] = 1;
    p.example(0, "-99.9");
    p.columns = new ColumnAcc[] {new ColumnAcc(ColumnKind.DOUBLE)};
    p.columns[0].add(-99.9);
    Partial decoded = CoderUtils.clone(CODER, p);
    assertSame(p, decoded);
    assertThat(decoded.examples.get(0), contains("-99.9"));
    assertThat(decoded.columns[0].minJson(), equalTo("-99.9"));
  }

  @Test
  public void fullPart_everyColumnKind_nullsAndExampleSets_roundTripFieldByField() throws Exception {
    Partial p = full();
    Partial decoded = CoderUtils.clone(CODER, p);
    assertSame(p, decoded);
    assertThat(decoded.examples.get(0), empty());
    assertThat(decoded.examples.get(1), contains("\"only\""));
    assertThat(decoded.examples.get(2), contains("\"a\"", "\"b\"", "1"));
    assertThat(decoded.examples.get(3), contains("null"));
    ColumnAcc time = decoded.columns[ColumnKind.TIME.ordinal()];
    assertThat(time.minJson(), equalTo("\"1969-12-31T23:59:59Z\""));
    assertThat(time.maxJson(), equalTo("\"2026-02-06T08:19:00.123456789Z\""));
    assertThat(decoded.columns[ColumnKind.DECIMAL.ordinal()].bmax.scale(), equalTo(2));
    assertThat(decoded.columns[ColumnKind.OTHER.ordinal()].count, equalTo(0L));
    for (ColumnAcc c : decoded.columns) {
      if (c.kind != ColumnKind.OTHER) {
        assertThat(c.kind.name(), c.nulls, equalTo(1L));
      }
    }
    CoderProperties.structuralValueDecodeEncodeEqual(CODER, p);
  }

  @Test
  public void decodedParts_mergeExactlyAsTheOriginals() throws Exception {
    Partial.MergeFn fn = new Partial.MergeFn(4, 3);
    Partial direct = fn.mergeAccumulators(List.of(full(), full()));
    Partial viaCoder =
        fn.mergeAccumulators(List.of(CoderUtils.clone(CODER, full()), CoderUtils.clone(CODER, full())));
    assertSame(direct, viaCoder);
    assertThat(viaCoder.in, equalTo(2_000_000_000_000L));
    assertThat(
        viaCoder.columns[ColumnKind.INTEGRAL.ordinal()].minJson(),
        equalTo(Long.toString(Long.MIN_VALUE)));
    assertThat(
        CoderUtils.encodeToByteArray(CODER, direct),
        equalTo(CoderUtils.encodeToByteArray(CODER, viaCoder)));
  }

  @Test
  public void equalParts_builtInAnyOrder_encodeToTheSameBytes() throws Exception {
    Partial a = new Partial(1, 2);
    Partial b = new Partial(1, 2);
    for (String e : List.of("\"c\"", "\"a\"", "\"b\"")) {
      a.example(0, e);
    }
    for (String e : List.of("\"b\"", "\"a\"", "\"c\"")) {
      b.example(0, e);
    }
    CODER.verifyDeterministic();
    // Partial has no equals, so compare the bytes (CoderProperties.coderDeterministic needs one).
    assertThat(
        CoderUtils.encodeToByteArray(CODER, a), equalTo(CoderUtils.encodeToByteArray(CODER, b)));
    b.failed[0] = 1;
    assertThat(
        CoderUtils.encodeToByteArray(CODER, a), not(equalTo(CoderUtils.encodeToByteArray(CODER, b))));
  }

  @Test
  public void coders_areSerializableAndDeterministic() throws Exception {
    CoderProperties.coderSerializable(CODER);
    CoderProperties.coderSerializable(ColumnAccCoder.of());
    ColumnAccCoder.of().verifyDeterministic();
    for (ColumnAcc c : everyKind()) {
      CoderProperties.structuralValueDecodeEncodeEqual(ColumnAccCoder.of(), c);
      assertSame(c, CoderUtils.clone(ColumnAccCoder.of(), c));
    }
  }

  @Test
  public void corruptBytes_negativeRuleCount_throwsCoderException() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VarIntCoder.of().encode(5, out);
    for (int i = 0; i < 4; i++) {
      VarLongCoder.of().encode(0L, out);
    }
    VarIntCoder.of().encode(-1, out);
    CoderException e =
        assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(CODER, out.toByteArray()));
    assertThat(e.getMessage(), equalTo("corrupt report part: negative rule count -1"));
  }

  @Test
  public void corruptBytes_unknownColumnKind_throwsCoderException() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringUtf8Coder.of().encode("UUID", out);
    CoderException e =
        assertThrows(
            CoderException.class,
            () -> CoderUtils.decodeFromByteArray(ColumnAccCoder.of(), out.toByteArray()));
    assertThat(e.getMessage(), equalTo("not a column kind: UUID"));
  }
}
