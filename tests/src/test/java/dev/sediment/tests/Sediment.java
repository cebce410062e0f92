package dev.sediment.tests;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the bundled jar as {@code bin/sediment} does, in its own JVM, and captures the result. */
final class Sediment {
  /** What one run printed and returned. */
  static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  static Path home() {
    return Paths.get(System.getProperty("sediment.home", "..")).toAbsolutePath().normalize();
  }

  static Path jar() {
    Path jar = Paths.get(System.getProperty("sediment.jar", "../pipelines/target/sediment-bundled.jar"));
    assertTrue("bundled jar missing: " + jar + " (run mvn package first)", Files.exists(jar));
    return jar.toAbsolutePath();
  }

  static Result run(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().put("SEDIMENT_HOME", home().toString());
    pb.environment().putAll(env);
    File out = workDir.resolve(".stdout-" + System.nanoTime()).toFile();
    File err = workDir.resolve(".stderr-" + System.nanoTime()).toFile();
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("sediment " + String.join(" ", args) + " did not finish in 10 minutes");
    }
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out.toPath(), StandardCharsets.UTF_8),
            Files.readString(err.toPath(), StandardCharsets.UTF_8));
    Files.delete(out.toPath());
    Files.delete(err.toPath());
    return r;
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, Map.of(), args);
  }

  private Sediment() {}
}
