package dev.sediment.bench.seismic;

import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicFuzzer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The long run of io's {@link SeismicFuzzer}: {@code --inputs} mutated inputs per format, findings
 * saved under {@code --findings} (input bytes and stack trace). Exit 1 if there is a finding.
 *
 * <pre>{@code
 * java -Xmx256m -cp ... dev.sediment.bench.seismic.SeismicFuzz --formats=SEGY,SAC --inputs=1000000 \
 *     --seed=1 --testdata=../shared/testdata --findings=bench/target/fuzz-findings
 * }</pre>
 *
 * Prints one line per 100,000 inputs and a summary per format. {@code --replay=FILE} (repeatable,
 * with {@code --formats=} naming the format) re-reads saved findings instead.
 */
public final class SeismicFuzz {
  private SeismicFuzz() {}

  public static void main(String[] args) throws IOException {
    List<SeismicFormat> formats = new ArrayList<>(List.of(SeismicFormat.SEGY, SeismicFormat.SEG2,
        SeismicFormat.MSEED2, SeismicFormat.MSEED3, SeismicFormat.SAC));
    long inputs = 1_000_000;
    long seed = 1;
    int maxSeedBytes = 64 * 1024;
    long timeLimit = 2000;
    Path testdata = Paths.get("../shared/testdata");
    Path findings = Paths.get("bench/target/fuzz-findings");
    List<Path> replay = new ArrayList<>();
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--formats=")) {
        formats.clear();
        for (String f : v.split(",")) {
          formats.add(SeismicFormat.valueOf(f.trim()));
        }
      } else if (a.startsWith("--inputs=")) {
        inputs = Long.parseLong(v);
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(v);
      } else if (a.startsWith("--maxSeedBytes=")) {
        maxSeedBytes = Integer.parseInt(v);
      } else if (a.startsWith("--timeLimitMillis=")) {
        timeLimit = Long.parseLong(v);
      } else if (a.startsWith("--testdata=")) {
        testdata = Paths.get(v);
      } else if (a.startsWith("--replay=")) {
        replay.add(Paths.get(v));
      } else if (a.startsWith("--findings=")) {
        findings = Paths.get(v);
      } else {
        throw new IllegalArgumentException("unknown argument " + a
            + " (--formats= --inputs= --seed= --maxSeedBytes= --timeLimitMillis= --testdata= --findings= --replay=FILE)");
      }
    }
    if (!replay.isEmpty()) {
      // Re-reads saved inputs (as the first of --formats) to tell a real hang from a stalled machine.
      int bad = 0;
      for (Path p : replay) {
        byte[] b = java.nio.file.Files.readAllBytes(p);
        SeismicFuzzer z = new SeismicFuzzer(formats.get(0), List.of(new SeismicFuzzer.Seed(p.toString(), b)), seed)
            .withTimeLimitMillis(timeLimit);
        for (long cut : new long[] {0, b.length / 2, b.length}) {
          SeismicFuzzer.Result r = new SeismicFuzzer.Result();
          long t0 = System.nanoTime();
          SeismicFuzzer.Finding x = z.runOne(0, p.toString(), b, cut, r);
          System.out.printf("%s cut %d: %s in %.1f ms (%d traces, %d typed errors)%n", p, cut,
              x == null ? "ok" : x.kind, (System.nanoTime() - t0) / 1e6, r.traces, r.typedErrors);
          bad += x == null ? 0 : 1;
        }
      }
      System.exit(bad == 0 ? 0 : 1);
    }
    int total = 0;
    for (SeismicFormat f : formats) {
      List<SeismicFuzzer.Seed> seeds = SeismicFuzzer.seeds(f, testdata, maxSeedBytes);
      SeismicFuzzer fuzzer = new SeismicFuzzer(f, seeds, seed).withTimeLimitMillis(timeLimit);
      long t0 = System.nanoTime();
      SeismicFuzzer.Result sum = new SeismicFuzzer.Result();
      long step = 100_000;
      for (long done = 0; done < inputs; done += step) {
        SeismicFuzzer.Result r = fuzzer.run(Math.min(step, inputs - done), findings, done);
        sum.inputs += r.inputs;
        sum.clean += r.clean;
        sum.typedErrors += r.typedErrors;
        sum.traces += r.traces;
        sum.slow += r.slow;
        sum.findings.addAll(r.findings);
        System.out.printf("%s: %,d inputs, %d findings, %.0f s%n", f, sum.inputs, sum.findings.size(),
            (System.nanoTime() - t0) / 1e9);
        for (SeismicFuzzer.Finding x : r.findings) {
          System.out.println("   " + x);
        }
      }
      sum.millis = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("SUMMARY %s seed=%d seeds=%d: %s%n", f, seed, seeds.size(), sum);
      total += sum.findings.size();
    }
    System.exit(total == 0 ? 0 : 1);
  }
}
