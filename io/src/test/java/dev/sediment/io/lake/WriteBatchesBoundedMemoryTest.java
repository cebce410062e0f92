package dev.sediment.io.lake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.LocalParquetFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link WriteBatches} in bounded memory on the DirectRunner: 2,000,000 rows (about 190 MB of
 * column values, more than the heap) written by a JVM of {@code -Xmx256m}, as the CLI runs it
 * ({@code --enforceImmutability=false --enforceEncodability=false}). Before the spill, every row
 * sat in the GroupByKey at once and this JVM ran out of heap.
 *
 * <p>The input comes from {@link GenerateSequence}, a source the DirectRunner reads 100 elements
 * per bundle and then requeues behind the work those made: so the input itself is never all in
 * memory (the DirectRunner has no backpressure: a plain DoFn that made all the batches in one go
 * would queue them all before the write sees the first).
 */
public class WriteBatchesBoundedMemoryTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final int BATCHES = 1_000;
  static final int ROWS_PER_BATCH = 2_000;

  static final Schema S = WriteBatchesSpillTest.S;

  @Test(timeout = 180_000)
  public void twoMillionRowsIn256MiB() throws Exception {
    Path out = tmp.newFolder("out").toPath();
    Path log = tmp.getRoot().toPath().resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue("the child JVM did not finish in 170 s", p.waitFor(170, TimeUnit.SECONDS));
    String childLog = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(childLog.substring(Math.max(0, childLog.length() - 3000)), 0, p.exitValue());
    long rows = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(out)) {
      files = s.filter(Files::isRegularFile).collect(Collectors.toList());
    }
    for (Path f : files) {
      assertTrue(f.toString(), f.toString().endsWith(".parquet"));
      try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(f))) {
        rows += r.getRecordCount();
      }
    }
    assertEquals((long) BATCHES * ROWS_PER_BATCH, rows);
    try (Stream<Path> s = Files.walk(out)) {
      assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(WriteBatches.SPILL_PREFIX)));
    }
  }

  /** The child: generates the rows, one batch per number of a sequence, and writes them. */
  public static final class Main {
    public static void main(String[] args) {
      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs(
                      "--enforceImmutability=false", "--enforceEncodability=false")
                  .create());
      p.apply("Numbers", GenerateSequence.from(0).to(BATCHES))
          .apply("Generate", ParDo.of(new GenerateFn()))
          .setCoder(ColumnBatchCoder.of(BatchRows.of(S).batchSchema()))
          .apply(
              LakeIO.writeBatches()
                  .to(args[0])
                  .withRowSchema(S)
                  .partitionBy(List.of("day"))
                  .withShardBytes(32L << 20));
      p.run().waitUntilFinish();
    }
  }

  /** Batch {@code k}: {@value #ROWS_PER_BATCH} rows of the source {@code file:/gen/k}. */
  static final class GenerateFn extends DoFn<Long, ColumnBatch> {
    @ProcessElement
    public void process(@Element Long k, OutputReceiver<ColumnBatch> out) {
      List<Row> rows = new ArrayList<>(ROWS_PER_BATCH);
      for (int i = 0; i < ROWS_PER_BATCH; i++) {
        long seq = k * ROWS_PER_BATCH + i;
        rows.add(
            Row.withSchema(S)
                .addValues("2026-01-0" + (1 + seq % 3), seq, seq * 0.5, "row " + seq + " " + "x".repeat(50))
                .build());
      }
      out.output(BatchRows.of(S).toBatch(rows, "file:/gen/" + k));
    }
  }
}
