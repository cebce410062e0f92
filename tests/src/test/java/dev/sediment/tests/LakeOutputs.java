package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a reader of a lake sees of a dataset's outputs, for the kill tests of {@code ingest-table}
 * and {@code validate}: every visible file with a digest of its content, and every file a run
 * leaves that is not output.
 *
 * <p>Digests: Parquet files and markers by their bytes (the writer is deterministic: the same
 * input gives the same bytes); quarantine lines by their bytes without {@code detected_at} (the
 * time a record was rejected differs from run to run by design); {@code report.json} without
 * {@code started_at} and {@code finished_at}, {@code report.html} without ISO timestamps.
 */
final class LakeOutputs {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LakeOutputs() {}

  /** The visible files below {@code lake}/{@code relative} (nothing under {@code _staging}). */
  static Map<String, String> visible(Path lake, String... relative) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String r : relative) {
      Path root = lake.resolve(r);
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
          out.put(lake.relativize(f).toString(), digest(f));
        }
      }
    }
    return out;
  }

  private static String digest(Path f) throws IOException {
    String name = f.getFileName().toString();
    byte[] bytes = Files.readAllBytes(f);
    if (name.endsWith(".jsonl")) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      bytes =
          text.replaceAll(",\"detected_at\":\"[^\"]*\"", "").getBytes(StandardCharsets.UTF_8);
    } else if (name.equals("report.json")) {
      ObjectNode j = (ObjectNode) MAPPER.readTree(bytes);
      j.remove(List.of("started_at", "finished_at"));
      bytes = MAPPER.writeValueAsBytes(j);
    } else if (name.equals("report.html")) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      bytes =
          text.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "T")
              .getBytes(StandardCharsets.UTF_8);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The entries of {@code visible} below {@code prefix}. */
  static Map<String, String> below(Map<String, String> visible, String prefix) {
    Map<String, String> out = new TreeMap<>();
    visible.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + "/")) {
            out.put(k, v);
          }
        });
    return out;
  }

  /**
   * Files and directories in {@code lake} that are not output: the staging area, hidden names,
   * Beam's temporary directories.
   */
  static List<String> leftovers(Path lake) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(lake)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.equals("_staging") || name.startsWith(".") || name.contains("temp-beam")) {
          out.add(lake.relativize(p).toString());
        }
      }
    }
    return out;
  }

  /** Whether a run of {@code dataset} was killed after its commit point (its journal is there). */
  static boolean commitInProgress(Path lake, String dataset) throws IOException {
    Path root = lake.resolve("_staging").resolve(dataset);
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(root, 2)) {
      return s.anyMatch(p -> p.getFileName().toString().equals("_COMMIT.json"));
    }
  }

  /** Whether the staging area of {@code dataset} holds anything (a run was caught midway). */
  static boolean staging(Path lake, String dataset) {
    return Files.isDirectory(lake.resolve("_staging").resolve(dataset));
  }

  /**
   * Times a run from the moment its staging directory {@code LAKE/_staging/DATASET} appears (the
   * run is writing) to its end; returns both, in milliseconds from the start. Kills placed after
   * that moment catch a run midway however long the JVM and Beam take to start on a busy machine.
   */
  static long[] timedFromStaging(
      Sediment.Running run, Path lake, String dataset, List<Sediment.Result> result)
      throws Exception {
    try (run) {
      long t0 = System.nanoTime();
      long staged = -1;
      while (!run.process.waitFor(5, TimeUnit.MILLISECONDS)) {
        if (staged < 0 && staging(lake, dataset)) {
          staged = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
      }
      long end = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      result.add(run.await(0, TimeUnit.SECONDS));
      return new long[] {staged < 0 ? end : staged, end};
    }
  }

  /**
   * Starts a run, waits until its staging directory appears, then kills its JVM with SIGKILL
   * {@code millis} later; false if it had ended by itself (then it must have succeeded).
   */
  static boolean killAfterStaging(
      Sediment.Running run, Path lake, String dataset, long millis, String where) throws Exception {
    try (run) {
      while (!staging(lake, dataset)) {
        if (run.process.waitFor(5, TimeUnit.MILLISECONDS)) {
          Sediment.Result r = run.await(0, TimeUnit.SECONDS);
          assertThat(where + "\n" + r, r.exitCode, equalTo(0));
          return false;
        }
      }
      if (run.process.waitFor(millis, TimeUnit.MILLISECONDS)) {
        Sediment.Result r = run.await(0, TimeUnit.SECONDS);
        assertThat(where + "\n" + r, r.exitCode, equalTo(0));
        return false;
      }
      Sediment.Result r = run.kill();
      if (r.exitCode == 0) {
        return false;
      }
      assertThat(where + "\n" + r, r.exitCode, equalTo(128 + 9));
      return true;
    }
  }

  /** {@code n} kill moments spread from {@code from} to 95% of {@code end} (milliseconds). */
  static long[] delays(long from, long end, int n) {
    long to = Math.max(from, end * 95 / 100);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = from + (to - from) * (i + 1) / (n + 1);
    }
    return out;
  }

  /**
   * Writes {@code files} CSV files of trades ({@code trades.avsc}) over 3 dates; every 500th
   * line has a price that is not a number, every 400th a negative price, every 700th the side
   * {@code hold}. {@code seed} changes ids and values, so two seeds give different outputs.
   */
  static void writeTrades(Path dir, int files, int rowsPerFile, int seed) throws IOException {
    Files.createDirectories(dir);
    for (int f = 0; f < files; f++) {
      try (Writer w = Files.newBufferedWriter(dir.resolve("trades-" + f + ".csv"))) {
        w.write("ts,date,symbol,side,price,size,trade_id\n");
        for (int i = 0; i < rowsPerFile; i++) {
          long id = (long) seed * 10_000_000L + (long) f * rowsPerFile + i;
          int day = 3 + (int) (id % 3);
          String date = "2026-02-0" + day;
          String ts =
              String.format(
                  "%sT%02d:%02d:%02d.%03dZ", date, id % 24, id % 60, (id / 60) % 60, id % 1000);
          String side = id % 700 == 3 ? "hold" : id % 2 == 0 ? "buy" : "sell";
          String price =
              id % 500 == 7 ? "n/a" : id % 400 == 5 ? "-1.5" : String.valueOf((id % 1000) * 1.25 + seed);
          w.write(ts + "," + date + ",SYM" + (id % 7) + "," + side + "," + price + "," + (id % 50 + 1) + "," + id + "\n");
        }
      }
    }
  }
}
