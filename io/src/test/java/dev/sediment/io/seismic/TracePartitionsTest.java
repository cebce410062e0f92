package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.Test;

public class TracePartitionsTest {

  private static GenericRecord trace(String net, String sta, Long startNs) {
    GenericRecord r = new GenericData.Record(TraceRecords.SCHEMA);
    r.put("network", net);
    r.put("station", sta);
    r.put("start_time_ns", startNs);
    return r;
  }

  @Test
  public void stationDate_networkStationAndUtcDateOfFirstSample() {
    // 2026-02-03T23:59:59.999999999Z
    long ns = 1_770_163_199_999_999_999L;
    assertThat(
        TracePartitions.stationDate(trace("IU", "ANMO", ns)),
        equalTo("station=IU.ANMO/date=20260203"));
    assertThat(
        TracePartitions.stationDate(trace(" IU ", " ANMO ", ns + 1)),
        equalTo("station=IU.ANMO/date=20260204"));
    assertThat(
        TracePartitions.stationDate(trace("", "ANMO", 0L)), equalTo("station=ANMO/date=19700101"));
    assertThat(
        TracePartitions.stationDate(trace(null, "ANMO", -1L)),
        equalTo("station=ANMO/date=19691231"));
  }

  @Test
  public void stationDate_missingHeaders_areUnknown_andOddCharactersReplaced() {
    assertThat(
        TracePartitions.stationDate(trace("IU", null, null)),
        equalTo("station=unknown/date=unknown"));
    assertThat(
        TracePartitions.stationDate(trace("IU", "  ", 0L)),
        equalTo("station=unknown/date=19700101"));
    assertThat(
        TracePartitions.stationDate(trace("../", "a/b..", 0L)),
        equalTo("station=.._.a_b../date=19700101"));
  }
}
