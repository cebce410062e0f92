package dev.sediment.transforms.compact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The {@code meta.json} beside a compacted {@code data.parquet}: the commit marker of the
 * partition. It is put in place last and atomically (see {@link PartitionCommit}), so a partition
 * whose meta is missing or does not match its data is incomplete and readers treat it as absent.
 *
 * <p>Fields (contract): {@code row_count}, {@code schema_version}, {@code ts_event_min}, {@code
 * ts_event_max} (nanoseconds, as strings), {@code sha256} (of data.parquet), {@code created_at}
 * (ISO-8601 UTC), {@code source_files} (how many spool files went in); and beside them {@code
 * source_file_names}, {@code sort_keys}, {@code dedupe}, {@code inputs_fingerprint}, and {@code
 * rows_quarantined}: rows the run that wrote the partition quarantined because a sort key was
 * null (the null-key rows of the spool files named for this date, and of the files without a
 * date in their name when this task took those), absent in partitions written before it existed.
 */
public final class CompactMeta {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public long rowCount;
  public String schemaVersion;
  public long tsEventMin;
  public long tsEventMax;
  public String sha256;
  public String createdAt;
  public List<String> sourceFileNames = new ArrayList<>();
  public List<String> sortKeys = new ArrayList<>();
  public boolean dedupe;
  public String inputsFingerprint;
  public long rowsQuarantined;

  /**
   * {@code avro64:HEX}: Avro's 64-bit parsing fingerprint of the data's schema. Nullability is
   * part of it (a {@code ["null", T]} column differs from {@code T}, so a partition whose column
   * became nullable because an OPTIONAL file joined gets a new version); logical types such as
   * TIMESTAMP units are not.
   */
  public static String schemaVersionOf(Schema schema) {
    return String.format("avro64:%016x", SchemaNormalization.parsingFingerprint64(schema));
  }

  public static CompactMeta of(
      PartitionCompactor.Result r, List<String> sortKeys, boolean dedupe, String inputsFingerprint) {
    CompactMeta m = new CompactMeta();
    m.rowCount = r.rowCount;
    m.schemaVersion = schemaVersionOf(new Schema.Parser().parse(r.schemaJson));
    m.tsEventMin = r.sortKeyMin;
    m.tsEventMax = r.sortKeyMax;
    m.sha256 = r.sha256;
    m.createdAt = Instant.now().toString();
    for (ResourceId f : r.sourceFiles) {
      m.sourceFileNames.add(f.getFilename());
    }
    m.sortKeys.addAll(sortKeys);
    m.dedupe = dedupe;
    m.inputsFingerprint = inputsFingerprint;
    m.rowsQuarantined = r.rowsQuarantined;
    return m;
  }

  public String toJson() throws IOException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("row_count", rowCount);
    n.put("schema_version", schemaVersion);
    n.put("ts_event_min", Long.toString(tsEventMin));
    n.put("ts_event_max", Long.toString(tsEventMax));
    n.put("sha256", sha256);
    n.put("created_at", createdAt);
    n.put("source_files", sourceFileNames.size());
    ArrayNode names = n.putArray("source_file_names");
    sourceFileNames.forEach(names::add);
    ArrayNode keys = n.putArray("sort_keys");
    sortKeys.forEach(keys::add);
    n.put("dedupe", dedupe);
    n.put("inputs_fingerprint", inputsFingerprint);
    n.put("rows_quarantined", rowsQuarantined);
    return MAPPER.writeValueAsString(n) + "\n";
  }

  /** Parses a meta.json; throws {@link IOException} naming what is missing or wrong. */
  public static CompactMeta parse(String json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    CompactMeta m = new CompactMeta();
    m.rowCount = required(n, "row_count").asLong();
    m.schemaVersion = required(n, "schema_version").asText();
    m.tsEventMin = Long.parseLong(required(n, "ts_event_min").asText());
    m.tsEventMax = Long.parseLong(required(n, "ts_event_max").asText());
    m.sha256 = required(n, "sha256").asText();
    m.createdAt = required(n, "created_at").asText();
    required(n, "source_files");
    n.path("source_file_names").forEach(x -> m.sourceFileNames.add(x.asText()));
    n.path("sort_keys").forEach(x -> m.sortKeys.add(x.asText()));
    if (m.sortKeys.isEmpty()) {
      m.sortKeys.addAll(List.of("ts_event", "seq"));
    }
    m.dedupe = n.path("dedupe").asBoolean(false);
    m.inputsFingerprint = n.path("inputs_fingerprint").asText(null);
    m.rowsQuarantined = n.path("rows_quarantined").asLong(0);
    return m;
  }

  private static JsonNode required(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IOException("meta.json has no '" + field + "'");
    }
    return v;
  }

  /**
   * Writes {@code dir/meta.json}, the partition's commit marker, atomically: on local disks by
   * rename of a synced temporary file, on object stores by one upload.
   */
  public void writeTo(ResourceId dir) throws IOException {
    LakeFiles.writeAtomically(LakeFiles.child(dir, "meta.json"), toJson().getBytes(StandardCharsets.UTF_8));
  }
}
