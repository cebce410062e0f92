package dev.sediment.transforms.compact;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local scratch directories of compactions (merge output before it is published, spilled
 * runs): {@code TMP/sediment-compact-NS-PID-START-RANDOM}, named after the JVM that owns them
 * (its PID namespace, process id and start time), so that a later run can tell a killed run's
 * leftovers from a live run's directory.
 *
 * <pre>{@code
 * WorkDirs.removeAbandoned(tmp);        // what killed runs left
 * Path work = WorkDirs.create(tmp);
 * try { ... } finally { WorkDirs.delete(work); }
 * }</pre>
 *
 * <p>Guarantees: a directory is removed by its task when the task ends, however it ends; by a
 * shutdown hook when the JVM exits while tasks still run (the CLI exits after a failed task while
 * other tasks are midway); and otherwise ({@code kill -9}, a crash) by the next run on the same
 * machine, which removes directories whose owning process is gone. A directory whose owner is
 * alive is never touched, so concurrent compactions on one machine are safe: process ids are
 * compared within one PID namespace only, together with the process start time (a reused id is
 * another process). Directories of other names are left alone.
 */
public final class WorkDirs {
  static final String PREFIX = "sediment-compact-";
  private static final Pattern NAME =
      Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)-(\\d+)-[0-9a-f]{32}");
  /** Start times are read from /proc in clock ticks; allow for rounding between readers. */
  private static final long START_TOLERANCE_MILLIS = 2_000;

  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean hookInstalled;

  private WorkDirs() {}

  /** The JVM's temporary directory ({@code java.io.tmpdir}). */
  public static Path temporaryRoot() {
    return Paths.get(System.getProperty("java.io.tmpdir"));
  }

  /** Creates a new work directory in {@code root}, owned by this JVM. */
  public static Path create(Path root) throws IOException {
    installHook();
    Path dir =
        root.resolve(
            PREFIX
                + namespace()
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + startMillis(ProcessHandle.current())
                + "-"
                + UUID.randomUUID().toString().replace("-", ""));
    LIVE.add(dir);
    try {
      return Files.createDirectory(dir);
    } catch (IOException | RuntimeException e) {
      LIVE.remove(dir);
      throw e;
    }
  }

  /** Deletes {@code dir} and everything in it; a missing directory is not an error. */
  public static void delete(Path dir) throws IOException {
    try {
      deleteTree(dir);
    } finally {
      LIVE.remove(dir);
    }
  }

  /**
   * Removes the work directories in {@code root} whose owning process is gone (killed runs);
   * returns how many. Directories that cannot be removed (another user's) are skipped.
   */
  public static int removeAbandoned(Path root) {
    int removed = 0;
    String ns = namespace();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root, PREFIX + "*")) {
      for (Path p : s) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches() || !m.group(1).equals(ns) || !Files.isDirectory(p)) {
          continue;
        }
        if (ownerAlive(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)))) {
          continue;
        }
        try {
          deleteTree(p);
          removed++;
        } catch (IOException | RuntimeException e) {
          // Not ours to remove (permissions), or removed by another run right now.
        }
      }
    } catch (IOException | RuntimeException e) {
      return removed;
    }
    return removed;
  }

  private static boolean ownerAlive(long pid, long start) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    long actual = startMillis(h.get());
    // Unknown start times (0) cannot prove a reused id: keep the directory.
    return actual == 0 || start == 0 || Math.abs(actual - start) <= START_TOLERANCE_MILLIS;
  }

  private static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** The inode of this process's PID namespace ({@code /proc/self/ns/pid}), or 0. */
  static String namespace() {
    try {
      String link = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString();
      Matcher m = Pattern.compile("pid:\\[(\\d+)\\]").matcher(link);
      return m.matches() ? m.group(1) : "0";
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return "0";
    }
  }

  private static synchronized void installHook() {
    if (hookInstalled) {
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Path p : LIVE) {
                    try {
                      deleteTree(p);
                    } catch (IOException | RuntimeException e) {
                      // The next run removes it (its owner is then gone).
                    }
                  }
                },
                "sediment-compact-cleanup"));
    hookInstalled = true;
  }

  /** Deletes bottom-up; retried once when a task still running added a file meanwhile. */
  private static void deleteTree(Path dir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        if (!Files.exists(dir)) {
          return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
          for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
        return;
      } catch (NoSuchFileException e) {
        // Removed meanwhile (another cleaner): look again.
        if (attempt >= 2) {
          return;
        }
      } catch (java.nio.file.DirectoryNotEmptyException | java.io.UncheckedIOException e) {
        if (attempt >= 2) {
          throw e instanceof java.io.UncheckedIOException
              ? ((java.io.UncheckedIOException) e).getCause()
              : (IOException) e;
        }
      }
    }
  }
}
