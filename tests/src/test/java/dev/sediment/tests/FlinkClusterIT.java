package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * ingest-table, ingest (seismic) and compact submitted with the FlinkRunner to a real standalone
 * Flink session cluster ({@code bin/flink-cluster}: a JobManager and a TaskManager JVM on
 * 127.0.0.1, started once for all tests), each compared with the same run on the DirectRunner.
 */
public class FlinkClusterIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static int restPort;
  private static int rpcPort;
  private static Path clusterDir;
  private static Thread stopHook;

  @BeforeClass
  public static void startCluster() throws Exception {
    restPort = freePort();
    do {
      rpcPort = freePort();
    } while (rpcPort == restPort);
    clusterDir = TMP.getRoot().toPath().resolve("flink-cluster");
    // Also stop the cluster if this JVM is killed before @AfterClass runs.
    stopHook = new Thread(FlinkClusterIT::stopQuietly, "stop-flink-cluster");
    Runtime.getRuntime().addShutdownHook(stopHook);
    Script start = clusterScript("start", 240);
    assertThat("bin/flink-cluster start failed:\n" + start.output, start.exitCode, equalTo(0));
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (clusterDir == null) {
      return;
    }
    Script stop = clusterScript("stop", 60);
    try {
      Runtime.getRuntime().removeShutdownHook(stopHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    assertThat("bin/flink-cluster stop failed:\n" + stop.output, stop.exitCode, equalTo(0));
  }

  @Test
  public void ingestTable_onStandaloneCluster_sameAsDirectRunner() throws Exception {
    Path work = TMP.newFolder("work").toPath();
    Path in = Fixtures.copyTo(work.resolve("in"));
    Path clusterLake = work.resolve("cluster-lake");
    Path directLake = work.resolve("direct-lake");

    Set<String> before = jobIds();
    Sediment.Result onCluster =
        Sediment.run(
            work,
            Fixtures.ingestArgs(
                in,
                clusterLake,
                "--runner=FlinkRunner",
                "--flinkMaster=127.0.0.1:" + restPort));
    assertThat(onCluster.toString() + logTail(), onCluster.exitCode, equalTo(0));
    assertThat(onCluster.stdout, containsString("10 records in, 6 written, 4 quarantined"));

    // The job really ran on the cluster: its JobManager lists it, finished.
    assertThat(newJob(before).path("state").asText(), equalTo("FINISHED"));

    Fixtures.assertIngested(Sediment.run(work, Fixtures.ingestArgs(in, directLake)));
    Fixtures.assertSameDataset(directLake, clusterLake);
  }

  /**
   * ingest of the seismic fixtures in byte ranges on the cluster with parallelism 2 (the ranges
   * spread over both subtasks of the read) and on the DirectRunner: same counts, same dataset.
   */
  @Test
  public void ingestSeismic_onStandaloneClusterParallelism2_sameDatasetAsDirectRunner()
      throws Exception {
    Path work = TMP.newFolder("seismic").toPath();
    Path in = SeismicFixtures.writeTo(work.resolve("in"));
    String base = in + "/";
    Path clusterLake = work.resolve("cluster-lake");
    Path directLake = work.resolve("direct-lake");

    Set<String> before = jobIds();
    Sediment.Result onCluster =
        Sediment.run(
            work,
            SeismicFixtures.ingestArgs(
                base,
                clusterLake.toString(),
                SeismicFixtures.SPLIT_BYTES,
                "--runner=FlinkRunner",
                "--flinkMaster=127.0.0.1:" + restPort,
                "--parallelism=2"));
    assertThat(onCluster.toString() + logTail(), onCluster.exitCode, equalTo(0));
    SeismicFixtures.assertIngested(onCluster);
    JsonNode job = newJob(before);
    assertThat(job.toString(), job.path("state").asText(), equalTo("FINISHED"));
    // The 49 byte ranges (CH.BALST alone has 32) were decoded by both subtasks.
    JsonNode decode = vertex(job.path("jid").asText(), "at ReadTraces/DecodeRanges)");
    List<Long> ranges = new ArrayList<>();
    for (JsonNode subtask : decode.path("subtasks")) {
      ranges.add(subtask.path("metrics").path("read-records").asLong());
    }
    assertThat(decode.toString(), ranges.size(), equalTo(2));
    assertThat(decode.toString(), ranges.get(0) + ranges.get(1), equalTo(49L));
    assertThat(decode.toString(), Math.min(ranges.get(0), ranges.get(1)), greaterThan(0L));

    SeismicFixtures.assertIngested(
        Sediment.run(
            work, SeismicFixtures.ingestArgs(base, directLake.toString(), SeismicFixtures.SPLIT_BYTES)));
    SeismicFixtures.assertSameDataset(
        SeismicFixtures.assertDataset(directLake, base, in),
        SeismicFixtures.assertDataset(clusterLake, base, in));
  }

  /**
   * compact --mode=backfill of a BBO spool (3 partitions x 2 dates: overlapping sorted files, an
   * unsorted one, one running past midnight UTC, one partition without rows on the first date)
   * on the cluster with parallelism 2 and on the DirectRunner: same counts, same rows in total
   * order, and byte-identical data.parquet in every partition.
   */
  @Test
  public void compactBackfill_onStandaloneCluster_sameBytesAsDirectRunner() throws Exception {
    Path work = TMP.newFolder("compact").toPath();
    Path spool = BboSpool.write(work.resolve("spool"), COMPACT_SPOOL);
    Path clusterTarget = work.resolve("targets/cluster");
    Path directTarget = work.resolve("targets/direct");

    Set<String> before = jobIds();
    Sediment.Result onCluster =
        Sediment.run(
            work,
            compactArgs(
                spool,
                clusterTarget,
                "--runner=FlinkRunner",
                "--flinkMaster=127.0.0.1:" + restPort,
                "--parallelism=2"));
    assertThat(onCluster.toString() + logTail(), onCluster.exitCode, equalTo(0));
    assertThat(onCluster.stdout, containsString("compact: 3 partitions x 2 dates on FlinkRunner"));
    assertThat(onCluster.stdout, containsString(COMPACT_SUMMARY));
    JsonNode job = newJob(before);
    assertThat(job.toString(), job.path("state").asText(), equalTo("FINISHED"));

    Sediment.Result direct = Sediment.run(work, compactArgs(spool, directTarget));
    assertThat(direct.toString(), direct.exitCode, equalTo(0));
    assertThat(direct.stdout, containsString("compact: 3 partitions x 2 dates on DirectRunner"));
    assertThat(direct.stdout, containsString(COMPACT_SUMMARY));

    Map<String, CompactedTarget.Dir> d = CompactedTarget.read(directTarget);
    Map<String, CompactedTarget.Dir> c = CompactedTarget.read(clusterTarget);
    assertThat(d.keySet(), equalTo(COMPACT_ROWS.keySet()));
    assertThat(c.keySet(), equalTo(COMPACT_ROWS.keySet()));
    for (Map<String, CompactedTarget.Dir> target : List.of(d, c)) {
      for (CompactedTarget.Dir p : target.values()) {
        assertThat(p.toString(), p.files, equalTo(List.of("data.parquet", "meta.json")));
        assertThat(p.toString(), p.metaSha256(), equalTo(p.dataSha256));
        assertThat(p.toString(), p.rowCount(), equalTo(COMPACT_ROWS.get(p.path)));
      }
    }
    // The rows first (so a byte difference below is not a difference of content), then the bytes.
    for (String p : COMPACT_ROWS.keySet()) {
      String partition = p.substring(0, p.lastIndexOf('/'));
      LocalDate date = LocalDate.parse(p.substring(p.length() - 8), DateTimeFormatter.BASIC_ISO_DATE);
      List<String> expected = BboSpool.keysOn(COMPACT_SPOOL, partition, date);
      assertThat(p, CompactedTarget.keys(directTarget.resolve(p).resolve("data.parquet")), equalTo(expected));
      assertThat(p, CompactedTarget.keys(clusterTarget.resolve(p).resolve("data.parquet")), equalTo(expected));
    }
    assertThat("same rows, so any difference is in the bytes alone", CompactedTarget.shas(c), equalTo(CompactedTarget.shas(d)));

    // One verify over both targets (it walks every date directory below --target).
    Sediment.Result v = Sediment.run(work, "verify", "--target=" + work.resolve("targets"));
    assertThat(v.toString(), v.exitCode, equalTo(0));
    assertThat(v.stdout, containsString("verify: 10 partitions checked, 0 bad"));
  }

  private static final LocalDate D2 = LocalDate.of(2026, 2, 2);
  private static final LocalDate D3 = LocalDate.of(2026, 2, 3);
  private static final String BTC = "exchange=binance/stream=bbo/symbol=btcusdt";
  private static final String ETH = "exchange=binance/stream=bbo/symbol=ethusdt";
  private static final String OKX = "exchange=okx/stream=bbo/symbol=btcusdt";
  private static final long S = BboSpool.SECOND;

  /**
   * btcusdt: a collector from 02-02 22:00 running past midnight, then an unsorted file and a
   * sorted one overlapping it on the same half-second grid (equal timestamps, told apart by seq).
   * ethusdt: one file on 02-02, two overlapping on 02-03. okx: two overlapping files on 02-03
   * only, so 02-02 has no rows there.
   */
  private static final List<BboSpool.SpoolFile> COMPACT_SPOOL =
      List.of(
          new BboSpool.SpoolFile(BTC, "2026-02-02_22-00-00", BboSpool.at(D2, 22, 0), S, 9_000, 0, true),
          new BboSpool.SpoolFile(BTC, "2026-02-03_01-00-00", BboSpool.at(D3, 1, 0), S / 2, 6_000, 1_000_000, false),
          new BboSpool.SpoolFile(BTC, "2026-02-03_01-30-00", BboSpool.at(D3, 1, 30), S / 2, 4_000, 2_000_000, true),
          new BboSpool.SpoolFile(ETH, "2026-02-02_10-00-00", BboSpool.at(D2, 10, 0), 2 * S, 5_000, 0, true),
          new BboSpool.SpoolFile(ETH, "2026-02-03_00-00-00", BboSpool.at(D3, 0, 0), S, 3_000, 1_000_000, true),
          new BboSpool.SpoolFile(ETH, "2026-02-03_00-10-00", BboSpool.at(D3, 0, 10), S, 3_000, 2_000_000, true),
          new BboSpool.SpoolFile(OKX, "2026-02-03_08-00-00", BboSpool.at(D3, 8, 0), S, 4_000, 0, true),
          new BboSpool.SpoolFile(OKX, "2026-02-03_08-30-00", BboSpool.at(D3, 8, 30), S, 4_000, 1_000_000, true));

  private static final Map<String, Long> COMPACT_ROWS =
      Map.of(
          BTC + "/date=20260202", 7_200L,
          BTC + "/date=20260203", 11_800L,
          ETH + "/date=20260202", 5_000L,
          ETH + "/date=20260203", 6_000L,
          OKX + "/date=20260203", 8_000L);
  private static final String COMPACT_SUMMARY =
      "compact: 5 partitions written, 0 unchanged, 1 without rows; 38,000 rows; 0 files quarantined";

  private static String[] compactArgs(Path spool, Path target, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("compact");
    args.add("--spool=" + spool);
    args.add("--target=" + target);
    args.add("--mode=backfill");
    args.add("--start=20260202");
    args.add("--end=20260203");
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  /** The ids of the jobs the cluster knows. */
  private static Set<String> jobIds() throws IOException, InterruptedException {
    Set<String> ids = new TreeSet<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      ids.add(j.path("jid").asText());
    }
    return ids;
  }

  /** The one job submitted since {@code before} was taken. */
  private static JsonNode newJob(Set<String> before) throws IOException, InterruptedException {
    List<JsonNode> added = new ArrayList<>();
    JsonNode jobs = get("/jobs/overview").path("jobs");
    for (JsonNode j : jobs) {
      if (!before.contains(j.path("jid").asText())) {
        added.add(j);
      }
    }
    assertThat(jobs.toString(), added.size(), equalTo(1));
    return added.get(0);
  }

  /** The one vertex of job {@code jid} whose name contains {@code name}, with its subtasks. */
  private static JsonNode vertex(String jid, String name) throws IOException, InterruptedException {
    List<String> found = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JsonNode v : get("/jobs/" + jid).path("vertices")) {
      names.add(v.path("name").asText());
      if (v.path("name").asText().contains(name)) {
        found.add(v.path("id").asText());
      }
    }
    assertThat(String.join("\n", names), found.size(), equalTo(1));
    return get("/jobs/" + jid + "/vertices/" + found.get(0));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static JsonNode get(String path) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat("GET " + path + ": " + r.body(), r.statusCode(), equalTo(200));
    return new ObjectMapper().readTree(r.body());
  }

  /** The tail of the cluster logs, for failure messages. */
  private static String logTail() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("jobmanager.log", "taskmanager.log")) {
      Path f = clusterDir.resolve("log").resolve(name);
      try {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        sb.append("\n--- tail of ").append(f).append('\n');
        sb.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
      } catch (IOException e) {
        sb.append("\n--- ").append(f).append(": ").append(e);
      }
    }
    return sb.toString();
  }

  private static final class Script {
    final int exitCode;
    final String output;

    Script(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /** Runs {@code bin/flink-cluster COMMAND} against this test's ports and state dir. */
  private static Script clusterScript(String command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path script = Sediment.home().resolve("bin/flink-cluster");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString(), command)
            .directory(Sediment.home().toFile())
            .redirectErrorStream(true);
    pb.environment().put("FLINK_REST_PORT", Integer.toString(restPort));
    pb.environment().put("FLINK_RPC_PORT", Integer.toString(rpcPort));
    pb.environment().put("FLINK_CLUSTER_DIR", clusterDir.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // Output to a file, not a pipe: the cluster JVMs outlive the script.
    File out = File.createTempFile("flink-cluster-" + command, ".out");
    pb.redirectOutput(out);
    try {
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Script(
            -1,
            "timed out after " + timeoutSeconds + "s\n"
                + Files.readString(out.toPath(), StandardCharsets.UTF_8));
      }
      return new Script(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }

  private static void stopQuietly() {
    try {
      clusterScript("stop", 60);
    } catch (Exception e) {
      System.err.println("could not stop the Flink cluster: " + e);
    }
  }
}
