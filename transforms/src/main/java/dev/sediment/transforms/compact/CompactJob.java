package dev.sediment.transforms.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One partition and one date of a compaction on local paths: picks the spool files that may
 * hold the date, skips the work when the inputs did not change since the last commit (unless
 * forced), compacts, commits {@code meta.json} last, and copies rejected files to {@code
 * TARGET/QUARANTINE/PARTITION/date=YYYYMMDD/} with an {@code error.json}.
 *
 * <p>{@code error.json} holds {@code error_type}, {@code message}, {@code source} and {@code
 * detected_at} of the first rejected file (in name order) and, under {@code files}, the same for
 * every rejected file of that partition and date.
 */
public final class CompactJob {
  public static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What happened to one partition and date. */
  public enum Status {
    WRITTEN,
    UNCHANGED,
    NO_ROWS
  }

  /** The outcome of {@link #compact}. */
  public static final class Outcome {
    public final Status status;
    public final long rows;
    public final List<PartitionCompactor.Rejection> quarantined;

    Outcome(Status status, long rows, List<PartitionCompactor.Rejection> quarantined) {
      this.status = status;
      this.rows = rows;
      this.quarantined = quarantined;
    }
  }

  private final PartitionCompactor.Settings settings;
  private final boolean force;

  public CompactJob(PartitionCompactor.Settings settings, boolean force) {
    this.settings = settings;
    this.force = force;
  }

  /** The directory of a partition and date under {@code root}. */
  public static Path partitionDir(Path root, String partition, LocalDate date) {
    Path p = partition.isEmpty() ? root : root.resolve(partition);
    return p.resolve("date=" + date.format(DATE));
  }

  public Outcome compact(
      String partition, List<Path> files, LocalDate date, Path targetRoot, Path workDir)
      throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (Path f : files) {
      if (SpoolLayout.mayHold(f, date)) {
        candidates.add(f);
      }
    }
    candidates.sort(null);
    Path dir = partitionDir(targetRoot, partition, date);
    String fingerprint = fingerprint(candidates);
    if (!force && unchanged(dir, fingerprint)) {
      return new Outcome(Status.UNCHANGED, CompactMeta.parse(
          Files.readString(dir.resolve("meta.json"), StandardCharsets.UTF_8)).rowCount, List.of());
    }
    PartitionCompactor.Result r =
        new PartitionCompactor(settings)
            .compact(candidates, date, dir.resolve("data.parquet"), workDir);
    if (!r.rejected.isEmpty()) {
      quarantine(r.rejected, partitionDir(targetRoot.resolve("QUARANTINE"), partition, date));
    }
    if (r.rowCount == 0) {
      return new Outcome(Status.NO_ROWS, 0, r.rejected);
    }
    CompactMeta.of(r, settings.sortKeys, settings.dedupe, fingerprint).writeTo(dir);
    return new Outcome(Status.WRITTEN, r.rowCount, r.rejected);
  }

  private static boolean unchanged(Path dir, String fingerprint) {
    Path meta = dir.resolve("meta.json");
    if (!Files.exists(meta)) {
      return false;
    }
    try {
      CompactMeta m = CompactMeta.parse(Files.readString(meta, StandardCharsets.UTF_8));
      return fingerprint.equals(m.inputsFingerprint) && PartitionVerifier.verify(dir).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Names, sizes and modification times of the inputs, and the settings that shape the output. */
  String fingerprint(List<Path> inputs) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("sort_keys=").append(settings.sortKeys).append(";dedupe=").append(settings.dedupe);
    for (Path f : inputs) {
      sb.append('\n')
          .append(f.getFileName())
          .append('\t')
          .append(Files.size(f))
          .append('\t')
          .append(Files.getLastModifiedTime(f).toMillis());
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static void quarantine(List<PartitionCompactor.Rejection> rejected, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    String now = Instant.now().toString();
    ArrayNode all = MAPPER.createArrayNode();
    for (PartitionCompactor.Rejection r : rejected) {
      Files.copy(r.file, dir.resolve(r.file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      ObjectNode e = all.addObject();
      e.put("error_type", r.type.name());
      e.put("message", r.message);
      e.put("source", r.file.toString());
      e.put("detected_at", now);
    }
    ObjectNode top = ((ObjectNode) all.get(0)).deepCopy();
    top.set("files", all);
    Path tmp = dir.resolve(".error.json.tmp");
    Files.writeString(tmp, MAPPER.writeValueAsString(top) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve("error.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
