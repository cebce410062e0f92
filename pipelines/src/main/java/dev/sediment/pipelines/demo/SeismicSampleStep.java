package dev.sediment.pipelines.demo;

import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicFiles;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.pipelines.ingest.Ingest;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;

/**
 * Writes a small synthetic seismic survey with Sediment's own writers into {@code
 * LAKE/samples/seismic/} (a 3-component miniSEED station with a gap, a SEG-Y shot gather, a SAC
 * trace, and a miniSEED file with one damaged record), then runs {@code ingest} over it into the
 * dataset {@code seismic}: traces to Parquet, the damaged record to quarantine.
 */
final class SeismicSampleStep implements DemoStep {
  static final String DATASET = "seismic";
  private static final long START = Instant.parse("2026-02-03T23:55:00Z").getEpochSecond() * 1_000_000_000L;

  @Override
  public String title() {
    return "ingest: generated miniSEED, SEG-Y and SAC files into dataset 'seismic'";
  }

  @Override
  public int run(DemoOptions options, PrintStream out) throws Exception {
    String lake = LakePaths.absolute(options.getLake());
    if (LakePaths.hasScheme(lake)) {
      out.println("  the demo writes its sample files on local disk: run the demo with a local --lake");
      return 1;
    }
    Path samples = Paths.get(lake, "samples", DATASET);
    int files = generate(samples);
    out.printf("  samples:     %s/ (%d files)%n", samples, files);
    Ingest.Spec spec =
        new Ingest.Spec(samples + "/*", lake, DATASET, null, 64L << 20);
    PipelineResult result = Ingest.run(spec, options, out);
    int code = Ingest.report(spec, result, out);
    out.printf("  inspect one: bin/sediment inspect %s%n", samples.resolve("XX.SEDI.mseed"));
    return code;
  }

  /** Deterministic sample files: same seed, same bytes on every run. */
  static int generate(Path dir) throws Exception {
    Files.createDirectories(dir);
    Random rnd = new Random(20260203);
    // A 3-component broadband station, 100 Hz, 10 minutes over midnight UTC, an event at 23:58;
    // the north component has a 30 s gap.
    List<SeismicTrace> station = new ArrayList<>();
    for (String channel : List.of("HHZ", "HHN", "HHE")) {
      int n = 60_000;
      double[] s = signal(rnd, n, 100.0, 18_000, 4_000.0);
      if (channel.equals("HHN")) {
        station.add(trace(channel, START, copy(s, 0, 20_000)));
        station.add(trace(channel, START + 230_000_000_000L, copy(s, 23_000, n)));
      } else {
        station.add(trace(channel, START, s));
      }
    }
    SeismicFiles.write(SeismicFormat.MSEED2, station, Map.of(), dir, "XX.SEDI");

    // The same station's vertical component as SAC.
    SeismicFiles.write(SeismicFormat.SAC, List.of(station.get(0)), Map.of(), dir, "XX.SEDI.HHZ");

    // A shot gather: 24 channels, 2 ms, 1,000 samples, first break moving out with offset.
    List<SeismicTrace> gather = new ArrayList<>();
    for (int ch = 0; ch < 24; ch++) {
      double[] s = signal(rnd, 1000, 500.0, 50 + 12 * ch, 900.0 / (1 + ch));
      gather.add(
          SeismicTrace.builder(SeismicFormat.MSEED2)
              .index(ch)
              .traceNumber((long) ch + 1)
              .line(1001L)
              .sampleRateHz(500.0)
              .encoding(SampleEncoding.FLOAT32)
              .samples(toFloat32(s))
              .build());
    }
    SeismicFiles.write(SeismicFormat.SEGY, gather, Map.of(), dir, "shot-1001");

    // A copy of the station file (4,096-byte records) whose third record has its Steim frames
    // overwritten: that record goes to quarantine, the records before and after it are read.
    byte[] good = Files.readAllBytes(dir.resolve("XX.SEDI.mseed"));
    byte[] bad = good.clone();
    int recordLength = 4096;
    for (int i = 2 * recordLength + 64; i < 2 * recordLength + 1024; i++) {
      bad[i] = (byte) 0x5A;
    }
    Files.write(dir.resolve("XX.SEDI.damaged.mseed"), bad);
    return 4;
  }

  private static SeismicTrace trace(String channel, long start, double[] samples) {
    return SeismicTrace.builder(SeismicFormat.MSEED2)
        .network("XX")
        .station("SEDI")
        .location("00")
        .channel(channel)
        .startTimeNanos(start)
        .sampleRateHz(100.0)
        .encoding(SampleEncoding.STEIM2)
        .samples(samples)
        .build();
  }

  /** Integer counts: noise plus a decaying oscillation from {@code onset}. */
  private static double[] signal(Random rnd, int n, double rate, int onset, double amplitude) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double v = rnd.nextGaussian() * 40;
      if (i >= onset) {
        double t = (i - onset) / rate;
        v += amplitude * Math.exp(-t / 8.0) * Math.sin(2 * Math.PI * 1.5 * t);
      }
      s[i] = Math.rint(v);
    }
    return s;
  }

  private static double[] copy(double[] s, int from, int to) {
    double[] out = new double[to - from];
    System.arraycopy(s, from, out, 0, out.length);
    return out;
  }

  private static double[] toFloat32(double[] s) {
    double[] out = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = (float) s[i];
    }
    return out;
  }
}
