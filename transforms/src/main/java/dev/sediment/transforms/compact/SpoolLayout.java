package dev.sediment.transforms.compact;

import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
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

  /** Told how far a listing got, after each file it adds. */
  public interface Progress {
    void listed(long files, long partitions);
  }

  /**
   * Partitions (relative {@code k=v/...} paths) and their Parquet files, in name order. Files
   * directly under the root belong to the partition {@code ""}. Directories that are not {@code
   * KEY=VALUE} and hidden files ({@code .} or {@code _} first) are ignored. The root may be on
   * any Beam file system.
   */
  public static Map<String, List<MatchResult.Metadata>> list(ResourceId root) throws IOException {
    return list(root, (files, partitions) -> {});
  }

  /**
   * {@link #list(ResourceId)}, telling {@code progress} after each file. A local spool is walked
   * as a stream (directories that cannot hold partitions, hidden or not {@code KEY=VALUE}, are not
   * entered; each file's size and time come with the walk); an object store is listed by one
   * match, after which {@code progress} hears of every file at once.
   */
  public static Map<String, List<MatchResult.Metadata>> list(ResourceId root, Progress progress)
      throws IOException {
    String base = root.toString();
    Map<String, List<MatchResult.Metadata>> out = new TreeMap<>();
    long[] count = {0};
    java.util.function.Consumer<MatchResult.Metadata> add =
        m -> {
          String path = m.resourceId().toString();
          if (!path.startsWith(base) || !isSpoolFile(m.resourceId().getFilename())) {
            return;
          }
          String rel = path.substring(base.length());
          int slash = rel.lastIndexOf('/');
          String partition = slash < 0 ? "" : rel.substring(0, slash);
          if (!partition.isEmpty() && !isPartitionPath(partition)) {
            return;
          }
          out.computeIfAbsent(partition, k -> new ArrayList<>()).add(m);
          progress.listed(++count[0], out.size());
        };
    if (LakeFiles.isLocal(root)) {
      walkLocal(LakeFiles.localPath(root), add);
    } else {
      LakeFiles.listRecursively(root).forEach(add);
    }
    out.values().forEach(SpoolLayout::sortByName);
    return out;
  }

  private static void walkLocal(Path dir, java.util.function.Consumer<MatchResult.Metadata> add)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<Path>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            if (d.equals(dir)) {
              return FileVisitResult.CONTINUE;
            }
            String name = d.getFileName().toString();
            return isHidden(name) || !LEVEL.matcher(name).matches()
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes linkAttrs)
              throws IOException {
            BasicFileAttributes attrs = linkAttrs;
            if (attrs.isSymbolicLink()) {
              // A linked file counts as what it points to, as before.
              try {
                attrs = Files.readAttributes(f, BasicFileAttributes.class);
              } catch (NoSuchFileException e) {
                return FileVisitResult.CONTINUE;
              }
            }
            if (attrs.isRegularFile() && isSpoolFile(f.getFileName().toString())) {
              add.accept(
                  MatchResult.Metadata.builder()
                      .setResourceId(
                          FileSystems.matchNewResource(f.toAbsolutePath().toString(), false))
                      .setSizeBytes(attrs.size())
                      .setLastModifiedMillis(attrs.lastModifiedTime().toMillis())
                      .setIsReadSeekEfficient(true)
                      .build());
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              // Gone while listing (a collector renamed it): the next run sees its new name.
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
  }

  /** The Parquet files of one partition (directly in its directory), in name order. */
  public static List<MatchResult.Metadata> filesOf(ResourceId root, String partition)
      throws IOException {
    ResourceId dir = partition.isEmpty() ? root : LakeFiles.child(root, partition + "/");
    List<MatchResult.Metadata> out = new ArrayList<>();
    for (MatchResult.Metadata m : LakeFiles.list(dir)) {
      if (isSpoolFile(m.resourceId().getFilename())) {
        out.add(m);
      }
    }
    sortByName(out);
    return out;
  }

  private static boolean isSpoolFile(@Nullable String name) {
    return name != null && name.endsWith(".parquet") && !isHidden(name);
  }

  private static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static void sortByName(List<MatchResult.Metadata> files) {
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
  }

  static boolean isPartitionPath(String rel) {
    for (String level : rel.split("/")) {
      if (isHidden(level) || !LEVEL.matcher(level).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The date a file's name starts with, or null when the name carries none. */
  static @Nullable LocalDate nameDate(String fileName) {
    Matcher m = NAME_DATE.matcher(fileName);
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
  public static boolean mayHold(String fileName, LocalDate date) {
    LocalDate d = nameDate(fileName);
    return d == null || !d.isAfter(date);
  }
}
