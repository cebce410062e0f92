package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.junit.Test;

/**
 * {@link TextCells}' fast paths: the common forms take them (so reading stays allocation-free),
 * and whatever they accept is bit for bit what {@link ValueConverter} gives.
 */
public class TextCellsTest {
  private static final Schema SCHEMA = ValueConverterTest.SCHEMA; // amount,f,d,i,l,day,ts,us,s
  private final TextCells cells = new TextCells(SCHEMA);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private boolean fast(ColumnVector.Builder b, String column, String text) {
    byte[] t = utf8(text);
    return cells.text(b, SCHEMA.indexOf(column), t, 0, t.length);
  }

  @Test
  public void commonForms_takeTheFastPath() {
    String[][] cases = {
      {"d", "97000.5"}, {"d", "-0.001"}, {"d", "12345"}, {"d", " 1.5e3 "}, {"f", "2710.25"},
      {"i", "-42"}, {"l", "1770109200125"}, {"day", "2026-02-03"}, {"ts", "2026-02-03T09:00:00Z"},
      {"ts", "2026-02-03T09:00:00.125Z"}, {"us", "2026-02-03T09:00:00.123456Z"}, {"us", "17"},
      {"s", "any text, é"},
    };
    for (String[] c : cases) {
      ColumnVector.Builder b =
          ColumnVector.builder(cells.batchSchema().field(SCHEMA.indexOf(c[0])), 4);
      assertTrue(c[0] + " " + c[1], fast(b, c[0], c[1]));
      assertEquals(1, b.size());
    }
  }

  @Test
  public void declinedForms_appendNothing() {
    String[][] cases = {
      {"d", "NaN"}, {"d", "1e400"}, {"d", "0x1p3"}, {"d", "12345678901234567890"}, {"f", "1e39"},
      {"i", "2147483648"}, {"l", "9223372036854775807"}, {"day", "2026-02-30"},
      {"ts", "2026-02-03T09:00:00+00:00"}, {"ts", "2026-02-03T09:00:00.1255Z"}, {"amount", "1.5"},
      {"i", " "},
    };
    for (String[] c : cases) {
      ColumnVector.Builder b =
          ColumnVector.builder(cells.batchSchema().field(SCHEMA.indexOf(c[0])), 4);
      assertFalse(c[0] + " " + c[1], fast(b, c[0], c[1]));
      assertEquals(0, b.size());
    }
  }

  @Test
  public void randomNumbers_fastPathEqualsJavaParsing() throws Exception {
    Random rnd = new Random(42);
    int fastDoubles = 0;
    int fastFloats = 0;
    for (int i = 0; i < 50_000; i++) {
      String s;
      switch (i % 4) {
        case 0:
          s = Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
          break;
        case 1:
          s = randomDigits(rnd);
          break;
        case 2:
          s = Float.toString(rnd.nextFloat() * (float) Math.pow(10, rnd.nextInt(20) - 10));
          break;
        default:
          s = (rnd.nextBoolean() ? "-" : "") + rnd.nextInt(100_000) + "." + rnd.nextInt(1000)
              + (rnd.nextBoolean() ? "e" + (rnd.nextInt(40) - 20) : "");
      }
      DoubleColumn.Builder d = new DoubleColumn.Builder(1);
      if (fast(d, "d", s)) {
        fastDoubles++;
        assertEquals(s, Double.doubleToRawLongBits((Double) ValueConverter.fromText(SCHEMA.getField("d"), s)),
            Double.doubleToRawLongBits(d.build().get(0)));
      }
      FloatColumn.Builder f = new FloatColumn.Builder(1);
      if (fast(f, "f", s)) {
        fastFloats++;
        assertEquals(s, Float.floatToRawIntBits((Float) ValueConverter.fromText(SCHEMA.getField("f"), s)),
            Float.floatToRawIntBits(f.build().get(0)));
      }
    }
    // Most of these take the fast path; the rest go to ValueConverter.
    assertTrue("doubles on the fast path: " + fastDoubles, fastDoubles > 25_000);
    assertTrue("floats on the fast path: " + fastFloats, fastFloats > 7_500);
  }

  private static String randomDigits(Random rnd) {
    StringBuilder b = new StringBuilder();
    if (rnd.nextInt(4) == 0) {
      b.append(rnd.nextBoolean() ? '-' : '+');
    }
    int n = 1 + rnd.nextInt(19);
    for (int k = 0; k < n; k++) {
      b.append((char) ('0' + rnd.nextInt(10)));
    }
    if (rnd.nextBoolean()) {
      b.append('.');
      int m = rnd.nextInt(8);
      for (int k = 0; k < m; k++) {
        b.append((char) ('0' + rnd.nextInt(10)));
      }
    }
    if (rnd.nextInt(3) == 0) {
      b.append(rnd.nextBoolean() ? 'e' : 'E').append(rnd.nextInt(50) - 25);
    }
    return b.toString();
  }

  @Test
  public void randomDatesAndInstants_fastPathEqualsJavaTime() throws Exception {
    Random rnd = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      int year = rnd.nextInt(10_000);
      LocalDate date = LocalDate.of(year, 1 + rnd.nextInt(12), 1).plusDays(rnd.nextInt(31));
      String day = String.format("%04d-%02d-%02d", date.getYear(), date.getMonthValue(),
          date.getDayOfMonth());
      IntColumn.Builder d = new IntColumn.Builder(1);
      assertTrue(day, fast(d, "day", day));
      assertEquals(day, date.toEpochDay(), d.build().get(0));
      String ts = day + String.format("T%02d:%02d:%02d", rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60));
      int fd = rnd.nextInt(10);
      if (fd > 0) {
        ts += "." + String.format("%09d", rnd.nextInt(1_000_000_000)).substring(0, fd);
      }
      ts += "Z";
      LongColumn.Builder us = new LongColumn.Builder(1);
      boolean took = fast(us, "us", ts);
      if (fd <= 6) {
        assertTrue(ts, took);
      }
      if (took) {
        assertEquals(ts, ValueConverter.fromText(SCHEMA.getField("us"), ts), us.build().get(0));
      }
      LongColumn.Builder ms = new LongColumn.Builder(1);
      if (fast(ms, "ts", ts)) {
        assertEquals(
            ts,
            ((org.joda.time.Instant) ValueConverter.fromText(SCHEMA.getField("ts"), ts)).getMillis(),
            ms.build().get(0));
      }
    }
  }
}
