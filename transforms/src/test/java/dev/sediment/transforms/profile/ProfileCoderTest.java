package dev.sediment.transforms.profile;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.assertThrows;

import dev.sediment.transforms.profile.ColumnProfileFn.ColumnStats;
import dev.sediment.transforms.profile.ColumnProfileFn.Profile;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

/** {@link ProfileCoder}: exact round trips of every bound type, determinism, bad bytes, use. */
public class ProfileCoderTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final ProfileCoder CODER = ProfileCoder.of();

  /** One column of every {@link ColumnProfileFn.Kind} (bytes: OTHER). */
  private static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("n", Schema.FieldType.INT64)
          .addNullableField("x", Schema.FieldType.DOUBLE)
          .addNullableField("dec", Schema.FieldType.DECIMAL)
          .addNullableField("b", Schema.FieldType.BOOLEAN)
          .addNullableField("s", Schema.FieldType.STRING)
          .addNullableField("d", Schema.FieldType.logicalType(SqlTypes.DATE))
          .addNullableField("t", Schema.FieldType.DATETIME)
          .addNullableField("raw", Schema.FieldType.BYTES)
          .build();

  private static Row row(
      Long n, Double x, BigDecimal dec, Boolean b, String s, LocalDate d, Long tMillis, byte[] raw) {
    return Row.withSchema(SCHEMA)
        .addValues(n, x, dec, b, s, d, tMillis == null ? null : new org.joda.time.Instant(tMillis), raw)
        .build();
  }

  private static List<Row> rows() {
    return List.of(
        row(Long.MIN_VALUE, -0.0, new BigDecimal("1.50"), true, "\u00e9t\u00e9\uD83D\uDE00",
            LocalDate.of(1969, 12, 31), -1L, new byte[] {1}),
        row(Long.MAX_VALUE, Double.NaN, new BigDecimal("-7"), false, "a",
            LocalDate.of(2026, 2, 6), 1_770_000_000_123L, new byte[0]),
        row(null, null, null, null, null, null, null, null));
  }

  private static Profile profile(ColumnProfileFn fn, List<Row> rows) {
    Profile acc = fn.createAccumulator();
    for (Row r : rows) {
      acc = fn.addInput(acc, r);
    }
    return acc;
  }

  private static void assertSame(Profile expected, Profile actual) {
    assertThat(actual.records(), equalTo(expected.records()));
    assertThat(actual.sampledRecords(), equalTo(expected.sampledRecords()));
    assertThat(actual.whole.length, equalTo(expected.whole.length));
    assertThat(actual.sampled.length, equalTo(expected.sampled.length));
    for (int i = 0; i < expected.whole.length; i++) {
      assertSame("whole " + i, expected.whole[i], actual.whole[i]);
      assertSame("sampled " + i, expected.sampled[i], actual.sampled[i]);
    }
  }

  private static void assertSame(String what, ColumnStats expected, ColumnStats actual) {
    assertThat(what, actual.count, equalTo(expected.count));
    assertThat(what, actual.nulls, equalTo(expected.nulls));
    // equals of the bound classes: Double keeps -0.0 apart, BigDecimal compares the scale.
    assertThat(what, actual.min, equalTo(expected.min));
    assertThat(what, actual.max, equalTo(expected.max));
    assertThat(what, actual.min == null ? null : actual.min.getClass(),
        equalTo(expected.min == null ? null : expected.min.getClass()));
    assertThat(what, actual.minLength, equalTo(expected.minLength));
    assertThat(what, actual.maxLength, equalTo(expected.maxLength));
    assertThat(what, actual.distinct, equalTo(expected.distinct));
  }

  @Test
  public void emptyProfiles_noColumnsAndFreshAccumulator_roundTrip() throws Exception {
    Profile none = new Profile(0);
    assertSame(none, CoderUtils.clone(CODER, none));
    Profile fresh = new ColumnProfileFn(SCHEMA, 1.0).createAccumulator();
    Profile decoded = CoderUtils.clone(CODER, fresh);
    assertSame(fresh, decoded);
    assertThat(decoded.whole[4].minLength(), equalTo(-1));
    assertThat(decoded.whole[4].distinct(), equalTo(List.of()));
    assertThat(decoded.whole[0].min(), nullValue());
    CoderProperties.structuralValueDecodeEncodeEqual(CODER, fresh);
  }

  @Test
  public void oneRow_everyKind_roundTrips() throws Exception {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    Profile one = profile(fn, rows().subList(0, 1));
    Profile decoded = CoderUtils.clone(CODER, one);
    assertSame(one, decoded);
    List<ColumnStats> s = decoded.chosen(100);
    assertThat(s.get(0).min(), equalTo((Object) Long.MIN_VALUE));
    assertThat(s.get(1).min(), equalTo((Object) (-0.0)));
    assertThat(s.get(2).max(), equalTo((Object) new BigDecimal("1.50")));
    assertThat(s.get(3).max(), equalTo((Object) true));
    assertThat(s.get(4).minLength(), equalTo(4));
    assertThat(s.get(5).min(), equalTo((Object) LocalDate.of(1969, 12, 31)));
    assertThat(s.get(6).min(), equalTo((Object) Instant.parse("1969-12-31T23:59:59.999Z")));
    assertThat(s.get(7).count(), equalTo(1L));
    assertThat(s.get(7).min(), nullValue());
  }

  @Test
  public void manyRows_nullsNaNAndDistinctSets_roundTripFieldByField() throws Exception {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 0.5);
    List<Row> rows = new ArrayList<>(rows());
    for (int i = 0; i < 30; i++) {
      rows.add(row((long) i, i / 4.0, BigDecimal.valueOf(i, 1), i % 2 == 0, "v" + i,
          LocalDate.ofEpochDay(i), (long) i * 1000, new byte[] {(byte) i}));
    }
    Profile p = profile(fn, rows);
    Profile decoded = CoderUtils.clone(CODER, p);
    assertSame(p, decoded);
    assertThat(decoded.records(), equalTo(33L));
    assertThat(decoded.whole[4].distinct, nullValue());
    assertThat(decoded.whole[1].nulls(), equalTo(1L));
    assertThat(decoded.whole[1].max(), equalTo((Object) 7.25));
    CoderProperties.structuralValueDecodeEncodeEqual(CODER, p);
  }

  @Test
  public void everyBoundType_setByHand_roundTripsWithItsClass() throws Exception {
    Profile p = new Profile(7);
    Object[][] bounds = {
      {-1L, 1L},
      {Double.NEGATIVE_INFINITY, -0.0},
      {new BigDecimal("0.000"), new BigDecimal("1E+3")},
      {false, true},
      {"", "\uFFFF"},
      {LocalDate.MIN, LocalDate.MAX},
      {Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(1_770_000_000L, 1)},
    };
    for (int i = 0; i < bounds.length; i++) {
      ColumnStats s = p.whole[i];
      s.add(false, bounds[i][0], null);
      s.add(false, bounds[i][1], null);
      p.sampled[i].add(true, null, null);
    }
    p.whole[4].distinct = new TreeSet<>(List.of("", "b", "a"));
    p.whole[4].minLength = 0;
    p.whole[4].maxLength = 1;
    Profile decoded = CoderUtils.clone(CODER, p);
    assertSame(p, decoded);
    for (int i = 0; i < bounds.length; i++) {
      assertThat(Arrays.toString(bounds[i]), decoded.whole[i].min(), equalTo(bounds[i][0]));
      assertThat(Arrays.toString(bounds[i]), decoded.whole[i].max(), equalTo(bounds[i][1]));
      assertThat(decoded.sampled[i].nulls(), equalTo(1L));
    }
    assertThat(decoded.whole[4].distinct(), equalTo(List.of("", "a", "b")));
  }

  @Test
  public void decodedAccumulators_mergeExactlyAsTheOriginals() throws Exception {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    Profile a = profile(fn, rows().subList(0, 1));
    Profile b = profile(fn, rows().subList(1, 3));
    Profile direct = fn.mergeAccumulators(List.of(a, b));
    Profile viaCoder =
        fn.mergeAccumulators(List.of(CoderUtils.clone(CODER, a), CoderUtils.clone(CODER, b)));
    assertSame(direct, viaCoder);
    assertThat(viaCoder.whole[4].distinct(), equalTo(List.of("a", "\u00e9t\u00e9\uD83D\uDE00")));
  }

  @Test
  public void sameRowsInAnyOrder_encodeToTheSameBytes_deterministic() throws Exception {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    List<Row> reversed = new ArrayList<>(rows());
    java.util.Collections.reverse(reversed);
    byte[] forward = CoderUtils.encodeToByteArray(CODER, profile(fn, rows()));
    assertThat(CoderUtils.encodeToByteArray(CODER, profile(fn, reversed)), equalTo(forward));
    assertThat(
        CoderUtils.encodeToByteArray(CODER, profile(fn, rows().subList(0, 2))),
        not(equalTo(forward)));
    CODER.verifyDeterministic();
    CoderProperties.coderSerializable(CODER);
  }

  @Test
  public void corruptBytes_unknownBoundTag_throwsCoderException() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VarLongCoder.of().encode(1L, out);
    VarLongCoder.of().encode(0L, out);
    VarIntCoder.of().encode(1, out);
    VarLongCoder.of().encode(1L, out);
    VarLongCoder.of().encode(0L, out);
    ByteCoder.of().encode((byte) 42, out);
    CoderException e =
        assertThrows(
            CoderException.class, () -> CoderUtils.decodeFromByteArray(CODER, out.toByteArray()));
    assertThat(e.getMessage(), equalTo("corrupt profile: unknown bound tag 42"));
  }

  @Test
  public void unknownBoundType_refusedOnEncode() {
    Profile p = new Profile(1);
    p.whole[0].add(false, java.util.UUID.fromString("00000000-0000-0000-0000-000000000001"), null);
    CoderException e =
        assertThrows(CoderException.class, () -> CoderUtils.encodeToByteArray(CODER, p));
    assertThat(e.getMessage(), equalTo("cannot encode a profile bound of type java.util.UUID"));
  }

  @Test
  public void combineGlobally_outputsWithProfileCoder_andRunsWithCoderChecks() {
    PCollection<Profile> out =
        p.apply(Create.of(rows()).withRowSchema(SCHEMA))
            .apply(Combine.globally(new ColumnProfileFn(SCHEMA, 1.0)));
    assertThat(out.getCoder(), sameInstance((Object) CODER));
    PAssert.thatSingleton(out)
        .satisfies(
            (SerializableFunction<Profile, Void>)
                prof -> {
                  assertThat(prof.records(), equalTo(3L));
                  assertThat(prof.chosen(100).get(2).min(), equalTo((Object) new BigDecimal("-7")));
                  assertThat(prof.chosen(100).get(4).distinct(), equalTo(List.of("a", "\u00e9t\u00e9\uD83D\uDE00")));
                  return null;
                });
    p.run();
  }
}
