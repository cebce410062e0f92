package dev.sediment.pipelines.compact;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.LakePaths;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.UsageException;
import dev.sediment.transforms.compact.Compact;
import dev.sediment.transforms.compact.CompactJob;
import dev.sediment.transforms.compact.SortKeyCheck;
import dev.sediment.transforms.compact.SpoolLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;

/**
 * {@code bin/sediment compact}: merges each spool partition's files of each chosen date into one
 * sorted, verified {@code data.parquet} with {@code meta.json}. Exit 0 when every file went in,
 * 3 when some were quarantined (the rest still compacted), 1 on failure.
 */
public final class CompactCommand implements Command<CompactOptions> {

  @Override
  public String name() {
    return "compact";
  }

  @Override
  public String summary() {
    return "Merge spool partitions into one sorted, verified data.parquet + meta.json per date.";
  }

  @Override
  public String usage() {
    return "--spool=ROOT --target=ROOT --mode=daily|backfill|single [--date=YYYYMMDD]"
        + " [--start=YYYYMMDD --end=YYYYMMDD] [--partition=K=V/K=V] [--sortKeys=...]"
        + " [--dedupe] [--force]";
  }

  @Override
  public Class<CompactOptions> optionsClass() {
    return CompactOptions.class;
  }

  @Override
  public int run(CompactOptions o, PrintStream out) throws Exception {
    // Steps: dates from the mode, partitions from the spool, one task each, run, report.
    List<LocalDate> dates = dates(o.getMode(), o.getDate(), o.getStart(), o.getEnd(), LocalDate.now(ZoneOffset.UTC));
    String spool = LakePaths.absolute(o.getSpool());
    String target = LakePaths.absolute(o.getTarget());
    if (!LakePaths.hasScheme(spool) && !Files.isDirectory(Paths.get(spool))) {
      throw new CommandFailedException("--spool=" + o.getSpool() + " is not a directory");
    }
    List<String> keys = sortKeys(o.getSortKeys());
    String prefix = o.getPartition().replaceAll("^/+|/+$", "");
    List<KV<String, String>> tasks = new ArrayList<>();
    Map<String, List<MatchResult.Metadata>> partitions;
    try {
      partitions = SpoolLayout.list(LakeFiles.dir(spool));
    } catch (IOException | RuntimeException e) {
      throw new CommandFailedException("cannot list --spool=" + o.getSpool() + ": " + e.getMessage());
    }
    List<MatchResult.Metadata> selected = new ArrayList<>();
    for (Map.Entry<String, List<MatchResult.Metadata>> e : partitions.entrySet()) {
      String p = e.getKey();
      if (prefix.isEmpty() || p.equals(prefix) || p.startsWith(prefix + "/")) {
        selected.addAll(e.getValue());
        for (LocalDate d : dates) {
          tasks.add(KV.of(p, d.format(CompactJob.DATE)));
        }
      }
    }
    if (tasks.isEmpty()) {
      throw new CommandFailedException(
          "no spool partition" + (prefix.isEmpty() ? "" : " under --partition=" + prefix) + " in " + spool);
    }
    // A key that no file has would quarantine every file: refuse the call before writing anything.
    String problem = SortKeyCheck.problem(selected, keys);
    if (problem != null) {
      throw new UsageException("--sortKeys=" + o.getSortKeys() + ": " + problem + "; " + SORT_KEYS_HINT);
    }
    out.printf(
        "compact: %,d partitions x %,d dates on %s%n",
        tasks.size() / dates.size(), dates.size(), o.getRunner().getSimpleName());
    return run(o, tasks, spool, target, keys, o.getDedupe(), o.getForce(), out);
  }

  /**
   * Runs the compaction of {@code tasks} ({@code (partition, yyyyMMdd)}) and prints the summary;
   * returns 0, or 3 when files were quarantined.
   */
  public static int run(
      PipelineOptions options,
      List<KV<String, String>> tasks,
      String spool,
      String target,
      List<String> keys,
      boolean dedupe,
      boolean force,
      PrintStream out) {
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      // The DirectRunner's scheduler spins on every idle worker thread while a long bundle runs
      // (apache/beam#18070), taking a core from the compaction: no more threads than tasks.
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setTargetParallelism(Math.max(1, Math.min(direct.getTargetParallelism(), tasks.size())));
    }
    Pipeline p = Pipeline.create(options);
    p.apply("Tasks", Create.of(tasks).withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(
            "Compact",
            Compact.sortedMerge()
                .from(spool)
                .to(target)
                .by(keys)
                .withDedupe(dedupe)
                .withForce(force));
    long started = System.nanoTime();
    PipelineResult result = p.run();
    PipelineResult.State state;
    while ((state = result.waitUntilFinish(PROGRESS_INTERVAL)) == null || !state.isTerminal()) {
      RunCounts now = RunCounts.of(result);
      long done =
          now.get("partitions_written") + now.get("partitions_unchanged") + now.get("partitions_without_rows");
      out.printf(
          "compact: %,d of %,d partition-dates done, %,d rows written so far (%d s)%n",
          done, tasks.size(), now.get("rows_written"), (System.nanoTime() - started) / 1_000_000_000L);
    }
    if (state != PipelineResult.State.DONE) {
      throw new CommandFailedException("the compaction pipeline ended " + state);
    }
    RunCounts c = RunCounts.of(result);
    long quarantined = c.get("files_quarantined");
    out.printf(
        "compact: %,d partitions written, %,d unchanged, %,d without rows; %,d rows; %,d files quarantined%n",
        c.get("partitions_written"), c.get("partitions_unchanged"), c.get("partitions_without_rows"),
        c.get("rows_written"), quarantined);
    out.printf("  target:      %s/%n", target);
    if (quarantined > 0) {
      out.printf("  quarantine:  %s/QUARANTINE/ (each date directory has error.json)%n", target);
      return 3;
    }
    return 0;
  }

  private static final org.joda.time.Duration PROGRESS_INTERVAL =
      org.joda.time.Duration.standardSeconds(15);

  /** All partitions of {@code spool} times {@code dates}, as compaction tasks. */
  public static List<KV<String, String>> tasks(String spool, List<LocalDate> dates)
      throws IOException {
    List<KV<String, String>> tasks = new ArrayList<>();
    for (String p : SpoolLayout.list(LakeFiles.dir(spool)).keySet()) {
      for (LocalDate d : dates) {
        tasks.add(KV.of(p, d.format(CompactJob.DATE)));
      }
    }
    return tasks;
  }

  private static final String SORT_KEYS_HINT =
      "give comma-separated INT64 columns, e.g. --sortKeys=ts_event,seq";

  /** The comma-separated sort keys; an empty one (a typo such as {@code a,,b}) is a wrong call. */
  static List<String> sortKeys(String value) {
    List<String> keys = new ArrayList<>();
    for (String k : value.split(",", -1)) {
      if (k.trim().isEmpty()) {
        throw new UsageException("--sortKeys=" + value + " names an empty column; " + SORT_KEYS_HINT);
      }
      keys.add(k.trim());
    }
    return keys;
  }

  static List<LocalDate> dates(String mode, String date, String start, String end, LocalDate today) {
    switch (mode) {
      case "daily":
        return List.of(date.isEmpty() ? today.minusDays(1) : parse("--date", date));
      case "single":
        if (date.isEmpty()) {
          throw new UsageException("--mode=single needs --date=YYYYMMDD");
        }
        return List.of(parse("--date", date));
      case "backfill":
        if (start.isEmpty() || end.isEmpty()) {
          throw new UsageException("--mode=backfill needs --start=YYYYMMDD and --end=YYYYMMDD");
        }
        LocalDate s = parse("--start", start);
        LocalDate e = parse("--end", end);
        if (e.isBefore(s)) {
          throw new UsageException("--end=" + end + " is before --start=" + start);
        }
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = s; !d.isAfter(e); d = d.plusDays(1)) {
          out.add(d);
        }
        return out;
      default:
        throw new UsageException("--mode=" + mode + " is not known; use daily, backfill or single");
    }
  }

  static LocalDate parse(String option, String value) {
    try {
      return LocalDate.parse(value, CompactJob.DATE);
    } catch (DateTimeParseException e) {
      throw new UsageException(option + "=" + value + " is not a date; write YYYYMMDD, e.g. 20260203");
    }
  }
}
