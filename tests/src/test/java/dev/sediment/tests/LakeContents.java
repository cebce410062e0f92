package dev.sediment.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * What a dataset holds, in a canonical form that does not depend on shard count or order: one
 * line per Parquet row ({@code partition-dir | record}), one per quarantine record (its JSON
 * without {@code detected_at}), each list sorted, and the sha256 of each raw copy by its path
 * below {@code LAKE/raw/DATASET/}.
 */
final class LakeContents {
  final List<String> rows;
  final List<String> quarantine;
  final Map<String, String> raw;

  private LakeContents(List<String> rows, List<String> quarantine, Map<String, String> raw) {
    this.rows = rows;
    this.quarantine = quarantine;
    this.raw = raw;
  }

  static LakeContents read(Path lake, String dataset) throws IOException {
    return read(lake, dataset, GenericRecord::toString, UnaryOperator.identity());
  }

  /**
   * The seismic traces of {@code dataset} ({@code SeismicTrace.avsc}), each row made by {@link
   * #traceRow}: paths of source files are given below {@code inputBase} in rows and quarantine
   * records, so that lakes ingested from different places (a local directory, a bucket) compare.
   */
  static LakeContents readTraces(Path lake, String dataset, String inputBase) throws IOException {
    return read(lake, dataset, r -> traceRow(r, inputBase), q -> q.replace(inputBase, ""));
  }

  /**
   * One trace record as {@code source | format | trace_index | byte_offset | ...}: every field,
   * the samples as their count and the sha256 of their float64 bits, maps in key order.
   */
  static String traceRow(GenericRecord r, String inputBase) {
    String source = r.get("source_file").toString();
    List<String> fields = new ArrayList<>();
    fields.add(source.startsWith(inputBase) ? source.substring(inputBase.length()) : source);
    for (String f :
        List.of(
            "format", "trace_index", "byte_offset", "network", "station", "location", "channel",
            "line", "cdp", "trace_number", "start_time_ns", "sample_rate_hz", "encoding",
            "sample_count")) {
      fields.add(String.valueOf(r.get(f)));
    }
    @SuppressWarnings("unchecked")
    List<Double> samples = (List<Double>) r.get("samples");
    ByteBuffer bits = ByteBuffer.allocate(8 * samples.size());
    samples.forEach(bits::putDouble);
    fields.add("samples:" + sha256(bits.array()));
    fields.add(sorted(r.get("headers")).toString());
    fields.add("file_headers:" + sha256(sorted(r.get("file_headers")).toString().getBytes(StandardCharsets.UTF_8)));
    return String.join(" | ", fields);
  }

  /** The source files' names (below the input base) with their number of rows. */
  static Map<String, Long> rowsPerSource(List<String> traceRows) {
    Map<String, Long> n = new TreeMap<>();
    for (String row : traceRows) {
      n.merge(row.split(" \\| ", 3)[1], 1L, Long::sum);
    }
    return n;
  }

  /** The partition directories that hold rows. */
  Set<String> partitions() {
    Set<String> p = new TreeSet<>();
    for (String row : rows) {
      p.add(row.substring(0, row.indexOf(" | ")));
    }
    return p;
  }

  static LakeContents read(
      Path lake, String dataset, Function<GenericRecord, String> row, UnaryOperator<String> quarantineLine)
      throws IOException {
    Path processed = lake.resolve("processed").resolve(dataset);
    List<String> rows = new ArrayList<>();
    if (Files.isDirectory(processed)) {
      try (Stream<Path> files = Files.walk(processed)) {
        for (Path f : (Iterable<Path>) files.filter(LakeContents::isParquet)::iterator) {
          String dir = processed.relativize(f.getParent()).toString();
          for (GenericRecord r : readParquet(f)) {
            rows.add(dir + " | " + row.apply(r));
          }
        }
      }
    }
    List<String> quarantine = new ArrayList<>();
    Path q = lake.resolve("quarantine").resolve(dataset);
    ObjectMapper mapper = new ObjectMapper();
    if (Files.isDirectory(q)) {
      try (Stream<Path> files = Files.walk(q)) {
        for (Path f :
            (Iterable<Path>) files.filter(p -> p.toString().endsWith(".jsonl"))::iterator) {
          for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
              ObjectNode n = (ObjectNode) mapper.readTree(line);
              n.remove("detected_at");
              quarantine.add(quarantineLine.apply(mapper.writeValueAsString(n)));
            }
          }
        }
      }
    }
    Collections.sort(rows);
    Collections.sort(quarantine);
    return new LakeContents(rows, quarantine, files(lake.resolve("raw").resolve(dataset)));
  }

  /** The sha256 of every file below {@code dir} by its relative path; empty if there is none. */
  static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          out.put(dir.relativize(f).toString(), sha256(Files.readAllBytes(f)));
        }
      }
    }
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> sorted(Object avroMap) {
    Map<String, String> m = new TreeMap<>();
    ((Map<?, ?>) avroMap).forEach((k, v) -> m.put(k.toString(), String.valueOf(v)));
    return m;
  }

  static List<GenericRecord> readParquet(Path file) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
            .build()) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        out.add(rec);
      }
    }
    return out;
  }

  private static boolean isParquet(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".parquet") && !p.toString().contains("/.temp");
  }
}
