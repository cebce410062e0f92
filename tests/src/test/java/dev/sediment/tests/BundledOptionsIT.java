package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The bundled jar registers Beam's options through {@code dev.sediment.pipelines.OptionsRegistrar}
 * alone (Beam's own registrars, one validation per interface, cost about 3 s of every command's
 * start), and still takes the options of every runner and IO it bundles.
 */
public class BundledOptionsIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path copy(String resource) throws Exception {
    Path to = tmp.getRoot().toPath().resolve("in").resolve(resource);
    Files.createDirectories(to.getParent());
    try (InputStream s = BundledOptionsIT.class.getResourceAsStream("/demo/" + resource)) {
      Files.write(to, s.readAllBytes());
    }
    return to;
  }

  @Test
  public void bundledJar_listsOnlySedimentsOptionsRegistrar() throws Exception {
    try (JarFile jar = new JarFile(Sediment.jar().toFile())) {
      ZipEntry e =
          jar.getEntry("META-INF/services/org.apache.beam.sdk.options.PipelineOptionsRegistrar");
      try (InputStream in = jar.getInputStream(e)) {
        assertThat(
            new String(in.readAllBytes(), StandardCharsets.UTF_8).strip(),
            equalTo("dev.sediment.pipelines.OptionsRegistrar"));
      }
    }
  }

  @Test
  public void validate_takesOptionsOfEveryBundledRunnerAndIo() throws Exception {
    Path in = copy("readings-2026-02-06.jsonl").getParent();
    Sediment.Result r =
        Sediment.run(
            tmp.getRoot().toPath(),
            "validate",
            "--rules=" + copy("readings.rules.yaml"),
            "--input=" + in + "/*.jsonl",
            "--format=jsonl",
            "--schema=" + copy("sensors.avsc"),
            "--dataset=readings",
            "--lake=" + tmp.getRoot().toPath().resolve("lake"),
            "--runId=options",
            // Flink, Dataflow, GCP core and IO, AWS, Kinesis, portability, resource hints, direct:
            "--flinkMaster=[local]",
            "--region=europe-west1",
            "--project=sediment-test",
            "--bigQueryProject=sediment-test",
            "--firestoreDb=(default)",
            "--awsRegion=us-east-1",
            "--s3PathStyleAccess=true",
            "--kinesisIOConsumerArns={}",
            "--defaultEnvironmentType=EMBEDDED",
            "--resourceHints=min_ram=1GB",
            "--experiments=sediment_test",
            "--targetParallelism=2");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(
        r.stdout,
        containsString(
            "2,001 records in, 1,993 valid, 8 quarantined (1 unparsed, 7 breaking error rules),"
                + " 5 passed with warnings"));
  }

  @Test
  public void helpOfBundledInterfaces_printsTheirOptions() throws Exception {
    Sediment.Result kinesis =
        Sediment.run(tmp.getRoot().toPath(), "validate", "--help=KinesisIOOptions");
    assertThat(kinesis.toString(), kinesis.exitCode, equalTo(0));
    assertThat(kinesis.stdout, containsString("--kinesisIOConsumerArns"));
    Sediment.Result flink =
        Sediment.run(tmp.getRoot().toPath(), "validate", "--help=FlinkPipelineOptions");
    assertThat(flink.toString(), flink.exitCode, equalTo(0));
    assertThat(flink.stdout, containsString("--flinkMaster"));
  }
}
