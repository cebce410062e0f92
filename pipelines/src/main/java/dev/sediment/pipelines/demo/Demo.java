package dev.sediment.pipelines.demo;

import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.table.TableIO;
import dev.sediment.pipelines.Command;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code bin/sediment demo}: runs each capability once over sample data shipped in the jar, on
 * the runner of the options (DirectRunner by default), and writes a lake under {@code --lake}.
 * Each capability is a {@link DemoStep}; later capabilities add theirs to {@link #STEPS}.
 */
public final class Demo implements Command<DemoOptions> {

  static final List<DemoStep> STEPS =
      List.of(
          new IngestSampleStep(
              "trades",
              "trades.avsc",
              List.of("trades-2026-02-02.csv", "trades-2026-02-03.csv", "trades-2026-02-04.csv"),
              TableIO.Format.CSV,
              List.of("date")),
          new IngestSampleStep(
              "sensors",
              "sensors.avsc",
              List.of("sensors-part1.jsonl", "sensors-part2.jsonl"),
              TableIO.Format.JSONL,
              List.of("station")),
          new ValidateSampleStep(),
          new CompactSampleStep(),
          new SeismicSampleStep());

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "Run every capability once over bundled sample data into a local lake.";
  }

  @Override
  public String usage() {
    return "[--lake=DIR] [--runner=...]";
  }

  @Override
  public Class<DemoOptions> optionsClass() {
    return DemoOptions.class;
  }

  @Override
  public int run(DemoOptions options, PrintStream out) throws Exception {
    String lake = LakePaths.absolute(options.getLake());
    out.printf("Sediment demo on %s, lake at %s%n", options.getRunner().getSimpleName(), lake);
    int failed = 0;
    for (int i = 0; i < STEPS.size(); i++) {
      DemoStep step = STEPS.get(i);
      out.printf("%n[%d/%d] %s%n", i + 1, STEPS.size(), step.title());
      if (step.run(options, out) != 0) {
        failed++;
      }
    }
    out.println();
    out.printf("Demo finished: %d of %d steps ok.%n", STEPS.size() - failed, STEPS.size());
    out.printf("Look at %s/processed/ (Parquet, hive-partitioned), %s/quarantine/ (bad lines with"
        + " reasons), %s/raw/ (inputs as they arrived) and %s/compact/ (sorted daily partitions"
        + " with meta.json); the seismic traces are in %s/processed/seismic/ and the validation"
        + " report in %s/reports/validation/.%n",
        lake, lake, lake, lake, lake, lake);
    out.println("For example: find " + lake + " -name '*.parquet' | head; cat "
        + lake + "/quarantine/trades/*.jsonl");
    return failed == 0 ? 0 : 1;
  }
}
