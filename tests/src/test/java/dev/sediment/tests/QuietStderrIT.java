package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code validate} and {@code rules infer} print nothing on stderr when all goes well: no
 * {@code WARNING SerializableCoder: Can't verify serialized elements of type Partial ...} (the
 * report parts, the report and the profile have their own coders), even with the DirectRunner's
 * encode/decode/compare checks turned back on.
 */
public class QuietStderrIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path copy(String resource) throws Exception {
    Path to = tmp.getRoot().toPath().resolve("in").resolve(resource);
    Files.createDirectories(to.getParent());
    try (InputStream s = QuietStderrIT.class.getResourceAsStream("/demo/" + resource)) {
      Files.write(to, s.readAllBytes());
    }
    return to;
  }

  @Test
  public void validate_withDirectRunnerCoderChecks_nothingOnStderr() throws Exception {
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
            "--runId=quiet",
            "--enforceImmutability=true",
            "--enforceEncodability=true");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(
        r.stdout,
        containsString(
            "2,001 records in, 1,993 valid, 8 quarantined (1 unparsed, 7 breaking error rules),"
                + " 5 passed with warnings"));
    assertThat(r.toString(), r.stderr, equalTo(""));
  }

  @Test
  public void rulesInfer_withDirectRunnerCoderChecks_nothingOnStderr() throws Exception {
    Path in = copy("readings-2026-02-06.jsonl").getParent();
    Path out = tmp.getRoot().toPath().resolve("readings.yaml");
    Sediment.Result r =
        Sediment.run(
            tmp.getRoot().toPath(),
            "rules",
            "infer",
            "--input=" + in + "/*.jsonl",
            "--format=jsonl",
            "--output=" + out,
            "--enforceImmutability=true",
            "--enforceEncodability=true");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.stdout, containsString("rules written to " + out));
    assertThat(Files.readString(out), containsString("station:"));
    assertThat(r.toString(), r.stderr, equalTo(""));
  }
}
