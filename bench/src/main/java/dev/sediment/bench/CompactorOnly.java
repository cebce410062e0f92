package dev.sediment.bench;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.transforms.compact.PartitionCompactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.fs.MatchResult;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Calls {@link PartitionCompactor} directly, without Beam, the DirectRunner or {@code CompactJob}
 * (no meta.json): the compactor's own cost, to separate it from the pipeline's. Not how users run
 * compaction; the benchmark reports it beside {@code bin/sediment compact}.
 *
 * <pre>{@code
 * java -Xmx256m -cp ... dev.sediment.bench.CompactorOnly --input=SPOOL/PARTITION --date=20260203 --output=DIR/data.parquet
 * }</pre>
 */
public final class CompactorOnly {
  private CompactorOnly() {}

  public static void main(String[] args) throws Exception {
    Path input = null;
    Path output = null;
    LocalDate date = null;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--input=")) {
        input = Paths.get(v);
      } else if (a.startsWith("--output=")) {
        output = Paths.get(v);
      } else if (a.startsWith("--date=")) {
        date = LocalDate.parse(v, DateTimeFormatter.BASIC_ISO_DATE);
      } else {
        throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (input == null || output == null || date == null) {
      throw new IllegalArgumentException("--input=DIR --date=YYYYMMDD --output=FILE are required");
    }
    List<MatchResult.Metadata> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(input)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).sorted().collect(Collectors.toList())) {
        files.add(LakeFiles.metadata(p));
      }
    }
    Files.createDirectories(output.getParent());
    Files.deleteIfExists(output);
    long t0 = System.nanoTime();
    PartitionCompactor.Result r =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(files, date, output, output.getParent());
    System.out.printf(
        "compactor only: rows=%d files=%d rejected=%d seconds=%.3f sha256=%s"
            + " (footers %.1f s, spill %.1f s, merge+write %.1f s, read-back+hash %.1f s;"
            + " %d files merged straight, %d spilled first)%n",
        r.rowCount, files.size(), r.rejected.size(), (System.nanoTime() - t0) / 1e9, r.sha256,
        r.millisFooters / 1e3, r.millisSpill / 1e3, r.millisMerge / 1e3, r.millisVerify / 1e3,
        r.filesMergedDirectly, r.filesSpilled);
    if (!r.rejected.isEmpty()) {
      System.exit(1);
    }
  }
}
