package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.table.AvroTableSchema;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class HivePartitionTest {
  private static final Schema SCHEMA =
      AvroTableSchema.toBeamSchema(
          "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
              + "{\"name\":\"date\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
              + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"]},"
              + "{\"name\":\"n\",\"type\":\"long\"}]}");

  private static Row row(long dateMillis, String venue, long n) {
    return Row.withSchema(SCHEMA)
        .addValues(new org.joda.time.Instant(dateMillis), venue, n)
        .build();
  }

  @Test
  public void pathOf_datesAsDates_valuesEscaped_nullsAsHiveDefault() {
    HivePartition p = HivePartition.by(List.of("date", "venue", "n"));
    assertThat(p.pathOf(row(1770076800000L, "a/b=c:d", 7)), equalTo("date=2026-02-03/venue=a%2Fb%3Dc%3Ad/n=7"));
    assertThat(p.pathOf(row(0, null, -1)), equalTo("date=1970-01-01/venue=__HIVE_DEFAULT_PARTITION__/n=-1"));
  }

  @Test
  public void pathOf_noColumns_empty() {
    assertThat(HivePartition.by(List.of()).pathOf(row(0, "x", 1)), equalTo(""));
  }

  @Test
  public void checkAgainst_unknownColumn_rejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HivePartition.by(List.of("day")).checkAgainst(SCHEMA));
    assertThat(e.getMessage().startsWith("partition column 'day' is not in the schema"), equalTo(true));
  }

  @Test
  public void by_columnNamedTwice_rejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HivePartition.by(List.of("venue", "n", "venue")));
    assertThat(e.getMessage(), equalTo("partition column 'venue' is named twice; name each column once"));
  }
}
