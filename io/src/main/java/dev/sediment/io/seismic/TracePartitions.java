package dev.sediment.io.seismic;

import dev.sediment.io.lake.SafePaths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.avro.generic.GenericRecord;

/**
 * The lake partition of a trace record ({@link TraceRecords#SCHEMA}): {@code
 * station=NET.STA/date=YYYYMMDD}, the station from its {@code network} and {@code station} headers
 * and the UTC date of its first sample ({@code start_time_ns}).
 *
 * <pre>{@code
 * TracePartitions.stationDate(record)  // "station=IU.ANMO/date=20260203"
 * }</pre>
 *
 * <p>A missing station or start time gives {@code unknown}; a missing network leaves the station
 * alone ({@code station=ANMO}). Header strings keep only {@code [A-Za-z0-9._-]} (others become
 * {@code _}), and each level starts with its key, so no level can be {@code .} or {@code ..}:
 * {@link SafePaths} proves it. Beam-free.
 */
public final class TracePartitions {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private TracePartitions() {}

  /** {@code station=NET.STA/date=YYYYMMDD} of {@code r} ("unknown" where absent). */
  public static String stationDate(GenericRecord r) {
    Object net = r.get("network");
    Object sta = r.get("station");
    String station;
    if (sta == null || sta.toString().isBlank()) {
      station = "unknown";
    } else if (net == null || net.toString().isBlank()) {
      station = sta.toString().trim();
    } else {
      station = net.toString().trim() + "." + sta.toString().trim();
    }
    Object start = r.get("start_time_ns");
    String date = start == null ? "unknown" : DATE.format(Instant.ofEpochSecond(0, (Long) start));
    return SafePaths.checkRelative(
        "station=" + station.replaceAll("[^A-Za-z0-9._-]", "_") + "/date=" + date);
  }
}
