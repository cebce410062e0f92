package dev.sediment.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * What a dataset holds, in a canonical form that does not depend on shard count or order: one
 * line per Parquet row ({@code partition-dir | record}) and one per quarantine record (its JSON
 * without {@code detected_at}), each list sorted.
 */
final class LakeContents {
  final List<String> rows;
  final List<String> quarantine;

  private LakeContents(List<String> rows, List<String> quarantine) {
    this.rows = rows;
    this.quarantine = quarantine;
  }

  static LakeContents read(Path lake, String dataset) throws IOException {
    Path processed = lake.resolve("processed").resolve(dataset);
    List<String> rows = new ArrayList<>();
    if (Files.isDirectory(processed)) {
      try (Stream<Path> files = Files.walk(processed)) {
        for (Path f : (Iterable<Path>) files.filter(LakeContents::isParquet)::iterator) {
          String dir = processed.relativize(f.getParent()).toString();
          rows.addAll(readParquet(f, dir));
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
              quarantine.add(mapper.writeValueAsString(n));
            }
          }
        }
      }
    }
    Collections.sort(rows);
    Collections.sort(quarantine);
    return new LakeContents(rows, quarantine);
  }

  static List<String> readParquet(Path file, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
            .build()) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        out.add(prefix + " | " + rec);
      }
    }
    return out;
  }

  private static boolean isParquet(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".parquet") && !p.toString().contains("/.temp");
  }
}
