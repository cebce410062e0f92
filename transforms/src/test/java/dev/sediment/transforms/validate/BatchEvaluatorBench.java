package dev.sediment.transforms.validate;

import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.table.AvroTableSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.schemas.Schema;

/**
 * Wall time of {@link BatchEvaluator#evaluate} over batches held in memory, not a test: {@code
 * BatchEvaluatorBench DIR RULES.yaml AVSC_JSON_FILE [ROUNDS]}. Reads every {@code *.parquet} file
 * of DIR once, then evaluates all batches ROUNDS times with a fresh {@link Partial} each round and
 * prints each round's milliseconds and outcome (valid, quarantined, warned, failures per rule, the
 * column summaries), so a change that must keep the results can be checked.
 */
public class BatchEvaluatorBench {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    Rules rules = Rules.load(args[1]);
    Schema schema = AvroTableSchema.toBeamSchema(Files.readString(Paths.get(args[2])));
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .sorted()
              .collect(Collectors.toList());
    }
    List<ColumnBatch> batches = new ArrayList<>();
    for (Path f : files) {
      try (ParquetBatchReader rd =
          ParquetBatchReader.open(LocalParquetFile.of(f), f.toUri().toString())) {
        for (ColumnBatch b = rd.next(); b != null; b = rd.next()) {
          batches.add(b);
        }
      }
    }
    long best = Long.MAX_VALUE;
    long bestCpu = Long.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      BatchEvaluator e = new BatchEvaluator(rules, schema);
      Partial p = new Partial(rules.rules().size(), 5);
      p.columns = new ColumnAcc[schema.getFieldCount()];
      for (int i = 0; i < p.columns.length; i++) {
        p.columns[i] = new ColumnAcc(ColumnKind.of(schema.getField(i)));
      }
      long t0 = System.nanoTime();
        long c0 = CPU.getCurrentThreadCpuTime();
      long violations = 0;
      for (ColumnBatch b : batches) {
        violations += e.evaluate(b, p).violations.size();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1_000_000;
        bestCpu = Math.min(bestCpu, cpu);
      best = Math.min(best, ms);
      StringBuilder cols = new StringBuilder();
      for (ColumnAcc a : p.columns) {
        cols.append(' ').append(a.count).append('/').append(a.nulls).append('/')
            .append(a.smin != null ? a.smin : a.any ? a.lmin + ".." + a.lmax : "")
            .append(a.smax != null ? ".." + a.smax : "");
      }
      System.out.println(
          "round " + r + ": " + ms + " ms (cpu " + cpu + " ms), in=" + p.in + " valid=" + p.valid + " quarantined="
              + p.quarantined + " warned=" + p.warned + " violations=" + violations + " failed="
              + java.util.Arrays.toString(p.failed) + " examples=" + p.examples + " columns="
              + cols);
    }
    System.out.println("evaluate best of " + rounds + ": " + best + " ms, cpu " + bestCpu + " ms");
  }
}
