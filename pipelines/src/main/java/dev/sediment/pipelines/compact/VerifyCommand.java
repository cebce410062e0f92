package dev.sediment.pipelines.compact;

import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.transforms.compact.PartitionVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
    Path target = Paths.get(o.getTarget()).toAbsolutePath().normalize();
    if (!Files.isDirectory(target)) {
      throw new CommandFailedException("--target=" + o.getTarget() + " is not a directory");
    }
    LocalDate from = null;
    LocalDate to = null;
    if (!o.getDate().isEmpty()) {
      from = to = CompactCommand.parse("--date", o.getDate());
    } else if (!o.getStart().isEmpty() || !o.getEnd().isEmpty()) {
      from = o.getStart().isEmpty() ? LocalDate.MIN : CompactCommand.parse("--start", o.getStart());
      to = o.getEnd().isEmpty() ? LocalDate.MAX : CompactCommand.parse("--end", o.getEnd());
    }
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.walk(target)) {
      for (Path d : (Iterable<Path>) s.filter(Files::isDirectory)::iterator) {
        String name = d.getFileName().toString();
        if (!name.startsWith("date=") || target.relativize(d).startsWith("QUARANTINE")) {
          continue;
        }
        LocalDate date;
        try {
          date = CompactCommand.parse("date", name.substring(5));
        } catch (RuntimeException e) {
          continue;
        }
        if (from == null || (!date.isBefore(from) && !date.isAfter(to))) {
          dirs.add(d);
        }
      }
    } catch (IOException e) {
      throw new CommandFailedException("cannot list --target=" + o.getTarget() + ": " + e.getMessage());
    }
    dirs.sort(null);
    int bad = 0;
    for (Path d : dirs) {
      List<String> problems = PartitionVerifier.verify(d);
      if (!problems.isEmpty()) {
        bad++;
        out.println("BAD " + target.relativize(d) + ": " + String.join("; ", problems));
      }
    }
    out.printf("verify: %,d partitions checked, %,d bad%n", dirs.size(), bad);
    return bad == 0 ? 0 : 1;
  }
}
