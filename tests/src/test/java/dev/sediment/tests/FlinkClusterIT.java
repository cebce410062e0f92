package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * ingest-table submitted with the FlinkRunner to a real standalone Flink session cluster
 * ({@code bin/flink-cluster}: a JobManager and a TaskManager JVM on 127.0.0.1), compared with
 * the same ingest on the DirectRunner.
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
    JsonNode jobs = get("/jobs/overview").path("jobs");
    assertThat(jobs.toString(), jobs.size(), equalTo(1));
    assertThat(jobs.toString(), jobs.get(0).path("state").asText(), equalTo("FINISHED"));

    Fixtures.assertIngested(Sediment.run(work, Fixtures.ingestArgs(in, directLake)));
    Fixtures.assertSameDataset(directLake, clusterLake);
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
