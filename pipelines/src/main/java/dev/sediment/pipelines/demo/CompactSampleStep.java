package dev.sediment.pipelines.demo;

import dev.sediment.io.lake.LakePaths;
import dev.sediment.pipelines.compact.CompactCommand;
import dev.sediment.transforms.compact.CompactJob;
import dev.sediment.transforms.compact.PartitionCompactor;
import dev.sediment.transforms.compact.PartitionVerifier;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Generates a small BBO spool as collectors leave it (several overlapping files per symbol, one
 * written out of order, one running past midnight UTC) in {@code LAKE/spool/bbo/}, then compacts
 * 2026-02-02..04 into {@code LAKE/compact/bbo/} and verifies every partition.
 */
final class CompactSampleStep implements DemoStep {
  static final Schema BBO =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"namespace\":\"dev.sediment.demo\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"},"
                  + "{\"name\":\"bid_sz\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_px\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_sz\",\"type\":\"double\"}]}");
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  @Override
  public String title() {
    return "compact: a generated BBO spool into sorted daily partitions";
  }

  @Override
  public int run(DemoOptions options, PrintStream out) throws Exception {
    String lake = LakePaths.absolute(options.getLake());
    if (LakePaths.hasScheme(lake)) {
      out.println("  the demo generates its sample spool on local disk: run the demo with a local --lake");
      return 1;
    }
    Path spool = Paths.get(lake, "spool", "bbo");
    Path target = Paths.get(lake, "compact", "bbo");
    int files = generate(spool);
    out.printf("  spool:       %s/ (%d files)%n", spool, files);
    List<LocalDate> dates =
        List.of(LocalDate.of(2026, 2, 2), LocalDate.of(2026, 2, 3), LocalDate.of(2026, 2, 4));
    int code =
        CompactCommand.run(
            options, CompactCommand.tasks(spool.toString(), dates), spool.toString(),
            target.toString(), List.of("ts_event", "seq"),
            false, true, out);
    int bad = 0;
    int checked = 0;
    for (String sym : List.of("btcusdt", "ethusdt")) {
      for (LocalDate d : dates) {
        Path dir = CompactJob.partitionDir(target, "exchange=binance/stream=bbo/symbol=" + sym, d);
        if (Files.exists(dir.resolve("meta.json"))) {
          checked++;
          List<String> problems = PartitionVerifier.verify(dir);
          if (!problems.isEmpty()) {
            bad++;
            out.println("  BAD " + dir + ": " + problems);
          }
        }
      }
    }
    out.printf("  verified:    %d partitions, %d bad (bin/sediment verify --target=%s)%n", checked, bad, target);
    return code == 0 && bad == 0 ? 0 : 1;
  }

  /** Deterministic sample: same seed, same files, same compacted bytes on every run. */
  static int generate(Path spool) throws Exception {
    Random rnd = new Random(20260203);
    long day3 = LocalDate.of(2026, 2, 3).toEpochDay() * NANOS_PER_DAY;
    int files = 0;
    for (String sym : List.of("btcusdt", "ethusdt")) {
      double px = sym.equals("btcusdt") ? 97_250.0 : 2_710.0;
      Path dir = spool.resolve("exchange=binance/stream=bbo/symbol=" + sym);
      Files.createDirectories(dir);
      // Collector A from 02 22:00 past midnight; collector B (restarted) on 03; C on 03 late.
      long[][] spans = {
        {day3 - 2 * 3_600_000_000_000L, day3 + 1_800_000_000_000L},
        {day3 + 3_600_000_000_000L, day3 + 10 * 3_600_000_000_000L},
        {day3 + 9 * 3_600_000_000_000L, day3 + NANOS_PER_DAY + 600_000_000_000L}
      };
      String[] names = {"2026-02-02_22-00-00", "2026-02-03_01-00-00", "2026-02-03_09-00-00"};
      for (int f = 0; f < spans.length; f++) {
        List<GenericRecord> rows = new ArrayList<>();
        long ts = spans[f][0];
        long seq = f * 1_000_000L;
        while (ts < spans[f][1] && rows.size() < 4_000) {
          ts += 1 + (long) (rnd.nextDouble() * (spans[f][1] - spans[f][0]) / 2_000);
          px *= 1 + rnd.nextGaussian() * 0.0002;
          GenericData.Record r = new GenericData.Record(BBO);
          r.put("ts_event", ts);
          r.put("seq", seq++);
          r.put("bid_px", Math.round(px * 100) / 100.0);
          r.put("bid_sz", Math.round(rnd.nextDouble() * 500) / 100.0);
          r.put("ask_px", Math.round(px * 100) / 100.0 + 0.01);
          r.put("ask_sz", Math.round(rnd.nextDouble() * 500) / 100.0);
          rows.add(r);
        }
        if (f == 1) {
          java.util.Collections.shuffle(rows, rnd); // one collector flushed out of order
        }
        Path file = dir.resolve(names[f] + ".parquet");
        Files.deleteIfExists(file);
        try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(file, BBO)) {
          for (GenericRecord r : rows) {
            w.write(r);
          }
        }
        files++;
      }
    }
    return files;
  }
}
