package dev.sediment.pipelines.compact;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.LakePaths;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.UsageException;
import dev.sediment.transforms.compact.Compact;
import dev.sediment.transforms.compact.CompactJob;
import dev.sediment.transforms.compact.CompactPlan;
import dev.sediment.transforms.compact.CompactRequest;
import dev.sediment.transforms.compact.CompactRequestCoder;
import dev.sediment.transforms.compact.SortKeyCheck;
import dev.sediment.transforms.compact.SpoolLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;

/**
 * {@code bin/sediment compact}: merges each spool partition's files of each chosen date into one
 * sorted, verified {@code data.parquet} with {@code meta.json}. Exit 0 when every file and row
 * went in, 3 when files or rows (a null sort key) were quarantined (the rest still compacted), 1
 * on failure.
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
    // Steps: dates from the mode, partitions from the spool, tasks for the partition-dates that
    // files may hold, run, report.
    LocalDate[] range = range(o.getMode(), o.getDate(), o.getStart(), o.getEnd(), LocalDate.now(ZoneOffset.UTC));
    long days = ChronoUnit.DAYS.between(range[0], range[1]) + 1;
    String spool = LakePaths.absolute(o.getSpool());
    String target = LakePaths.absolute(o.getTarget());
    if (!LakePaths.hasScheme(spool) && !Files.isDirectory(Paths.get(spool))) {
      throw new CommandFailedException("--spool=" + o.getSpool() + " is not a directory");
    }
    List<String> keys = sortKeys(o.getSortKeys());
    String prefix = o.getPartition().replaceAll("^/+|/+$", "");
    Map<String, List<MatchResult.Metadata>> partitions;
    AtomicLong files = new AtomicLong();
    AtomicLong listedPartitions = new AtomicLong();
    try (Ticker t =
        new Ticker(
            out,
            () ->
                String.format(
                    "compact: listing spool: %,d files, %,d partitions so far",
                    files.get(), listedPartitions.get()))) {
      partitions =
          SpoolLayout.list(
              LakeFiles.dir(spool),
              (f, p) -> {
                files.set(f);
                listedPartitions.set(p);
              });
    } catch (IOException | RuntimeException e) {
      throw new CommandFailedException("cannot list --spool=" + o.getSpool() + ": " + e.getMessage());
    }
    Map<String, List<MatchResult.Metadata>> chosen = new TreeMap<>();
    List<MatchResult.Metadata> selected = new ArrayList<>();
    for (Map.Entry<String, List<MatchResult.Metadata>> e : partitions.entrySet()) {
      String p = e.getKey();
      if (prefix.isEmpty() || p.equals(prefix) || p.startsWith(prefix + "/")) {
        chosen.put(p, e.getValue());
        selected.addAll(e.getValue());
      }
    }
    if (chosen.isEmpty()) {
      throw new CommandFailedException(
          "no spool partition" + (prefix.isEmpty() ? "" : " under --partition=" + prefix) + " in " + spool);
    }
    // A key that no file has would quarantine every file: refuse the call before writing anything.
    String problem = SortKeyCheck.problem(selected, keys);
    if (problem != null) {
      throw new UsageException("--sortKeys=" + o.getSortKeys() + ": " + problem + "; " + SORT_KEYS_HINT);
    }
    out.printf(
        "compact: %,d partitions x %,d dates on %s%n", chosen.size(), days, o.getRunner().getSimpleName());
    // Over more than one date, each file's footer is read once here, so that dates no file can
    // hold cost nothing later (a task would read every footer of the partition again).
    boolean readFooters = days > 1;
    AtomicLong footers = new AtomicLong();
    CompactPlan plan;
    try (Ticker t =
        new Ticker(
            out,
            () ->
                String.format(
                    "compact: planning: %,d of %,d spool footers read", footers.get(), selected.size()))) {
      plan = CompactPlan.of(chosen, range[0], range[1], keys, readFooters, PLAN_THREADS, footers::set);
    }
    if (plan.withoutRows > 0) {
      out.printf(
          "compact: %,d partition-dates to compact; %,d hold no row by their files' %s%n",
          plan.tasks.size(),
          plan.withoutRows,
          readFooters ? "names and footer statistics" : "names");
    }
    return run(o, plan.requests, plan.withoutRows, spool, target, keys, o.getDedupe(), o.getForce(), out);
  }

  /** Threads that read spool footers while planning (object stores answer in parallel). */
  private static final int PLAN_THREADS = 8;

  /**
   * Runs the compaction of {@code tasks} and prints the summary; returns 0, or 3 when files or
   * rows were quarantined.
   */
  public static int run(
      PipelineOptions options,
      List<CompactRequest> tasks,
      String spool,
      String target,
      List<String> keys,
      boolean dedupe,
      boolean force,
      PrintStream out) {
    return run(options, tasks, 0, spool, target, keys, dedupe, force, out);
  }

  /**
   * {@link #run(PipelineOptions, List, String, String, List, boolean, boolean, PrintStream)}, where
   * {@code withoutRows} more partition-dates were planned away (no file can hold them) and count
   * as without rows.
   */
  public static int run(
      PipelineOptions options,
      List<CompactRequest> tasks,
      long withoutRows,
      String spool,
      String target,
      List<String> keys,
      boolean dedupe,
      boolean force,
      PrintStream out) {
    if (tasks.isEmpty()) {
      out.printf(
          "compact: 0 partitions written, 0 unchanged, %,d without rows; 0 rows; 0 files quarantined%n",
          withoutRows);
      out.printf("  target:      %s/%n", target);
      return 0;
    }
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      DirectOptions direct = options.as(DirectOptions.class);
      // run() returns at once, so the loop below prints progress (by default it blocks to the end).
      direct.setBlockOnRun(false);
      // The DirectRunner's scheduler spins on every idle worker thread while a long bundle runs
      // (apache/beam#18070), taking a core from the compaction: no more threads than tasks.
      direct.setTargetParallelism(Math.max(1, Math.min(direct.getTargetParallelism(), tasks.size())));
    }
    Pipeline p = Pipeline.create(options);
    p.apply("Tasks", Create.of(tasks).withCoder(CompactRequestCoder.of()))
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
    long rowsQuarantined = c.get("rows_quarantined");
    out.printf(
        "compact: %,d partitions written, %,d unchanged, %,d without rows; %,d rows; %,d files quarantined%s%n",
        c.get("partitions_written"), c.get("partitions_unchanged"), c.get("partitions_without_rows") + withoutRows,
        c.get("rows_written"), quarantined,
        rowsQuarantined > 0 ? String.format("; %,d rows quarantined (null sort key)", rowsQuarantined) : "");
    out.printf("  target:      %s/%n", target);
    if (quarantined > 0 || rowsQuarantined > 0) {
      out.printf(
          "  quarantine:  %s/QUARANTINE/ (each date directory has error.json%s)%n",
          target, rowsQuarantined > 0 ? "; rows in _rows.parquet" : "");
      return 3;
    }
    return 0;
  }

  private static final org.joda.time.Duration PROGRESS_INTERVAL =
      org.joda.time.Duration.standardSeconds(15);

  /**
   * All partitions of {@code spool} times {@code dates}, as compaction tasks; the first of each
   * partition quarantines the null-key rows of files without a date in their names.
   */
  public static List<CompactRequest> tasks(String spool, List<LocalDate> dates)
      throws IOException {
    List<CompactRequest> tasks = new ArrayList<>();
    for (String p : SpoolLayout.list(LakeFiles.dir(spool)).keySet()) {
      for (LocalDate d : dates) {
        tasks.add(CompactRequest.of(p, d).withUndatedNullKeys(d.equals(dates.get(0))));
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
    LocalDate[] r = range(mode, date, start, end, today);
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = r[0]; !d.isAfter(r[1]); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  /** The first and last date (inclusive) the mode chooses. */
  static LocalDate[] range(String mode, String date, String start, String end, LocalDate today) {
    switch (mode) {
      case "daily":
        LocalDate d = date.isEmpty() ? today.minusDays(1) : parse("--date", date);
        return new LocalDate[] {d, d};
      case "single":
        if (date.isEmpty()) {
          throw new UsageException("--mode=single needs --date=YYYYMMDD");
        }
        LocalDate one = parse("--date", date);
        return new LocalDate[] {one, one};
      case "backfill":
        if (start.isEmpty() || end.isEmpty()) {
          throw new UsageException("--mode=backfill needs --start=YYYYMMDD and --end=YYYYMMDD");
        }
        LocalDate s = parse("--start", start);
        LocalDate e = parse("--end", end);
        if (e.isBefore(s)) {
          throw new UsageException("--end=" + end + " is before --start=" + start);
        }
        return new LocalDate[] {s, e};
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
