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
 * forced), compacts, commits {@code meta.json} last, copies rejected files to {@code
 * TARGET/QUARANTINE/PARTITION/date=YYYYMMDD/} and writes rows with a null sort key to {@code
 * _rows.parquet} in the {@code date=YYYYMMDD} (or {@code date=unknown}) directory their file's
 * name gives ({@link NullKeyRows}), each directory with an {@code error.json}.
 *
 * <p>{@code error.json} holds {@code error_type}, {@code message}, {@code source} and {@code
 * detected_at} of the first rejected file (in name order), else of the first file with
 * quarantined rows; under {@code files} the same for every rejected file of that partition and
 * date; under {@code rows} one entry per spool file whose rows are in {@code _rows.parquet}, with
 * {@code row_count}, {@code first_row} and {@code rows_file}.
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
    /** Rows written, or for {@code UNCHANGED} the rows of the committed partition. */
    public final long rows;
    /** Files left out whole and copied to the quarantine. */
    public final List<PartitionCompactor.Rejection> quarantined;
    /** Rows of the date read from the files that went in; 0 when {@code UNCHANGED}. */
    public final long rowsRead;
    /** Rows written to the quarantine because a sort key is null. */
    public final long rowsQuarantined;
    /** Rows dropped as duplicates ({@code dedupe}). */
    public final long duplicatesDropped;
    /** Bytes of the data.parquet written; 0 when none was. */
    public final long bytesWritten;
    /** URIs of the data files written: data.parquet, quarantined copies and rows files. */
    public final List<String> outputFiles;

    Outcome(Status status, long rows, List<PartitionCompactor.Rejection> quarantined) {
      this(status, rows, quarantined, 0, 0, 0, 0, List.of());
    }

    Outcome(
        Status status,
        long rows,
        List<PartitionCompactor.Rejection> quarantined,
        long rowsRead,
        long rowsQuarantined,
        long duplicatesDropped,
        long bytesWritten,
        List<String> outputFiles) {
      this.status = status;
      this.rows = rows;
      this.quarantined = quarantined;
      this.rowsRead = rowsRead;
      this.rowsQuarantined = rowsQuarantined;
      this.duplicatesDropped = duplicatesDropped;
      this.bytesWritten = bytesWritten;
      this.outputFiles = outputFiles;
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
    PartitionCompactor.Result r = null;
    try {
      r = new PartitionCompactor(settings).compact(candidates, date, output, workDir);
      List<String> written = new ArrayList<>();
      quarantine(r, LakeFiles.child(targetRoot, "QUARANTINE/"), partition, date, written);
      if (r.rowCount == 0) {
        return new Outcome(
            Status.NO_ROWS, 0, r.rejected, r.rowsRead, r.rowsQuarantined, r.duplicatesDropped, 0, written);
      }
      byte[] meta =
          CompactMeta.of(r, settings.sortKeys, settings.dedupe, fingerprint)
              .toJson()
              .getBytes(StandardCharsets.UTF_8);
      long bytes = Files.size(output);
      PartitionCommit.commit(dir, output, meta, hook);
      written.add(0, LakeFiles.child(dir, PartitionCommit.DATA).toString());
      return new Outcome(
          Status.WRITTEN,
          r.rowCount,
          r.rejected,
          r.rowsRead,
          r.rowsQuarantined,
          r.duplicatesDropped,
          bytes,
          written);
    } finally {
      Files.deleteIfExists(output);
      if (r != null) {
        for (NullKeyRows.Group g : r.quarantinedRows) {
          Files.deleteIfExists(g.file);
        }
      }
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

  /**
   * Copies the rejected files to the quarantine directory of the task's date and publishes the
   * null-key rows to the directory of their files' date, each directory with its error.json;
   * adds the URIs of the data files written to {@code written}.
   */
  private static void quarantine(
      PartitionCompactor.Result r,
      ResourceId quarantineRoot,
      String partition,
      LocalDate date,
      List<String> written)
      throws IOException {
    java.util.Map<String, NullKeyRows.Group> rowsByDate = new java.util.TreeMap<>();
    for (NullKeyRows.Group g : r.quarantinedRows) {
      rowsByDate.put(g.date, g);
    }
    java.util.Set<String> dates = new java.util.TreeSet<>(rowsByDate.keySet());
    String taskDate = date.format(DATE);
    if (!r.rejected.isEmpty()) {
      dates.add(taskDate);
    }
    for (String d : dates) {
      // The partition comes from the spool's listing; SafePaths proves it stays inside the root.
      String relative = (partition.isEmpty() ? "" : partition + "/") + "date=" + d;
      ResourceId dir = LakeFiles.child(quarantineRoot, SafePaths.checkRelative(relative) + "/");
      quarantine(d.equals(taskDate) ? r.rejected : List.of(), rowsByDate.get(d), dir, written);
    }
  }

  private static void quarantine(
      List<PartitionCompactor.Rejection> rejected,
      NullKeyRows.@Nullable Group rows,
      ResourceId dir,
      List<String> written)
      throws IOException {
    String now = Instant.now().toString();
    ArrayNode all = MAPPER.createArrayNode();
    for (PartitionCompactor.Rejection r : rejected) {
      // A name that is not one plain segment (a key holding a backslash or NUL) is not copied:
      // error.json still names its source.
      if (SafePaths.isSafeRelative(r.name())) {
        ResourceId copy = LakeFiles.child(dir, r.name());
        LakeFiles.copy(r.file, copy);
        written.add(copy.toString());
      }
      ObjectNode e = all.addObject();
      e.put("error_type", r.type.name());
      e.put("message", r.message);
      e.put("source", r.file.toString());
      e.put("detected_at", now);
    }
    ArrayNode rowEntries = MAPPER.createArrayNode();
    ResourceId rowsFile = LakeFiles.child(dir, NullKeyRows.FILE);
    if (rows != null) {
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(rows.file, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      LakeFiles.publish(rows.file, rowsFile);
      written.add(rowsFile.toString());
      for (NullKeyRows.Source s : rows.sources) {
        ObjectNode e = rowEntries.addObject();
        e.put("error_type", CompactError.NULL_SORT_KEY.name());
        e.put("message", s.message());
        e.put("source", s.file.toString());
        e.put("detected_at", now);
        e.put("row_count", s.rows);
        e.put("first_row", s.firstRow);
        e.put("rows_file", NullKeyRows.FILE);
      }
    } else {
      // Rows a former run quarantined here are not in this run's error.json: remove them.
      LakeFiles.delete(rowsFile);
    }
    ObjectNode first = (ObjectNode) (all.size() > 0 ? all.get(0) : rowEntries.get(0));
    ObjectNode top = MAPPER.createObjectNode();
    top.put("error_type", first.get("error_type").asText());
    top.put("message", first.get("message").asText());
    top.put("source", first.get("source").asText());
    top.put("detected_at", now);
    top.set("files", all);
    if (rows != null) {
      top.set("rows", rowEntries);
    }
    LakeFiles.writeAtomically(
        LakeFiles.child(dir, "error.json"),
        (MAPPER.writeValueAsString(top) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
