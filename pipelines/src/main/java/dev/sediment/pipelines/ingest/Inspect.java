package dev.sediment.pipelines.ingest;

import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicInspector;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * {@code bin/sediment inspect [--json] FILE...}: reads each seismic file to its end and prints
 * what it holds, one line (or one JSON object) per file; see {@link SeismicInspector}. A file
 * that does not decode gets one line on stderr naming the byte offset and the error type, and
 * the exit code is 1. Runs in this process; no pipeline.
 */
public final class Inspect implements Command<InspectOptions> {

  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "Print format, traces, samples, times and sample statistics of seismic files.";
  }

  @Override
  public String usage() {
    return "[--json] FILE...";
  }

  @Override
  public Class<InspectOptions> optionsClass() {
    return InspectOptions.class;
  }

  @Override
  public boolean takesFileArguments() {
    return true;
  }

  @Override
  public int run(InspectOptions options, PrintStream out) {
    throw new UsageException("name at least one file: bin/sediment inspect [--json] FILE...");
  }

  @Override
  public int run(InspectOptions options, List<String> files, PrintStream out, PrintStream err) {
    if (files.isEmpty()) {
      return run(options, out);
    }
    int bad = 0;
    for (String f : files) {
      try {
        SeismicInspector.Summary s = inspect(f);
        out.println(options.getJson() ? s.toJson() : s.toString());
      } catch (SeismicFormatException e) {
        err.println("inspect: " + e.getMessage());
        bad++;
      } catch (IOException e) {
        err.println("inspect: " + f + ": cannot be read: " + e.getMessage());
        bad++;
      }
    }
    out.flush();
    err.flush();
    if (files.size() > 1 && !options.getJson()) {
      out.printf("inspect: %d files, %d unreadable%n", files.size(), bad);
    }
    return bad == 0 ? 0 : 1;
  }

  /** Inspects one local path or Beam file system URI. */
  static SeismicInspector.Summary inspect(String file) throws IOException {
    MatchResult.Metadata m;
    try {
      m = FileSystems.matchSingleFileSpec(LakePaths.absolute(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("no such file", e);
    }
    try (SeekableByteChannel ch = (SeekableByteChannel) FileSystems.open(m.resourceId())) {
      return SeismicInspector.inspect(ch, file);
    }
  }
}
