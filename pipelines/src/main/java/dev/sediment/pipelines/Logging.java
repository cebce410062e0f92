package dev.sediment.pipelines;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Quiet console logging for the command line: warnings only (INFO with {@code --verbose}), one
 * line each. Beam, Flink and Hadoop log through SLF4J, bound to java.util.logging in the jar.
 */
final class Logging {
  // java.util.logging holds loggers weakly; a level set on a collected logger is lost.
  private static final java.util.List<Logger> CONFIGURED = new java.util.ArrayList<>();

  private Logging() {}

  static void configure(boolean verbose) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler h = new ConsoleHandler();
    h.setLevel(Level.ALL);
    h.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord r) {
            StringBuilder sb =
                new StringBuilder()
                    .append(r.getLevel().getName())
                    .append(' ')
                    .append(shortName(r.getLoggerName()))
                    .append(": ")
                    .append(formatMessage(r))
                    .append(System.lineSeparator());
            if (verbose && r.getThrown() != null) {
              java.io.StringWriter w = new java.io.StringWriter();
              r.getThrown().printStackTrace(new java.io.PrintWriter(w));
              sb.append(w);
            }
            return Secrets.redact(sb.toString());
          }
        });
    root.addHandler(h);
    root.setLevel(verbose ? Level.INFO : Level.WARNING);
    if (!verbose) {
      // Known, harmless start-up warnings that would only alarm users.
      for (String noisy :
          new String[] {
            "org.apache.hadoop", "org.apache.flink", "org.apache.beam.runners.flink",
            "org.apache.parquet", "org.apache.beam.sdk.io.aws2", "software.amazon.awssdk",
            // Warns after every successful write that it found no temporary files to clean.
            "org.apache.beam.sdk.io.FileBasedSink"
          }) {
        Logger l = Logger.getLogger(noisy);
        l.setLevel(Level.SEVERE);
        CONFIGURED.add(l);
      }
    }
  }

  private static String shortName(String name) {
    if (name == null) {
      return "";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }
}
