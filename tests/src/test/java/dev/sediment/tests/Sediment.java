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

  /** A run started with {@link #start}; {@link #close} kills it if it is still running. */
  static final class Running implements AutoCloseable {
    final Process process;
    private final String[] args;
    private final File out;
    private final File err;

    private Running(Process process, String[] args, File out, File err) {
      this.process = process;
      this.args = args;
      this.out = out;
      this.err = err;
    }

    /** Waits up to {@code timeout} for the run to end by itself, then returns what it printed. */
    Result await(long timeout, TimeUnit unit) throws IOException, InterruptedException {
      if (!process.waitFor(timeout, unit)) {
        close();
        throw new AssertionError(
            "sediment " + String.join(" ", args) + " did not finish in " + timeout + " " + unit);
      }
      return result();
    }

    /** What the run has printed to stdout so far. */
    String stdoutSoFar() throws IOException {
      return Files.readString(out.toPath(), StandardCharsets.UTF_8);
    }

    /** Kills the run with SIGKILL (no shutdown hooks, no finally blocks) and waits for it to die. */
    Result kill() throws IOException, InterruptedException {
      process.destroyForcibly();
      process.waitFor();
      return result();
    }

    private Result result() throws IOException {
      Result r =
          new Result(
              process.exitValue(),
              Files.readString(out.toPath(), StandardCharsets.UTF_8),
              Files.readString(err.toPath(), StandardCharsets.UTF_8));
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
      return r;
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }

  /**
   * Starts the bundled jar in its own JVM with {@code jvmOptions} (e.g. {@code -Xmx512m}) and
   * returns at once; stdout and stderr go to files in {@code workDir}.
   */
  static Running start(Path workDir, Map<String, String> env, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().put("SEDIMENT_HOME", home().toString());
    pb.environment().putAll(env);
    File out = workDir.resolve(".stdout-" + System.nanoTime()).toFile();
    File err = workDir.resolve(".stderr-" + System.nanoTime()).toFile();
    pb.redirectOutput(out).redirectError(err);
    return new Running(pb.start(), args, out, err);
  }

  static Result run(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    try (Running r = start(workDir, env, List.of("-Xmx1g"), args)) {
      return r.await(10, TimeUnit.MINUTES);
    }
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, Map.of(), args);
  }

  private Sediment() {}
}
