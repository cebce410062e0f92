package dev.sediment.pipelines;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The counters of a finished run in the {@code sediment} namespace, summed over steps. Reads
 * attempted values: every runner reports them (Flink has no committed metrics), and a batch run
 * that succeeded counted each element once.
 */
public final class RunCounts {
  private final Map<String, Long> counters;

  private RunCounts(Map<String, Long> counters) {
    this.counters = counters;
  }

  public static RunCounts of(PipelineResult result) {
    MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder().build());
    Map<String, Long> sums = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      if (!"sediment".equals(c.getName().getNamespace())) {
        continue;
      }
      Long v = c.getAttempted();
      sums.merge(c.getName().getName(), v == null ? 0L : v, Long::sum);
    }
    return new RunCounts(sums);
  }

  public long get(String name) {
    return counters.getOrDefault(name, 0L);
  }

  public Map<String, Long> asMap() {
    return counters;
  }
}
