package dev.sediment.bench;

import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.parquet.ParquetBatchWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Wall time of reading and of writing Parquet batches in process, not a test: {@code BatchIoBench
 * read|write DIR [ROUNDS [--no-dictionary|--column-writers]]}. {@code read} decodes every {@code *.parquet} file of DIR with {@link
 * ParquetBatchReader} (default batch limits) ROUNDS times; {@code write} reads them once into
 * memory, then writes all batches to one file with {@link ParquetBatchWriter} (default options)
 * ROUNDS times (with dictionary encoding off if asked, to see its share; or through
 * parquet-java's value-at-a-time {@code ColumnWriter}s instead of the page encoders, to compare
 * them) and prints the written
 * file's SHA-256, so a change that must keep the bytes can be
 * checked. Each round's milliseconds are printed; the best is the figure to compare.
 *
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     dev.sediment.bench.BatchIoBench read /tmp/trades 5
 * }</pre>
 */
public final class BatchIoBench {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private BatchIoBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: BatchIoBench read|write DIR [ROUNDS [--no-dictionary|--column-writers]]");
    }
    String mode = args[0];
    List<Path> files;
    try (Stream<Path> s = Files.list(Paths.get(args[1]))) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .sorted()
              .collect(Collectors.toList());
    }
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean dictionary = !(args.length > 3 && args[3].equals("--no-dictionary"));
    boolean pageEncoders = !(args.length > 3 && args[3].equals("--column-writers"));
    long best = Long.MAX_VALUE;
    long bestCpu = Long.MAX_VALUE;
    if (mode.equals("read")) {
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        long c0 = CPU.getCurrentThreadCpuTime();
        long rows = 0;
        long bytes = 0;
        for (Path f : files) {
          try (ParquetBatchReader rd =
              ParquetBatchReader.open(LocalParquetFile.of(f), f.toUri().toString())) {
            for (ColumnBatch b = rd.next(); b != null; b = rd.next()) {
              rows += b.rowCount();
              bytes += b.byteSize();
            }
          }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1_000_000;
        bestCpu = Math.min(bestCpu, cpu);
        best = Math.min(best, ms);
        System.out.println("read round " + r + ": " + ms + " ms (cpu " + cpu + " ms), " + rows + " rows, " + bytes + " B");
      }
    } else if (mode.equals("write")) {
      List<ColumnBatch> batches = new ArrayList<>();
      for (Path f : files) {
        try (ParquetBatchReader rd =
            ParquetBatchReader.open(LocalParquetFile.of(f), f.toUri().toString())) {
          for (ColumnBatch b = rd.next(); b != null; b = rd.next()) {
            batches.add(b);
          }
        }
      }
      Path out = Files.createTempFile("batch-io-bench", ".parquet");
      try {
        for (int r = 0; r < rounds; r++) {
          long t0 = System.nanoTime();
        long c0 = CPU.getCurrentThreadCpuTime();
          try (ParquetBatchWriter w =
              ParquetBatchWriter.create(
                  out,
                  batches.get(0).schema(),
                  ParquetBatchWriter.Options.defaults()
                      .withDictionary(dictionary)
                      .withPageEncoders(pageEncoders))) {
            for (ColumnBatch b : batches) {
              w.write(b);
            }
          }
          long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1_000_000;
        bestCpu = Math.min(bestCpu, cpu);
          best = Math.min(best, ms);
          System.out.println("write round " + r + ": " + ms + " ms (cpu " + cpu + " ms), " + Files.size(out) + " B");
        }
        byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out));
        StringBuilder hex = new StringBuilder();
        for (byte x : d) {
          hex.append(String.format("%02x", x));
        }
        System.out.println("sha256 " + hex);
      } finally {
        Files.deleteIfExists(out);
      }
    } else {
      throw new IllegalArgumentException("mode must be read or write, was " + mode);
    }
    System.out.println(mode + " best of " + rounds + ": " + best + " ms, cpu " + bestCpu + " ms");
  }
}
