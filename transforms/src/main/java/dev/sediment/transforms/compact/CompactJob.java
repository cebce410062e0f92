package dev.sediment.transforms.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.lake.SafePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One partition and one date of a compaction, on local paths or an object store: picks the spool files that may
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
  private final PartitionCommit.Hook hook;

  public CompactJob(PartitionCompactor.Settings settings, boolean force) {
    this(settings, force, PartitionCommit.NONE);
  }

  /** With a hook called before each step of the commit (tests stop commits with it). */
  CompactJob(PartitionCompactor.Settings settings, boolean force, PartitionCommit.Hook hook) {
    this.settings = settings;
    this.force = force;
    this.hook = hook;
  }

  /** The directory of a partition and date under the local {@code root}. */
  public static Path partitionDir(Path root, String partition, LocalDate date) {
    Path p = partition.isEmpty() ? root : root.resolve(SafePaths.checkRelative(partition));
    return p.resolve("date=" + date.format(DATE));
  }

  /** The directory of a partition and date under {@code root}, on any file system. */
  public static ResourceId partitionDir(ResourceId root, String partition, LocalDate date) {
    // The partition comes from the spool's listing (KEY=VALUE levels only); SafePaths proves it
    // cannot name a directory outside root.
    String relative = (partition.isEmpty() ? "" : partition + "/") + "date=" + date.format(DATE);
    return LakeFiles.child(root, SafePaths.checkRelative(relative) + "/");
  }

  /**
   * Compacts one partition and date: {@code files} are the partition's spool files, {@code
   * targetRoot} the lake root (local or an object store), {@code workDir} a local scratch
   * directory.
   *
   * <p>The commit ({@link PartitionCommit}): the new {@code data.parquet} and {@code meta.json}
   * are complete beside the committed pair before either replaces it, so a failure while
   * writing them (a full disk) leaves the committed partition as it was; a commit that a stopped
   * run left half done is completed (or undone) first, before anything else is decided.
   */
  public Outcome compact(
      String partition,
      List<MatchResult.Metadata> files,
      LocalDate date,
      ResourceId targetRoot,
      Path workDir)
      throws IOException {
    List<MatchResult.Metadata> candidates = new ArrayList<>();
    for (MatchResult.Metadata f : files) {
      if (SpoolLayout.mayHold(f.resourceId().getFilename(), date)) {
        candidates.add(f);
      }
    }
    candidates.sort(Comparator.comparing(m -> m.resourceId().toString()));
    ResourceId dir = partitionDir(targetRoot, partition, date);
    String fingerprint = fingerprint(candidates);
    PartitionCommit.recover(dir);
    if (!force) {
      CompactMeta committed = unchanged(dir, fingerprint);
      if (committed != null) {
        return new Outcome(Status.UNCHANGED, committed.rowCount, List.of());
      }
    }
    // The merge is written in the work directory: the partition's directory appears only when
    // there is something to publish.
    Path output = workDir.resolve("data-" + UUID.randomUUID() + ".parquet");
    try {
      PartitionCompactor.Result r =
          new PartitionCompactor(settings).compact(candidates, date, output, workDir);
      if (!r.rejected.isEmpty()) {
        quarantine(r.rejected, partitionDir(LakeFiles.child(targetRoot, "QUARANTINE/"), partition, date));
      }
      if (r.rowCount == 0) {
        return new Outcome(Status.NO_ROWS, 0, r.rejected);
      }
      byte[] meta =
          CompactMeta.of(r, settings.sortKeys, settings.dedupe, fingerprint)
              .toJson()
              .getBytes(StandardCharsets.UTF_8);
      PartitionCommit.commit(dir, output, meta, hook);
      return new Outcome(Status.WRITTEN, r.rowCount, r.rejected);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The committed meta when the partition is intact and was made from the same inputs. */
  private static @Nullable CompactMeta unchanged(ResourceId dir, String fingerprint) {
    try {
      String json = LakeFiles.readString(LakeFiles.child(dir, "meta.json"));
      if (json == null) {
        return null;
      }
      CompactMeta m = CompactMeta.parse(json);
      return fingerprint.equals(m.inputsFingerprint) && PartitionVerifier.verify(dir).isEmpty()
          ? m
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Names, sizes and modification times of the inputs, and the settings that shape the output. */
  String fingerprint(List<MatchResult.Metadata> inputs) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("sort_keys=").append(settings.sortKeys).append(";dedupe=").append(settings.dedupe);
    for (MatchResult.Metadata f : inputs) {
      sb.append('\n')
          .append(f.resourceId().getFilename())
          .append('\t')
          .append(f.sizeBytes())
          .append('\t')
          .append(f.lastModifiedMillis());
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static void quarantine(List<PartitionCompactor.Rejection> rejected, ResourceId dir)
      throws IOException {
    String now = Instant.now().toString();
    ArrayNode all = MAPPER.createArrayNode();
    for (PartitionCompactor.Rejection r : rejected) {
      // A name that is not one plain segment (a key holding a backslash or NUL) is not copied:
      // error.json still names its source.
      if (SafePaths.isSafeRelative(r.name())) {
        LakeFiles.copy(r.file, LakeFiles.child(dir, r.name()));
      }
      ObjectNode e = all.addObject();
      e.put("error_type", r.type.name());
      e.put("message", r.message);
      e.put("source", r.file.toString());
      e.put("detected_at", now);
    }
    ObjectNode top = ((ObjectNode) all.get(0)).deepCopy();
    top.set("files", all);
    LakeFiles.writeAtomically(
        LakeFiles.child(dir, "error.json"),
        (MAPPER.writeValueAsString(top) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
