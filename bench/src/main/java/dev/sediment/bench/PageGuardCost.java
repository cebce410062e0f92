package dev.sediment.bench;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetPageGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * Times {@link ParquetPageGuard} alone against reading every row (guard included) of the Parquet
 * files under a directory, three times in one JVM: the figure in docs/benchmarks.md (issue 12).
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.PageGuardCost /tmp/spool
 * }</pre>
 */
public final class PageGuardCost {
  private PageGuardCost() {}

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(Paths.get(args[0]))) {
      s.filter(p -> p.toString().endsWith(".parquet")).sorted().forEach(files::add);
    }
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    for (int rep = 0; rep < 3; rep++) {
      long guardNs = 0;
      long readNs = 0;
      long rows = 0;
      long chunks = 0;
      long groups = 0;
      for (Path f : files) {
        LocalParquetFile in = LocalParquetFile.of(f);
        List<BlockMetaData> blocks;
        try (ParquetFileReader r = ParquetFileReader.open(in)) {
          blocks = r.getFooter().getBlocks();
        }
        for (BlockMetaData b : blocks) {
          chunks += b.getColumns().size();
        }
        groups += blocks.size();
        long t0 = System.nanoTime();
        try (ParquetPageGuard g = new ParquetPageGuard(in, blocks)) {
          g.checkAll();
        }
        guardNs += System.nanoTime() - t0;
        long t1 = System.nanoTime();
        try (AvroParquetRows r = AvroParquetRows.open(in)) {
          while (r.read() != null) {
            rows++;
          }
        }
        readNs += System.nanoTime() - t1;
      }
      System.out.printf(
          "run %d: %d files, %,d bytes, %d row groups, %d column chunks, %,d rows: guard alone"
              + " %.1f ms, every row read (guard included) %.1f ms, guard's share %.2f %%%n",
          rep + 1, files.size(), bytes, groups, chunks, rows, guardNs / 1e6, readNs / 1e6,
          100.0 * guardNs / readNs);
    }
  }
}
