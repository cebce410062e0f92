package dev.sediment.transforms.compact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A spool root of hive-partitioned Parquet files: {@code ROOT/k1=v1/k2=v2/.../FILE.parquet}, any
 * number of {@code KEY=VALUE} levels. Lists the files of each partition, in name order.
 *
 * <p>File names are used only to skip files that cannot hold a date: a name starting with a
 * date ({@code 2026-02-03_14-30-00.parquet} or {@code 20260203...}) is when the collector opened
 * the file, which may then hold rows of that day and of any later day; it is skipped only for
 * dates before its own. Files without a date in their name are always read.
 */
public final class SpoolLayout {
  private static final Pattern NAME_DATE =
      Pattern.compile("^(\\d{4})-?(\\d{2})-?(\\d{2})(?:[_T-].*)?\\.parquet$");
  private static final Pattern LEVEL = Pattern.compile("[^=/]+=[^/]*");

  private SpoolLayout() {}

  /**
   * Partitions (relative {@code k=v/...} paths) and their Parquet files. Files directly under
   * the root belong to the partition {@code ""}. Directories that are not {@code KEY=VALUE} and
   * hidden files ({@code .} or {@code _} first) are ignored.
   */
  public static Map<String, List<Path>> list(Path root) throws IOException {
    Map<String, List<Path>> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".parquet") || name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        Path rel = root.relativize(f.getParent());
        String partition = rel.toString().replace('\\', '/');
        if (!partition.isEmpty() && !isPartitionPath(partition)) {
          continue;
        }
        out.computeIfAbsent(partition, k -> new ArrayList<>()).add(f);
      }
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  /** The Parquet files of one partition (directly in its directory), in name order. */
  public static List<Path> filesOf(Path root, String partition) throws IOException {
    Path dir = partition.isEmpty() ? root : root.resolve(partition);
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile)
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_");
              })
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  static boolean isPartitionPath(String rel) {
    for (String level : rel.split("/")) {
      if (!LEVEL.matcher(level).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The date a file's name starts with, or null when the name carries none. */
  static @Nullable LocalDate nameDate(Path file) {
    Matcher m = NAME_DATE.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    try {
      return LocalDate.of(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** False only when the file's name proves it was opened after {@code date} ended. */
  public static boolean mayHold(Path file, LocalDate date) {
    LocalDate d = nameDate(file);
    return d == null || !d.isAfter(date);
  }
}
