package dev.sediment.transforms.profile;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.table.AvroTableSchema;
import dev.sediment.transforms.profile.ColumnProfileFn.ColumnStats;
import dev.sediment.transforms.profile.ColumnProfileFn.Profile;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/** The profile CombineFn without a pipeline: empty input, one row, merges, sampling. */
public class ColumnProfileFnTest {
  private static final Schema SCHEMA =
      AvroTableSchema.toBeamSchema(
          "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
              + "{\"name\":\"n\",\"type\":[\"null\",\"long\"],\"default\":null},"
              + "{\"name\":\"x\",\"type\":[\"null\",\"double\"],\"default\":null},"
              + "{\"name\":\"s\",\"type\":[\"null\",\"string\"],\"default\":null},"
              + "{\"name\":\"d\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"date\"}],"
              + "\"default\":null},"
              + "{\"name\":\"us\",\"type\":[\"null\",{\"type\":\"long\","
              + "\"logicalType\":\"timestamp-micros\"}],\"default\":null}]}");

  private static Row row(Long n, Double x, String s, Long dayMillis, Long micros) {
    return Row.withSchema(SCHEMA)
        .addValues(
            n, x, s, dayMillis == null ? null : new org.joda.time.Instant(dayMillis), micros)
        .build();
  }

  private static Profile combine(ColumnProfileFn fn, List<Row> rows) {
    Profile acc = fn.createAccumulator();
    for (Row r : rows) {
      acc = fn.addInput(acc, r);
    }
    return fn.extractOutput(acc);
  }

  @Test
  public void empty_countsNothing_noBounds() {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    Profile p = fn.extractOutput(fn.createAccumulator());
    assertThat(p.records(), equalTo(0L));
    ColumnStats n = p.chosen(100).get(0);
    assertThat(n.count(), equalTo(0L));
    assertThat(n.min(), nullValue());
    assertThat(p.chosen(100).get(2).minLength(), equalTo(-1));
    assertThat(p.chosen(100).get(2).distinct(), equalTo(List.of()));
  }

  @Test
  public void oneRow_boundsOfEveryKind() {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    Profile p =
        combine(fn, List.of(row(-4L, 2.5, "h\u00e9llo\uD83D\uDE00", 86_400_000L, 1_000_001L)));
    List<ColumnStats> s = p.chosen(100);
    assertThat(s.get(0).min(), equalTo((Object) (-4L)));
    assertThat(s.get(1).max(), equalTo((Object) 2.5));
    // Code points, not chars: the emoji is one.
    assertThat(s.get(2).minLength(), equalTo(6));
    assertThat(s.get(3).min(), equalTo((Object) LocalDate.of(1970, 1, 2)));
    assertThat(s.get(4).max(), equalTo((Object) Instant.parse("1970-01-01T00:00:01.000001Z")));
  }

  @Test
  public void nullsAndNaN_nullsCounted_NaNNotABoundNorANull() {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    Profile p =
        combine(
            fn,
            List.of(
                row(null, Double.NaN, null, null, null),
                row(3L, 1.0, "a", null, null),
                row(1L, null, "a", null, null)));
    List<ColumnStats> s = p.chosen(100);
    assertThat(s.get(0).nulls(), equalTo(1L));
    assertThat(s.get(0).min(), equalTo((Object) 1L));
    assertThat(s.get(0).max(), equalTo((Object) 3L));
    assertThat(s.get(1).nulls(), equalTo(1L));
    assertThat(s.get(1).min(), equalTo((Object) 1.0));
    assertThat(s.get(1).max(), equalTo((Object) 1.0));
    assertThat(s.get(2).nulls(), equalTo(1L));
    assertThat(s.get(2).distinct(), equalTo(List.of("a")));
  }

  @Test
  public void merge_equalsOnePass_andDistinctOverflowsPast20() throws Exception {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 1.0);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      rows.add(row((long) i, (double) -i, "v" + (char) ('a' + i), null, null));
    }
    Profile twenty = combine(fn, rows.subList(0, 20));
    assertThat(twenty.chosen(100).get(2).distinct().size(), equalTo(20));

    Profile left = combine(fn, rows.subList(0, 11));
    Profile right = combine(fn, rows.subList(11, 21));
    Profile merged = fn.mergeAccumulators(List.of(right, fn.createAccumulator(), left));
    ColumnStats s = merged.chosen(100).get(2);
    assertThat(merged.records(), equalTo(21L));
    assertThat(s.distinct(), equalTo(null));
    assertThat(s.min(), equalTo((Object) "va"));
    assertThat(s.max(), equalTo((Object) "vu"));
    assertThat(merged.chosen(100).get(0).max(), equalTo((Object) 20L));
    assertThat(merged.chosen(100).get(1).min(), equalTo((Object) (-20.0)));
    // A hot key: one accumulator merged with itself many times keeps exact counts.
    Profile hot = combine(fn, List.of(row(7L, 7.0, "k", null, null)));
    List<Profile> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(CoderUtils.clone(ProfileCoder.of(), hot));
    }
    Profile m = fn.mergeAccumulators(many);
    assertThat(m.records(), equalTo(1000L));
    assertThat(m.chosen(2000).get(2).distinct(), equalTo(List.of("k")));
  }

  @Test
  public void sample_largeInputUsesTheSample_deterministically() {
    ColumnProfileFn fn = new ColumnProfileFn(SCHEMA, 0.25);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(row((long) i, null, null, null, null));
    }
    Profile p = combine(fn, rows);
    List<Row> reversed = new ArrayList<>(rows);
    java.util.Collections.reverse(reversed);
    Profile again = combine(fn, reversed);

    assertThat(p.records(), equalTo(1000L));
    // murmur3 of the values decides; 1000 rows give this many under 0.25, in any order.
    assertThat(p.sampledRecords(), equalTo(again.sampledRecords()));
    assertThat(p.sampledRecords(), equalTo(SAMPLED_OF_1000));
    assertThat(p.usesWholeInput(1000), equalTo(false));
    assertThat(p.chosenRecords(1000), equalTo(SAMPLED_OF_1000));
    assertThat(p.chosen(1000).get(0).count(), equalTo(SAMPLED_OF_1000));
    assertThat(p.usesWholeInput(1001), equalTo(true));
    assertThat(p.chosen(1001).get(0).count(), equalTo(1000L));
  }

  private static final long SAMPLED_OF_1000 = 268L;

  @Test
  public void sample_outsideRange_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new ColumnProfileFn(SCHEMA, 0));
    assertThrows(IllegalArgumentException.class, () -> new ColumnProfileFn(SCHEMA, 1.01));
  }
}
