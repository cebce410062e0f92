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
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
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
 */
public class WriteBatchesBoundedMemoryTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final int SEEDS = 40;
  static final int ROWS_PER_SEED = 50_000;
  static final int ROWS_PER_BATCH = 10_000;

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
    assertEquals((long) SEEDS * ROWS_PER_SEED, rows);
    try (Stream<Path> s = Files.walk(out)) {
      assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(WriteBatches.SPILL_PREFIX)));
    }
  }

  /** The child: generates the rows from {@value #SEEDS} seeds and writes them. */
  public static final class Main {
    public static void main(String[] args) {
      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs(
                      "--enforceImmutability=false", "--enforceEncodability=false")
                  .create());
      p.apply(Create.of(IntStream.range(0, SEEDS).boxed().collect(Collectors.toList())).withCoder(VarIntCoder.of()))
          .apply("Spread", Reshuffle.viaRandomKey())
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

  /** {@value #ROWS_PER_SEED} rows per seed, in batches of {@value #ROWS_PER_BATCH}. */
  static final class GenerateFn extends DoFn<Integer, ColumnBatch> {
    @ProcessElement
    public void process(@Element Integer seed, OutputReceiver<ColumnBatch> out) {
      BatchRows conv = BatchRows.of(S);
      for (int b = 0; b < ROWS_PER_SEED / ROWS_PER_BATCH; b++) {
        List<Row> rows = new ArrayList<>(ROWS_PER_BATCH);
        for (int i = 0; i < ROWS_PER_BATCH; i++) {
          long seq = (long) seed * ROWS_PER_SEED + (long) b * ROWS_PER_BATCH + i;
          rows.add(
              Row.withSchema(S)
                  .addValues(
                      "2026-01-0" + (1 + seq % 3),
                      seq,
                      seq * 0.5,
                      "row " + seq + " " + "x".repeat(50))
                  .build());
        }
        out.output(conv.toBatch(rows, "file:/gen/" + seed + "-" + b));
      }
    }
  }
}
