package dev.sediment.bench;

import dev.sediment.io.parquet.LocalParquetFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Generates a BBO spool as a set of collectors leaves it: {@code files} Snappy Parquet files in one
 * partition ({@code exchange=binance/stream=bbo/symbol=btcusdt}), each sorted by {@code (ts_event,
 * seq)}, covering overlapping windows of one UTC day, {@code rows} rows in all.
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.BboSpool --spool=/tmp/spool --rows=20000000 --files=8
 * }</pre>
 *
 * <p>Deterministic: file {@code i} draws from {@code new Random(seed + i)}, so the same arguments
 * give the same rows whatever the thread count. Window {@code i} is {@link #WINDOW} long and starts
 * {@code i * (24h - WINDOW) / (files - 1)} after midnight: neighbours overlap by more than half a
 * window. Within a file, row {@code k} has {@code ts_event = start + k * step + jitter} with
 * {@code 0 <= jitter < step} (strictly increasing) and {@code seq = i * 1e9 + k}, so {@code
 * (ts_event, seq)} is unique across the spool.
 */
public final class BboSpool {
  public static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"namespace\":\"dev.sediment.bench\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"},"
                  + "{\"name\":\"bid_sz\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_px\",\"type\":\"double\"},"
                  + "{\"name\":\"ask_sz\",\"type\":\"double\"}]}");
  public static final String PARTITION = "exchange=binance/stream=bbo/symbol=btcusdt";
  public static final LocalDate DATE = LocalDate.of(2026, 2, 3);
  public static final long NANOS_PER_HOUR = 3_600_000_000_000L;
  public static final long NANOS_PER_DAY = 24 * NANOS_PER_HOUR;
  /** How long each collector ran. */
  public static final long WINDOW = 6 * NANOS_PER_HOUR;

  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

  private BboSpool() {}

  /** Start of file {@code i}'s window, nanoseconds since the epoch. */
  public static long windowStart(int i, int files) {
    long day = DATE.toEpochDay() * NANOS_PER_DAY;
    return files == 1 ? day : day + i * ((NANOS_PER_DAY - WINDOW) / (files - 1));
  }

  /** Rows of file {@code i}: an even share, the remainder to the first files. */
  public static long rowsOf(int i, int files, long rows) {
    return rows / files + (i < rows % files ? 1 : 0);
  }

  /** The file name a collector would give window {@code i}: its start time, UTC. */
  public static String fileName(int i, int files) {
    long start = windowStart(i, files);
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(start / 1_000_000_000L, (int) (start % 1_000_000_000L), ZoneOffset.UTC);
    return t.format(NAME) + ".parquet";
  }

  /**
   * Writes the spool under {@code spool} (its partition directory is replaced) using {@code
   * threads} threads; returns the files written.
   */
  public static List<Path> generate(Path spool, long rows, int files, long seed, int threads)
      throws Exception {
    return generate(spool, rows, files, seed, threads, ParquetWriter.DEFAULT_BLOCK_SIZE);
  }

  /** As {@link #generate(Path, long, int, long, int)}, with row groups of {@code rowGroupBytes}. */
  public static List<Path> generate(
      Path spool, long rows, int files, long seed, int threads, long rowGroupBytes) throws Exception {
    if (files < 1 || rows < files) {
      throw new IllegalArgumentException("need files >= 1 and rows >= files, got " + files + ", " + rows);
    }
    Path dir = spool.resolve(PARTITION);
    Files.createDirectories(dir);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Path>> out = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        final int f = i;
        out.add(pool.submit(() -> writeFile(dir, f, files, rowsOf(f, files, rows), seed, rowGroupBytes)));
      }
      List<Path> written = new ArrayList<>();
      for (Future<Path> p : out) {
        written.add(p.get());
      }
      return written;
    } finally {
      pool.shutdownNow();
    }
  }

  static Path writeFile(Path dir, int i, int files, long n, long seed, long rowGroupBytes)
      throws IOException {
    Random rnd = new Random(seed + i);
    long start = windowStart(i, files);
    long step = WINDOW / n;
    if (step < 1) {
      throw new IllegalArgumentException("too many rows for a " + WINDOW + " ns window: " + n);
    }
    Path file = dir.resolve(fileName(i, files));
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    // Prices: one random walk per collector, in cents; sizes in thousandths.
    double mid = 97_250.0;
    GenericData.Record r = new GenericData.Record(SCHEMA);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(tmp))
            .withSchema(SCHEMA)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withRowGroupSize(rowGroupBytes)
            .build()) {
      for (long k = 0; k < n; k++) {
        mid *= 1 + rnd.nextGaussian() * 0.00002;
        long bidCents = Math.round(mid * 100);
        r.put(0, start + k * step + (long) (rnd.nextDouble() * step));
        r.put(1, i * 1_000_000_000L + k);
        r.put(2, bidCents / 100.0);
        r.put(3, rnd.nextInt(5_000) / 1000.0);
        r.put(4, (bidCents + 1 + rnd.nextInt(3)) / 100.0);
        r.put(5, rnd.nextInt(5_000) / 1000.0);
        w.write(r);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /**
   * {@code --spool=DIR [--rows=20000000] [--files=8] [--seed=20260203] [--threads=N]
   * [--rowGroupMB=128]} (128 MB is parquet-avro's default row-group size).
   */
  public static void main(String[] args) throws Exception {
    Path spool = null;
    long rows = 20_000_000L;
    int files = 8;
    long seed = 20260203L;
    int threads = Runtime.getRuntime().availableProcessors();
    long rowGroupBytes = ParquetWriter.DEFAULT_BLOCK_SIZE;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--spool=")) {
        spool = Paths.get(v);
      } else if (a.startsWith("--rows=")) {
        rows = Long.parseLong(v.replace("_", "").replace(",", ""));
      } else if (a.startsWith("--files=")) {
        files = Integer.parseInt(v);
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(v);
      } else if (a.startsWith("--rowGroupMB=")) {
        rowGroupBytes = Long.parseLong(v) << 20;
      } else if (a.startsWith("--threads=")) {
        threads = Integer.parseInt(v);
      } else {
        throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (spool == null) {
      throw new IllegalArgumentException("--spool=DIR is required");
    }
    long t0 = System.nanoTime();
    List<Path> written = generate(spool, rows, files, seed, threads, rowGroupBytes);
    long bytes = 0;
    for (Path p : written) {
      bytes += Files.size(p);
    }
    System.out.printf(
        "generated %,d rows in %d files (%,d bytes) under %s in %.1f s%n",
        rows, written.size(), bytes, spool.resolve(PARTITION), (System.nanoTime() - t0) / 1e9);
  }
}
