package dev.sediment.tests;

import dev.sediment.io.parquet.LocalParquetFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A BBO spool as collectors leave it ({@code SPOOL/exchange=X/stream=bbo/symbol=Y/NAME.parquet},
 * Parquet written with parquet-avro, as the demo's {@code CompactSampleStep} makes one), built
 * from a list of {@link SpoolFile}s. Timestamps sit on a fixed grid, so how many rows fall on
 * each UTC date is plain arithmetic; prices come from a seeded random walk, so the same list
 * always gives the same files.
 */
final class BboSpool {
  static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"namespace\":\"dev.sediment.tests\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"},"
                  + "{\"name\":\"bid_sz\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_px\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_sz\",\"type\":\"double\"}]}");
  static final long SECOND = 1_000_000_000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /**
   * One spool file of {@code rows} rows at {@code start}, {@code start + step}, ... (nanoseconds
   * since the epoch), {@code seq} counting up from {@code seqBase}, written in that order or, when
   * {@code sorted} is false, shuffled (a collector that flushed out of order).
   */
  static final class SpoolFile {
    final String partition;
    final String name;
    final long start;
    final long step;
    final int rows;
    final long seqBase;
    final boolean sorted;

    SpoolFile(String partition, String name, long start, long step, int rows, long seqBase, boolean sorted) {
      this.partition = partition;
      this.name = name;
      this.start = start;
      this.step = step;
      this.rows = rows;
      this.seqBase = seqBase;
      this.sorted = sorted;
    }

    /** How many of this file's rows fall on the UTC date {@code d}. */
    long rowsOn(LocalDate d) {
      long lo = d.toEpochDay() * DAY;
      long n = 0;
      for (int i = 0; i < rows; i++) {
        long ts = start + i * step;
        if (ts >= lo && ts < lo + DAY) {
          n++;
        }
      }
      return n;
    }
  }

  /** Nanoseconds since the epoch of {@code d} at {@code hh:mm} UTC. */
  static long at(LocalDate d, int hour, int minute) {
    return d.toEpochDay() * DAY + hour * HOUR + minute * MINUTE;
  }

  /** Writes every file under {@code spool}; returns {@code spool}. */
  static Path write(Path spool, List<SpoolFile> files) throws IOException {
    for (SpoolFile f : files) {
      Path dir = spool.resolve(f.partition);
      Files.createDirectories(dir);
      Random rnd = new Random(f.partition.hashCode() * 31L + f.name.hashCode());
      double px = 97_000 + rnd.nextInt(1_000);
      List<GenericRecord> rows = new ArrayList<>(f.rows);
      for (int i = 0; i < f.rows; i++) {
        px *= 1 + rnd.nextGaussian() * 0.0002;
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put("ts_event", f.start + i * f.step);
        r.put("seq", f.seqBase + i);
        r.put("bid_px", Math.round(px * 100) / 100.0);
        r.put("bid_sz", Math.round(rnd.nextDouble() * 500) / 100.0);
        r.put("ask_px", Math.round(px * 100) / 100.0 + 0.01);
        r.put("ask_sz", Math.round(rnd.nextDouble() * 500) / 100.0);
        rows.add(r);
      }
      if (!f.sorted) {
        Collections.shuffle(rows, rnd);
      }
      try (ParquetWriter<GenericRecord> w =
          AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(dir.resolve(f.name + ".parquet")))
              .withSchema(SCHEMA)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(8L << 20)
              .build()) {
        for (GenericRecord r : rows) {
          w.write(r);
        }
      }
    }
    return spool;
  }

  /** The rows {@code files} hold for {@code partition} on {@code d}. */
  static long rowsOn(List<SpoolFile> files, String partition, LocalDate d) {
    long n = 0;
    for (SpoolFile f : files) {
      if (f.partition.equals(partition)) {
        n += f.rowsOn(d);
      }
    }
    return n;
  }

  /**
   * The {@code ts_event,seq} of every row {@code files} hold for {@code partition} on {@code d},
   * in the order compaction must write them.
   */
  static List<String> keysOn(List<SpoolFile> files, String partition, LocalDate d) {
    long lo = d.toEpochDay() * DAY;
    List<long[]> keys = new ArrayList<>();
    for (SpoolFile f : files) {
      if (!f.partition.equals(partition)) {
        continue;
      }
      for (int i = 0; i < f.rows; i++) {
        long ts = f.start + i * f.step;
        if (ts >= lo && ts < lo + DAY) {
          keys.add(new long[] {ts, f.seqBase + i});
        }
      }
    }
    keys.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<String> out = new ArrayList<>(keys.size());
    for (long[] k : keys) {
      out.add(k[0] + "," + k[1]);
    }
    return out;
  }

  private BboSpool() {}
}
