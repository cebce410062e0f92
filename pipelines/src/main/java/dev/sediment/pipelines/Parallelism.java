package dev.sediment.pipelines;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How many keys a command spreads work over. On Flink and Dataflow more keys spread work over
 * more workers. The DirectRunner instead makes one bundle of each key after a grouping, and every
 * later grouping copies its state once per incoming bundle, so there the number of worker threads
 * ({@code --targetParallelism}, default the number of cores but at least 3) is the better value.
 */
public final class Parallelism {
  /** Keys on runners that scale out. */
  public static final int DISTRIBUTED_BUCKETS = 64;

  private Parallelism() {}

  public static int buckets(PipelineOptions options) {
    if ("DirectRunner".equals(options.getRunner().getSimpleName())) {
      return Math.max(1, options.as(DirectOptions.class).getTargetParallelism());
    }
    return DISTRIBUTED_BUCKETS;
  }
}
