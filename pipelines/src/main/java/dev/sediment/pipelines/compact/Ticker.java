package dev.sediment.pipelines.compact;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a progress line every 15 s while a long step runs in the calling thread (listing a
 * spool, reading footers), so a big run is never silent; nothing when the step is quicker.
 */
final class Ticker implements AutoCloseable {
  static final long INTERVAL_SECONDS = 15;

  private final ScheduledExecutorService timer;
  private final long started = System.nanoTime();

  Ticker(PrintStream out, Supplier<String> line) {
    this(out, line, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  Ticker(PrintStream out, Supplier<String> line, long every, TimeUnit unit) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sediment-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        () -> out.printf("%s (%d s)%n", line.get(), (System.nanoTime() - started) / 1_000_000_000L),
        every,
        every,
        unit);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
