package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.Test;

public class KWayMergeTest {
  private static final Schema BBO =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"},"
                  + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"]}]}");
  private static final RecordOrder ORDER = RecordOrder.of(BBO, List.of("ts_event", "seq"));

  private static GenericRecord row(long ts, long seq, double px, String venue) {
    GenericData.Record r = new GenericData.Record(BBO);
    r.put("ts_event", ts);
    r.put("seq", seq);
    r.put("bid_px", px);
    r.put("venue", venue);
    return r;
  }

  private static List<String> merge(boolean dedupe, List<List<GenericRecord>> runs) {
    List<Iterator<GenericRecord>> its = new ArrayList<>();
    for (List<GenericRecord> r : runs) {
      its.add(r.iterator());
    }
    List<String> out = new ArrayList<>();
    new KWayMerge<>(its, ORDER, dedupe)
        .forEachRemaining(r -> out.add(r.get("ts_event") + "/" + r.get("seq") + "/" + r.get("bid_px") + "/" + r.get("venue")));
    return out;
  }

  @Test
  public void merge_noRunsOrEmptyRuns_empty() {
    assertThat(merge(false, List.of()), empty());
    assertThat(merge(false, List.of(List.of(), List.of())), empty());
  }

  @Test
  public void merge_oneRun_unchanged() {
    assertThat(
        merge(false, List.of(List.of(row(1, 0, 1.0, null), row(2, 0, 1.0, null)))),
        contains("1/0/1.0/null", "2/0/1.0/null"));
  }

  @Test
  public void mergeSorted_overlappingRuns_keepsTotalOrder() {
    List<GenericRecord> a = List.of(row(1, 1, 9.0, "x"), row(5, 1, 9.0, "x"), row(9, 1, 9.0, "x"));
    List<GenericRecord> b = List.of(row(2, 1, 9.0, "y"), row(5, 0, 9.0, "y"), row(10, 1, 9.0, "y"));
    assertThat(
        merge(false, List.of(a, b)),
        contains("1/1/9.0/x", "2/1/9.0/y", "5/0/9.0/y", "5/1/9.0/x", "9/1/9.0/x", "10/1/9.0/y"));
  }

  @Test
  public void merge_tiesOnSortKeys_orderedByWholeRow_whateverTheRunOrder() {
    // Avro orders a union by branch first: null before any string.
    List<GenericRecord> a = List.of(row(7, 3, 2.5, null), row(7, 3, 2.5, "b"));
    List<GenericRecord> b = List.of(row(7, 3, 1.5, "z"));
    List<String> expected = List.of("7/3/1.5/z", "7/3/2.5/null", "7/3/2.5/b");
    assertThat(merge(false, List.of(a, b)), equalTo(expected));
    assertThat(merge(false, List.of(b, a)), equalTo(expected));
  }

  @Test
  public void merge_duplicates_keptByDefault_droppedWithDedupe() {
    List<GenericRecord> a = List.of(row(1, 1, 1.0, "v"), row(2, 1, 1.0, "v"));
    List<GenericRecord> b = List.of(row(1, 1, 1.0, "v"), row(1, 1, 1.0, "v"), row(2, 1, 2.0, "v"));
    assertThat(merge(false, List.of(a, b)).size(), equalTo(5));
    List<Iterator<GenericRecord>> its = List.of(a.iterator(), b.iterator());
    KWayMerge<GenericRecord> m = new KWayMerge<>(its, ORDER, true);
    int n = 0;
    while (m.hasNext()) {
      m.next();
      n++;
    }
    assertThat(n, equalTo(3));
    assertThat(m.duplicatesDropped(), equalTo(2L));
  }

  @Test
  public void merge_unsortedRun_failsNamingRunAndRow() {
    List<GenericRecord> ok = List.of(row(1, 0, 1.0, null));
    List<GenericRecord> bad = List.of(row(1, 0, 1.0, null), row(5, 0, 1.0, null), row(4, 0, 1.0, null));
    UnsortedRunException e =
        assertThrows(UnsortedRunException.class, () -> merge(false, List.of(ok, bad)));
    assertThat(e.run(), equalTo(1));
    assertThat(e.position(), equalTo(2L));
  }

  @Test
  public void merge_manyRandomRuns_equalsFullSort() {
    Random rnd = new Random(42);
    List<List<GenericRecord>> runs = new ArrayList<>();
    List<GenericRecord> all = new ArrayList<>();
    for (int k = 0; k < 17; k++) {
      List<GenericRecord> run = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        run.add(row(rnd.nextInt(500), rnd.nextInt(3), rnd.nextInt(4), rnd.nextBoolean() ? null : "v" + rnd.nextInt(2)));
      }
      run.sort(ORDER);
      runs.add(run);
      all.addAll(run);
    }
    Collections.shuffle(all, rnd);
    all.sort(ORDER);
    List<String> expected = new ArrayList<>();
    for (GenericRecord r : all) {
      expected.add(r.get("ts_event") + "/" + r.get("seq") + "/" + r.get("bid_px") + "/" + r.get("venue"));
    }
    assertThat(merge(false, runs), equalTo(expected));
  }

  @Test
  public void recordOrder_badSortKeys_rejected() {
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> RecordOrder.of(BBO, List.of("ts")));
    assertThat(missing.getMessage(), containsString("sort key 'ts' is not a column"));
    IllegalArgumentException notLong =
        assertThrows(IllegalArgumentException.class, () -> RecordOrder.of(BBO, List.of("bid_px")));
    assertThat(notLong.getMessage(), containsString("must be integer (INT64 or INT32) columns"));
  }

  @Test
  public void recordOrder_mapColumn_rejected() {
    Schema withMap =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"M\",\"fields\":["
                    + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                    + "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"string\"}}]}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RecordOrder.of(withMap, List.of("ts_event")));
    assertThat(e.getMessage(), containsString("M.tags is a map"));
  }
}
