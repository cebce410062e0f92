package dev.sediment.pipelines.compact;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.LakePaths;
import dev.sediment.transforms.compact.PartitionVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * {@code bin/sediment verify}: re-reads every compacted partition of the chosen dates and checks
 * order, row count, min/max and sha256 against its meta.json. Exit 0 when all hold, else one
 * line per bad partition and exit 1.
 */
public final class VerifyCommand implements Command<VerifyOptions> {
  @Override
  public String name() {
    return "verify";
  }

  @Override
  public String summary() {
    return "Check compacted partitions against their meta.json (order, rows, range, sha256).";
  }

  @Override
  public String usage() {
    return "--target=ROOT [--date=YYYYMMDD | --start=YYYYMMDD --end=YYYYMMDD]";
  }

  @Override
  public Class<VerifyOptions> optionsClass() {
    return VerifyOptions.class;
  }

  @Override
  public int run(VerifyOptions o, PrintStream out) throws Exception {
    String target = LakePaths.absolute(o.getTarget());
    if (!LakePaths.hasScheme(target) && !Files.isDirectory(Paths.get(target))) {
      throw new CommandFailedException("--target=" + o.getTarget() + " is not a directory");
    }
    ResourceId root = LakeFiles.dir(target);
    LocalDate from = null;
    LocalDate to = null;
    if (!o.getDate().isEmpty()) {
      from = to = CompactCommand.parse("--date", o.getDate());
    } else if (!o.getStart().isEmpty() || !o.getEnd().isEmpty()) {
      from = o.getStart().isEmpty() ? LocalDate.MIN : CompactCommand.parse("--start", o.getStart());
      to = o.getEnd().isEmpty() ? LocalDate.MAX : CompactCommand.parse("--end", o.getEnd());
    }
    // Partition directories: where a data.parquet or meta.json lies in a date=YYYYMMDD directory.
    String base = root.toString();
    TreeSet<String> dirs = new TreeSet<>();
    try {
      for (MatchResult.Metadata m : LakeFiles.listRecursively(root)) {
        String rel = m.resourceId().toString().substring(base.length());
        String name = m.resourceId().getFilename();
        int slash = rel.lastIndexOf('/');
        if (slash < 0
            || rel.startsWith("QUARANTINE/")
            || !("data.parquet".equals(name) || "meta.json".equals(name))) {
          continue;
        }
        String dir = rel.substring(0, slash);
        String last = dir.substring(dir.lastIndexOf('/') + 1);
        if (!last.startsWith("date=")) {
          continue;
        }
        LocalDate date;
        try {
          date = CompactCommand.parse("date", last.substring(5));
        } catch (RuntimeException e) {
          continue;
        }
        if (from == null || (!date.isBefore(from) && !date.isAfter(to))) {
          dirs.add(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new CommandFailedException("cannot list --target=" + o.getTarget() + ": " + e.getMessage());
    }
    int bad = 0;
    for (String d : dirs) {
      List<String> problems = PartitionVerifier.verify(LakeFiles.child(root, d + "/"));
      if (!problems.isEmpty()) {
        bad++;
        out.println("BAD " + d + ": " + String.join("; ", problems));
      }
    }
    out.printf("verify: %,d partitions checked, %,d bad%n", dirs.size(), bad);
    return bad == 0 ? 0 : 1;
  }
}
