package dev.sediment.bench;

import dev.sediment.io.parquet.LocalParquetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Generates trade rows for the validation benchmark ({@code bench/run-validate-bench}): {@code
 * rows} rows in {@code files} Snappy Parquet files, with a known sprinkling of bad values so every
 * rule of {@code bench/validate-rules.yaml} has something to find: about 1 in 10,000 rows each
 * has a lower-case symbol, side {@code hold}, a null price, a negative price, a price above one
 * million (a warn rule), size 0, or a venue longer than 8 characters.
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.TradeRows --out=/tmp/trades --rows=10000000 --files=4
 * }</pre>
 *
 * <p>Deterministic: file {@code i} draws from {@code new Random(seed + i)}.
 */
public final class TradeRows {
  public static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"dev.sediment.bench\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"symbol\",\"type\":\"string\"},"
                  + "{\"name\":\"side\",\"type\":\"string\"},"
                  + "{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null},"
                  + "{\"name\":\"size\",\"type\":\"long\"},"
                  + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

  static final String[] SYMBOLS = new String[50];
  static final String[] VENUES = {"XNAS", "XNYS", "BATS", "ARCX", "IEXG", "EDGX", null};

  static {
    Random r = new Random(7);
    for (int i = 0; i < SYMBOLS.length; i++) {
      StringBuilder s = new StringBuilder();
      int len = 3 + r.nextInt(5);
      for (int k = 0; k < len; k++) {
        s.append((char) ('A' + r.nextInt(26)));
      }
      SYMBOLS[i] = s.toString();
    }
  }

  private TradeRows() {}

  static Path generateFile(Path dir, int i, long n, long seed) throws Exception {
    Random rnd = new Random(seed + i);
    Path file = dir.resolve(String.format("trades-%03d.parquet", i));
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    GenericData.Record r = new GenericData.Record(SCHEMA);
    long ts = 1_770_076_800_000_000_000L + i * 1_000_000L;
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(tmp))
            .withSchema(SCHEMA)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (long k = 0; k < n; k++) {
        ts += 1 + rnd.nextInt(2_000_000);
        int bad = rnd.nextInt(10_000);
        String symbol = SYMBOLS[rnd.nextInt(SYMBOLS.length)];
        r.put(0, ts);
        r.put(1, i * 1_000_000_000L + k);
        r.put(2, bad == 1 ? symbol.toLowerCase() : symbol);
        r.put(3, bad == 2 ? "hold" : rnd.nextBoolean() ? "buy" : "sell");
        double price = 1 + rnd.nextInt(500_000) / 100.0;
        r.put(4, bad == 3 ? null : bad == 4 ? -price : bad == 5 ? price + 1_000_000 : price);
        r.put(5, bad == 6 ? 0L : 1L + rnd.nextInt(10_000));
        r.put(6, bad == 7 ? "XNAS-DARK-POOL" : VENUES[rnd.nextInt(VENUES.length)]);
        w.write(r);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** {@code --out=DIR [--rows=10000000] [--files=4] [--seed=20261123]}. */
  public static void main(String[] args) throws Exception {
    Path out = null;
    long rows = 10_000_000L;
    int files = 4;
    long seed = 20261123L;
    for (String a : args) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("--out=")) {
        out = Paths.get(v);
      } else if (a.startsWith("--rows=")) {
        rows = Long.parseLong(v);
      } else if (a.startsWith("--files=")) {
        files = Integer.parseInt(v);
      } else if (a.startsWith("--seed=")) {
        seed = Long.parseLong(v);
      } else {
        System.err.println("TradeRows: unknown argument " + a
            + "; use --out=DIR [--rows=N] [--files=N] [--seed=N]");
        System.exit(2);
      }
    }
    if (out == null) {
      System.err.println("TradeRows: --out=DIR is required");
      System.exit(2);
    }
    Files.createDirectories(out);
    for (int i = 0; i < files; i++) {
      long n = rows / files + (i < rows % files ? 1 : 0);
      System.out.println(generateFile(out, i, n, seed));
    }
  }
}
