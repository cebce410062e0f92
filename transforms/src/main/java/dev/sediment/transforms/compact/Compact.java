package dev.sediment.transforms.compact;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.lake.LakeFiles;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Sorted-merge compaction as a Beam transform: each input element is one {@link CompactRequest}
 * (a partition and a date); each is compacted by one worker with {@link CompactJob}, so the bytes
 * of a partition do not depend on the runner or its parallelism, and tasks spread over workers.
 *
 * <pre>{@code
 * PCollection<CompactResult> results =
 *     requests.apply("Compact",
 *         Compact.sortedMerge().from("/spool").to("/archive").by(List.of("ts_event", "seq")));
 * }</pre>
 *
 * <p>Output: one {@link CompactResult} per request (status, rows in and out, rows and files
 * quarantined, bytes, files written), coded by {@link CompactResultCoder}. Counters (namespace
 * {@code sediment}): {@code partitions_written}, {@code partitions_unchanged}, {@code
 * partitions_without_rows}, {@code rows_written}, {@code files_quarantined}, {@code
 * rows_quarantined}. Spool and target are local paths the workers can reach, or URIs of a Beam
 * file system ({@code s3://bucket/spool}); spill files go to the worker's local temporary
 * directory, into a {@link WorkDirs} directory per task that is removed when the task ends, and
 * that the next run on the machine removes when a killed run left it.
 */
public final class Compact {
  private Compact() {}

  public static SortedMerge sortedMerge() {
    return new AutoValue_Compact_SortedMerge.Builder()
        .setSortKeys(List.of("ts_event", "seq"))
        .setDedupe(false)
        .setForce(false)
        .setMaxRowsInMemory(200_000)
        .setMaxOpenRuns(64)
        .build();
  }

  /** Implementation of {@link #sortedMerge()}. */
  @AutoValue
  public abstract static class SortedMerge
      extends PTransform<PCollection<CompactRequest>, PCollection<CompactResult>> {
    abstract @Nullable String getSpool();

    abstract @Nullable String getTarget();

    abstract List<String> getSortKeys();

    abstract boolean getDedupe();

    abstract boolean getForce();

    abstract int getMaxRowsInMemory();

    abstract int getMaxOpenRuns();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setSpool(String spool);

      abstract Builder setTarget(String target);

      abstract Builder setSortKeys(List<String> keys);

      abstract Builder setDedupe(boolean dedupe);

      abstract Builder setForce(boolean force);

      abstract Builder setMaxRowsInMemory(int rows);

      abstract Builder setMaxOpenRuns(int runs);

      abstract SortedMerge build();
    }

    /** The spool root; required. */
    public SortedMerge from(String spool) {
      checkArgument(spool != null && !spool.isEmpty(), "spool is empty");
      return toBuilder().setSpool(spool).build();
    }

    /** The target root; required. */
    public SortedMerge to(String target) {
      checkArgument(target != null && !target.isEmpty(), "target is empty");
      return toBuilder().setTarget(target).build();
    }

    /**
     * Sort keys, integer columns (INT64, plain or TIMESTAMP, or INT32); the first decides the date
     * of a row, and a row where any is null is quarantined. Default ts_event, seq.
     */
    public SortedMerge by(List<String> sortKeys) {
      checkArgument(sortKeys != null && !sortKeys.isEmpty(), "sortKeys is empty");
      return toBuilder().setSortKeys(List.copyOf(sortKeys)).build();
    }

    /** Drops rows identical in every column; default keeps them. */
    public SortedMerge withDedupe(boolean dedupe) {
      return toBuilder().setDedupe(dedupe).build();
    }

    /** Rewrites partitions whose inputs did not change; default skips them. */
    public SortedMerge withForce(boolean force) {
      return toBuilder().setForce(force).build();
    }

    /** Rows of an unsorted file sorted in memory at once; default 200,000. */
    public SortedMerge withMaxRowsInMemory(int rows) {
      checkArgument(rows >= 1, "maxRowsInMemory must be >= 1, was %s", rows);
      return toBuilder().setMaxRowsInMemory(rows).build();
    }

    /** Readers open at once in a merge; default 64. */
    public SortedMerge withMaxOpenRuns(int runs) {
      checkArgument(runs >= 2, "maxOpenRuns must be >= 2, was %s", runs);
      return toBuilder().setMaxOpenRuns(runs).build();
    }

    @Override
    public PCollection<CompactResult> expand(PCollection<CompactRequest> requests) {
      checkArgument(getSpool() != null, "Compact.sortedMerge() needs from(spool)");
      checkArgument(getTarget() != null, "Compact.sortedMerge() needs to(target)");
      return requests
          .apply("SpreadTasks", Reshuffle.viaRandomKey())
          .setCoder(CompactRequestCoder.of())
          .apply("MergePartitions", ParDo.of(new CompactFn(this)))
          .setCoder(CompactResultCoder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("spool", getSpool()))
          .addIfNotNull(DisplayData.item("target", getTarget()))
          .add(DisplayData.item("sortKeys", String.join(",", getSortKeys())))
          .add(DisplayData.item("dedupe", getDedupe()))
          .add(DisplayData.item("force", getForce()));
    }
  }

  static class CompactFn extends DoFn<CompactRequest, CompactResult> {
    private final String spool;
    private final String target;
    private final List<String> sortKeys;
    private final boolean dedupe;
    private final boolean force;
    private final int maxRowsInMemory;
    private final int maxOpenRuns;

    private final Counter written = Metrics.counter("sediment", "partitions_written");
    private final Counter unchanged = Metrics.counter("sediment", "partitions_unchanged");
    private final Counter noRows = Metrics.counter("sediment", "partitions_without_rows");
    private final Counter rows = Metrics.counter("sediment", "rows_written");
    private final Counter quarantined = Metrics.counter("sediment", "files_quarantined");
    private final Counter rowsQuarantined = Metrics.counter("sediment", "rows_quarantined");

    CompactFn(SortedMerge spec) {
      this.spool = spec.getSpool();
      this.target = spec.getTarget();
      this.sortKeys = spec.getSortKeys();
      this.dedupe = spec.getDedupe();
      this.force = spec.getForce();
      this.maxRowsInMemory = spec.getMaxRowsInMemory();
      this.maxOpenRuns = spec.getMaxOpenRuns();
    }

    /** Removes what killed runs on this machine left in the temporary directory. */
    @Setup
    public void setup() {
      WorkDirs.removeAbandoned(WorkDirs.temporaryRoot());
    }

    @ProcessElement
    public void process(@Element CompactRequest request, OutputReceiver<CompactResult> out)
        throws Exception {
      out.output(compact(request, WorkDirs.temporaryRoot()));
    }

    /** {@link #compact} of the task {@code (partition, yyyyMMdd)}, as its {@link CompactResult#line}. */
    String compactOne(KV<String, String> task, Path tmpRoot) throws Exception {
      return compact(
              CompactRequest.of(task.getKey(), LocalDate.parse(task.getValue(), CompactJob.DATE)),
              tmpRoot)
          .line();
    }

    /** Compacts one request with a work directory in {@code tmpRoot}. */
    CompactResult compact(CompactRequest request, Path tmpRoot) throws Exception {
      String partition = request.partition();
      LocalDate date = request.date();
      PartitionCompactor.Settings s =
          new PartitionCompactor.Settings()
              .withSortKeys(sortKeys)
              .withDedupe(dedupe)
              .withMaxRowsInMemory(maxRowsInMemory)
              .withMaxOpenRuns(maxOpenRuns)
              .withUndatedNullKeys(request.undatedNullKeys());
      ResourceId spoolRoot = LakeFiles.dir(spool);
      Path work = WorkDirs.create(tmpRoot);
      try {
        CompactJob.Outcome o =
            new CompactJob(s, force)
                .compact(
                    partition,
                    SpoolLayout.filesOf(spoolRoot, partition),
                    date,
                    LakeFiles.dir(target),
                    work);
        switch (o.status) {
          case WRITTEN:
            written.inc();
            rows.inc(o.rows);
            break;
          case UNCHANGED:
            unchanged.inc();
            break;
          default:
            noRows.inc();
        }
        quarantined.inc(o.quarantined.size());
        rowsQuarantined.inc(o.rowsQuarantined);
        return CompactResult.of(
            partition,
            date,
            o.status,
            o.status == CompactJob.Status.UNCHANGED ? 0 : o.rowsRead + o.rowsQuarantined,
            o.rows,
            o.rowsQuarantined,
            o.quarantined.size(),
            o.duplicatesDropped,
            o.bytesWritten,
            o.outputFiles);
      } finally {
        WorkDirs.delete(work);
      }
    }
  }
}
