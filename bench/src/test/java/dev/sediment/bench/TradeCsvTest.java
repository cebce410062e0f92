package dev.sediment.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

public class TradeCsvTest {
  @Test
  public void write_exactRows_increasingTs_dateOfTs_evenDays_deterministic() throws Exception {
    StringWriter w = new StringWriter();
    TradeCsv.write(w, 10_007, 3, 42);
    String[] lines = w.toString().split("\n", -1);

    assertThat(lines[0], equalTo("ts,date,symbol,price,size"));
    assertThat(lines.length, equalTo(10_007 + 2)); // header, rows, the empty string after the last \n
    assertThat(lines[lines.length - 1], equalTo(""));
    Map<String, Integer> perDay = new TreeMap<>();
    long prev = Long.MIN_VALUE;
    for (int i = 1; i <= 10_007; i++) {
      String[] f = lines[i].split(",", -1);
      assertThat(lines[i], f.length, equalTo(5));
      long ts = Long.parseLong(f[0]);
      assertThat(lines[i], ts, greaterThanOrEqualTo(prev));
      prev = ts;
      assertThat(lines[i], f[1], equalTo(Instant.ofEpochSecond(ts / 1_000_000).atOffset(ZoneOffset.UTC).toLocalDate().toString()));
      assertThat(lines[i], Arrays.asList(TradeRows.SYMBOLS).contains(f[2]), equalTo(true));
      assertThat(lines[i], f[3].matches("[1-9][0-9]*\\.[0-9]{2}"), equalTo(true));
      long size = Long.parseLong(f[4]);
      assertThat(size, greaterThanOrEqualTo(1L));
      assertThat(size, lessThanOrEqualTo(10_000L));
      perDay.merge(f[1], 1, Integer::sum);
    }
    assertThat(perDay.keySet().toString(), equalTo("[2026-02-03, 2026-02-04, 2026-02-05]"));
    for (int n : perDay.values()) {
      assertThat(Math.abs(n - 10_007 / 3) <= 1, equalTo(true));
    }
    StringWriter again = new StringWriter();
    TradeCsv.write(again, 10_007, 3, 42);
    assertThat(again.toString(), equalTo(w.toString()));
  }

  @Test
  public void multiplyDivide_beyondLongProduct_exact() {
    long span = 8 * TradeCsv.MICROS_PER_DAY;
    assertThat(TradeCsv.multiplyDivide(19_999_999L, span, 20_000_000L), equalTo(span - 34_560L));
    assertThat(TradeCsv.multiplyDivide(5L, 7L, 2L), equalTo(17L));
  }
}
