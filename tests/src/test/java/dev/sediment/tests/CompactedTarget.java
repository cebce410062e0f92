package dev.sediment.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The {@code date=YYYYMMDD} directories of a compaction target (quarantine left out), each with
 * its files, its parsed {@code meta.json} and the sha256 of its {@code data.parquet} computed
 * here, independently of the product.
 */
final class CompactedTarget {
  /** One partition and date directory. */
  static final class Dir {
    /** Relative to the target, e.g. {@code exchange=binance/stream=bbo/symbol=btcusdt/date=20260203}. */
    final String path;
    /** The directory itself. */
    final Path dir;
    /** Every file name in the directory, sorted. */
    final List<String> files;
    /** The parsed meta.json, or null when there is none. */
    final JsonNode meta;
    /** sha256 of data.parquet, or null when there is none. */
    final String dataSha256;

    Dir(String path, Path dir, List<String> files, JsonNode meta, String dataSha256) {
      this.path = path;
      this.dir = dir;
      this.files = files;
      this.meta = meta;
      this.dataSha256 = dataSha256;
    }

    /** Readers see a partition only once its meta.json is there (written last, renamed). */
    boolean committed() {
      return meta != null;
    }

    String metaSha256() {
      return meta.path("sha256").asText();
    }

    long rowCount() {
      return meta.path("row_count").asLong(-1);
    }

    @Override
    public String toString() {
      return path + " " + files + (meta == null ? " (no meta.json)" : " meta.sha256=" + metaSha256())
          + " data.sha256=" + dataSha256;
    }
  }

  /** The directories of {@code target}, by relative path; empty when it does not exist. */
  static Map<String, Dir> read(Path target) throws IOException {
    Map<String, Dir> out = new TreeMap<>();
    if (!Files.isDirectory(target)) {
      return out;
    }
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.walk(target)) {
      s.filter(Files::isDirectory)
          .filter(d -> d.getFileName().toString().startsWith("date="))
          .filter(d -> !target.relativize(d).startsWith("QUARANTINE"))
          .forEach(dirs::add);
    }
    ObjectMapper mapper = new ObjectMapper();
    for (Path d : dirs) {
      List<String> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(d)) {
        s.forEach(f -> files.add(f.getFileName().toString()));
      }
      files.sort(null);
      Path meta = d.resolve("meta.json");
      Path data = d.resolve("data.parquet");
      out.put(
          target.relativize(d).toString(),
          new Dir(
              target.relativize(d).toString(),
              d,
              files,
              Files.exists(meta) ? mapper.readTree(Files.readString(meta, StandardCharsets.UTF_8)) : null,
              Files.exists(data) ? sha256(data) : null));
    }
    return out;
  }

  /** Relative path to sha256 of data.parquet, for every directory. */
  static Map<String, String> shas(Map<String, Dir> dirs) {
    Map<String, String> out = new TreeMap<>();
    dirs.forEach((k, v) -> out.put(k, v.dataSha256));
    return out;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The {@code ts_event,seq} of every row of a Parquet file, in file order. */
  static List<String> keys(Path parquet) throws IOException {
    List<String> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(parquet.toUri()), new Configuration()))
            .build()) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        out.add(rec.get("ts_event") + "," + rec.get("seq"));
      }
    }
    return out;
  }

  private CompactedTarget() {}
}
