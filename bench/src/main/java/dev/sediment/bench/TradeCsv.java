package dev.sediment.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Random;

/**
 * Generates the CSV of the {@code ingest-table} benchmark ({@code bench/run-ingest-table-bench}):
 * one file of {@code rows} trades, with a header line and five columns, about 44 bytes a row:
 *
 * <pre>
 * ts,date,symbol,price,size
 * 1770076800012345,2026-02-03,QXBT,1234.56,731
 * </pre>
 *
 * <p>{@code ts} is microseconds since the epoch (the schema {@code bench/trades-csv.avsc} reads it
 * as {@code timestamp-micros}, which takes integers), increasing through {@code days} UTC days
 * from 2026-02-03 with the same number of rows (within one) on each day; {@code date} is the UTC
 * date of {@code ts}, the partition column; {@code symbol} one of {@link TradeRows}' 50 symbols;
 * {@code price} a positive amount with two decimals; {@code size} 1 to 10,000. Every line is
 * valid, so every tool must write every row.
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.TradeCsv --out=/tmp/trades.csv --rows=10000000 [--days=8] [--seed=20261207]
 * }</pre>
 *
 * <p>Deterministic: the same arguments give the same bytes.
 */
public final class TradeCsv {
  static final LocalDate FIRST_DAY = LocalDate.of(2026, 2, 3);
  static final long MICROS_PER_DAY = 86_400_000_000L;
  static final String HEADER = "ts,date,symbol,price,size";

  private TradeCsv() {}

  /** Writes {@code rows} lines after the header to {@code out}. */
  static void write(Writer out, long rows, int days, long seed) throws IOException {
    Random rnd = new Random(seed);
    long start = FIRST_DAY.toEpochDay() * MICROS_PER_DAY;
    long span = days * MICROS_PER_DAY;
    String[] dates = new String[days];
    for (int d = 0; d < days; d++) {
      dates[d] = FIRST_DAY.plusDays(d).toString();
    }
    out.write(HEADER);
    out.write('\n');
    StringBuilder line = new StringBuilder(64);
    for (long k = 0; k < rows; k++) {
      // Row k lies in its own slot of span / rows microseconds: increasing, evenly spread.
      long slotStart = multiplyDivide(k, span, rows);
      long slot = multiplyDivide(k + 1, span, rows) - slotStart;
      long offset = slotStart + (slot <= 1 ? 0 : (long) (rnd.nextDouble() * slot));
      long cents = 100 + rnd.nextInt(500_000);
      line.setLength(0);
      line.append(start + offset).append(',')
          .append(dates[(int) (offset / MICROS_PER_DAY)]).append(',')
          .append(TradeRows.SYMBOLS[rnd.nextInt(TradeRows.SYMBOLS.length)]).append(',')
          .append(cents / 100).append('.');
      long c = cents % 100;
      line.append(c < 10 ? "0" : "").append(c).append(',')
          .append(1 + rnd.nextInt(10_000)).append('\n');
      out.append(line);
    }
  }

  /** {@code a * b / c} without overflow for {@code a <= c}, rounded down. */
  static long multiplyDivide(long a, long b, long c) {
    return Math.multiplyHigh(a, b) == 0 && a * b >= 0
        ? a * b / c
        : BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c))
            .longValueExact();
  }

  /** {@code --out=FILE [--rows=10000000] [--days=8] [--seed=20261207]}. */
  public static void main(String[] args) throws Exception {
    Path out = null;
    long rows = 10_000_000L;
    int days = 8;
    long seed = 20261207L;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--out=")) {
        out = Paths.get(v);
      } else if (a.startsWith("--rows=")) {
        rows = Long.parseLong(v);
      } else if (a.startsWith("--days=")) {
        days = Integer.parseInt(v);
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(v);
      } else {
        System.err.println("TradeCsv: unknown argument " + a
            + "; use --out=FILE [--rows=N] [--days=N] [--seed=N]");
        System.exit(2);
      }
    }
    if (out == null || rows < 1 || days < 1) {
      System.err.println("TradeCsv: --out=FILE is required, --rows and --days must be at least 1");
      System.exit(2);
    }
    Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
      write(w, rows, days, seed);
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println(out + " " + rows + " rows " + Files.size(out) + " bytes");
  }
}
