package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.ResourceParquetFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.InputFile;

/**
 * Re-reads a compacted partition ({@code DIR/data.parquet} + {@code DIR/meta.json}) and checks
 * it against its meta: sha256, row count, total order of the sort keys, and the min/max of the
 * first sort key. An empty list means the partition is complete and intact.
 */
public final class PartitionVerifier {
  private PartitionVerifier() {}

  /** Verifies the local partition directory {@code dir}. */
  public static List<String> verify(Path dir) {
    return verify(LakeFiles.dir(dir));
  }

  /**
   * Verifies the partition directory {@code dir} of any file system. When {@code meta.json} is
   * missing or does not match and a temporary meta of an unfinished commit (stopped, or running
   * right now) matches {@code data.parquet}, the one problem reported says so: a compaction of
   * the partition finishes that commit ({@link PartitionCommit#recover}).
   */
  public static List<String> verify(ResourceId dir) {
    List<String> problems = check(dir);
    if (!problems.isEmpty()) {
      String staged = PartitionCommit.interrupted(dir);
      if (staged != null) {
        return List.of(
            "an unfinished commit: meta.json is missing or does not match data.parquet, and "
                + staged
                + " matches it; a compact of this partition finishes it");
      }
    }
    return problems;
  }

  private static List<String> check(ResourceId dir) {
    List<String> problems = new ArrayList<>();
    ResourceId data = LakeFiles.child(dir, "data.parquet");
    CompactMeta meta;
    try {
      String json = LakeFiles.readString(LakeFiles.child(dir, "meta.json"));
      if (json == null) {
        problems.add("meta.json is missing: the partition was never committed");
        return problems;
      }
      meta = CompactMeta.parse(json);
    } catch (IOException | RuntimeException e) {
      problems.add("meta.json does not parse: " + SpoolFileCheck.text(e));
      return problems;
    }
    try {
      MatchResult.Metadata stat = LakeFiles.stat(data);
      if (stat == null) {
        problems.add("data.parquet is missing");
        return problems;
      }
      InputFile in = ResourceParquetFile.of(data, stat.sizeBytes());
      String sha = LakeFiles.sha256(data);
      if (!sha.equals(meta.sha256)) {
        problems.add("sha256 of data.parquet is " + sha + ", meta.json says " + meta.sha256);
      }
      Schema schema = SpoolFileCheck.schemaOf(in);
      RecordOrder order = RecordOrder.of(schema, meta.sortKeys);
      int key = schema.getField(meta.sortKeys.get(0)).pos();
      long rows = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      GenericRecord prev = null;
      boolean ordered = true;
      try (AvroParquetRows r = SpoolFileCheck.open(in)) {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          if (ordered && prev != null && order.compare(prev, rec) > 0) {
            problems.add("rows are out of order at row " + rows);
            ordered = false;
          }
          long k = ((Number) rec.get(key)).longValue();
          min = Math.min(min, k);
          max = Math.max(max, k);
          prev = rec;
          rows++;
        }
      }
      if (rows != meta.rowCount) {
        problems.add("data.parquet has " + rows + " rows, meta.json says " + meta.rowCount);
      }
      if (rows > 0 && (min != meta.tsEventMin || max != meta.tsEventMax)) {
        problems.add(
            "sort key range is ["
                + min
                + ", "
                + max
                + "], meta.json says ["
                + meta.tsEventMin
                + ", "
                + meta.tsEventMax
                + "]");
      }
      String version = CompactMeta.schemaVersionOf(schema);
      if (!version.equals(meta.schemaVersion)) {
        problems.add("schema_version is " + version + ", meta.json says " + meta.schemaVersion);
      }
    } catch (SpoolFileCheck.Rejected e) {
      problems.add("data.parquet does not read: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      problems.add("data.parquet does not read: " + SpoolFileCheck.text(e));
    }
    return problems;
  }
}
