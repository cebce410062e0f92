package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code bin/sediment} itself (the script, not only the jar) records a class-data archive on the
 * first good run of a command and maps it on the next runs: the same output, nothing on stderr,
 * Sediment's own classes loaded from the archive; a {@code --help} run or {@code SEDIMENT_CDS=0}
 * leaves none, and an archive older than the jar is made again.
 */
public class ClassDataArchiveIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path archives() {
    return tmp.getRoot().toPath().resolve("cds");
  }

  private Sediment.Result binSediment(Map<String, String> extraEnv, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Sediment.home().resolve("bin/sediment").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.getRoot());
    Map<String, String> env = pb.environment();
    env.put("SEDIMENT_SKIP_BUILD", "1");
    env.put("SEDIMENT_CDS_DIR", archives().toString());
    env.remove("JAVA_OPTS");
    env.putAll(extraEnv);
    File out = tmp.newFile();
    File err = tmp.newFile();
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bin/sediment " + String.join(" ", args) + " did not finish");
    }
    return new Sediment.Result(
        p.exitValue(),
        Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  private List<Path> files() throws IOException {
    if (!Files.exists(archives())) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(archives())) {
      return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  private String[] ingest(String lake) throws IOException {
    Path in = Fixtures.copyTo(tmp.getRoot().toPath().resolve("in"));
    return Fixtures.ingestArgs(in, tmp.getRoot().toPath().resolve(lake));
  }

  @Test
  public void firstRunRecords_laterRunsMapIt_sameOutput_quiet() throws Exception {
    Sediment.Result help = binSediment(Map.of(), "ingest-table", "--help");
    assertThat(help.toString(), help.exitCode, equalTo(0));
    Sediment.Result off = binSediment(Map.of("SEDIMENT_CDS", "0"), ingest("lake0"));
    Fixtures.assertIngested(off);
    assertThat("no archive after --help or SEDIMENT_CDS=0", files(), empty());

    Sediment.Result first = binSediment(Map.of(), ingest("lake1"));
    Fixtures.assertIngested(first);
    assertThat(first.toString(), first.stderr, equalTo(""));
    List<Path> made = files();
    assertThat(made.toString(), made.size(), equalTo(1));
    Path archive = made.get(0);
    assertThat(archive.getFileName().toString(), equalTo("ingest-table.jsa"));
    assertThat(Files.size(archive), greaterThan(1L << 20));

    Path classLog = tmp.getRoot().toPath().resolve("classes.log");
    Sediment.Result second =
        binSediment(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), ingest("lake2"));
    Fixtures.assertIngested(second);
    assertThat(second.toString(), second.stderr, equalTo(""));
    assertThat(
        second.stdout.replace("lake2", "lakeN"), equalTo(first.stdout.replace("lake1", "lakeN")));
    Fixtures.assertSameDataset(
        tmp.getRoot().toPath().resolve("lake1"), tmp.getRoot().toPath().resolve("lake2"));
    String loaded = Files.readString(classLog);
    assertThat(
        loaded,
        containsString("dev.sediment.pipelines.Sediment source: shared objects file (top)"));
    assertThat("still one archive, no temporary file left", files(), equalTo(made));

    // An archive older than the jar (a rebuild) is recorded again.
    FileTime old = FileTime.fromMillis(Files.getLastModifiedTime(Sediment.jar()).toMillis() - 60_000);
    Files.setLastModifiedTime(archive, old);
    Sediment.Result third = binSediment(new HashMap<>(), ingest("lake3"));
    Fixtures.assertIngested(third);
    assertThat(third.toString(), third.stderr, equalTo(""));
    assertThat(Files.getLastModifiedTime(archive).compareTo(old), greaterThan(0));
    assertThat(files(), equalTo(made));
  }
}
