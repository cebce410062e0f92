package dev.sediment.pipelines.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

public class TickerTest {
  @Test
  public void ticker_printsTheLineRepeatedly_untilClosed() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CountDownLatch three = new CountDownLatch(3);
    try (Ticker t =
        new Ticker(
            out,
            () -> {
              three.countDown();
              return "compact: listing spool: 7 files, 2 partitions so far";
            },
            10,
            TimeUnit.MILLISECONDS)) {
      assertThat(three.await(30, TimeUnit.SECONDS), equalTo(true));
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    for (String line : printed.split("\n")) {
      assertThat(line, matchesPattern("compact: listing spool: 7 files, 2 partitions so far \\(\\d+ s\\)"));
    }
    int lines = printed.split("\n").length;
    assertThat(lines >= 3, equalTo(true));
    // close() waited for the timer to stop: nothing is printed after it returned.
    assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n").length, equalTo(lines));
  }
}
