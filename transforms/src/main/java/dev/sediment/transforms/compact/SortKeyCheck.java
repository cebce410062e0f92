package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.ResourceParquetFile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Checks sort keys against a spool before a compaction starts: a key that no spool file has as
 * an INT64 or INT32 column (nullable or not) is a wrong call (a typo such as {@code --sortKeys=nope}), not a reason to
 * quarantine every file. A key missing from only some files is left to the compaction, which
 * quarantines those files as {@code SCHEMA_MISMATCH}.
 *
 * <pre>{@code
 * String problem = SortKeyCheck.problem(files, List.of("ts_event", "seq"));
 * if (problem != null) { ... refuse the call ... }
 * }</pre>
 *
 * <p>Footers are read in name order until every key was seen as an INT64 column, so a spool whose
 * first file has the keys costs one footer read; a key that no file has costs one read per file.
 * Files whose footer does not read are skipped (the compaction quarantines them).
 */
public final class SortKeyCheck {
  private SortKeyCheck() {}

  /**
   * Null when every key is an INT64 column of at least one readable file in {@code files} (or no
   * file is readable, so nothing can be said); otherwise what is wrong with the first key that is
   * not, in one sentence naming the key and the columns the files do have.
   */
  public static @Nullable String problem(Collection<MatchResult.Metadata> files, List<String> keys) {
    for (String k : keys) {
      if (k.isEmpty()) {
        return "a sort key is empty";
      }
    }
    Map<String, @Nullable String> wrongType = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>(keys);
    Schema firstReadable = null;
    for (MatchResult.Metadata m : files) {
      Schema schema;
      try {
        schema = SpoolFileCheck.schemaOf(ResourceParquetFile.of(m.resourceId(), m.sizeBytes()));
      } catch (SpoolFileCheck.Rejected | RuntimeException e) {
        continue;
      }
      if (schema.getType() != Schema.Type.RECORD) {
        continue;
      }
      if (firstReadable == null) {
        firstReadable = schema;
      }
      for (Schema.Field f : schema.getFields()) {
        if (!missing.contains(f.name())) {
          continue;
        }
        Schema t = RecordOrder.nonNull(f.schema());
        if (t != null && (t.getType() == Schema.Type.LONG || t.getType() == Schema.Type.INT)) {
          missing.remove(f.name());
          wrongType.remove(f.name());
        } else {
          wrongType.putIfAbsent(f.name(), f.schema().toString());
        }
      }
      if (missing.isEmpty()) {
        return null;
      }
    }
    if (firstReadable == null) {
      return null;
    }
    String key = missing.get(0);
    List<String> columns = new ArrayList<>();
    for (Schema.Field f : firstReadable.getFields()) {
      columns.add(f.name());
    }
    if (wrongType.containsKey(key)) {
      return "sort key '"
          + key
          + "' is "
          + wrongType.get(key)
          + " in the spool files; sort keys must be INT64 or INT32 columns";
    }
    return "sort key '"
        + key
        + "' is a column of no spool file (their columns: "
        + String.join(", ", columns)
        + ")";
  }
}
