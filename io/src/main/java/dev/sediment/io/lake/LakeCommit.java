package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Replaces a run's output directories as a whole: a run writes apart, in a staging area, and
 * {@link #commit} then makes every output visible, replacing what an earlier run left there.
 *
 * <pre>{@code
 * LakeCommit commit = LakeCommit.start("lake", "trades", runId);   // finishes or clears old runs
 * String processed = commit.stage("lake/processed/trades");
 * String quarantine = commit.stage("lake/quarantine/trades");
 * // ... run a pipeline that writes into processed and quarantine ...
 * commit.commit();                                                 // or commit.abort()
 * }</pre>
 *
 * <p>Staging area: {@code LAKE/_staging/DATASET/RUN/N/}, one directory per staged output. Spark,
 * Hive, Trino and DuckDB's hive partitioning skip names starting with {@code _} or {@code .}, and
 * the outputs' own directories never hold a staged or temporary file.
 *
 * <p>Commit, in this order: what {@link LakeIO#writeBatches()} may have left in a staged directory
 * (its hidden {@code .spill-*} directories, if a pipeline stopped early) is deleted; every staged
 * dataset directory gets an empty {@value #SUCCESS} file
 * (other outputs, such as a report directory, name a file of their own that must be there, e.g.
 * {@code report.json}); then the journal {@code RUN/_COMMIT.json} listing the moves is written
 * atomically; this is the commit point. Then each output is moved into place, in staging order:
 *
 * <ul>
 *   <li>Local disks: the live directory is renamed into the staging area and the staged one
 *       renamed to the live name (two directory renames, each atomic and forced to disk), then the
 *       old one is deleted. A reader sees the old directory or the new one, never a mix, and for
 *       the instant between the two renames none.
 *   <li>Object stores ({@code s3://}, {@code gs://}), which have no rename: the live directory's
 *       marker file is deleted first, then the objects the new output does not have, then each
 *       staged object is copied into place (server-side), the marker last. A reader that requires
 *       the marker ({@value #SUCCESS}, {@code report.json}) never sees a mix: while old and new
 *       objects are side by side there is no marker. A reader that lists without checking it can
 *       see a mix for the seconds the copies take.
 * </ul>
 *
 * Then the journal and the run's staging directory are deleted.
 *
 * <p>Recovery: {@link #start} (and {@link #recover}) first finishes every run under the
 * dataset's staging area whose journal exists (the moves are idempotent: an output already moved
 * is skipped) and deletes every run without one, with whatever it held (half-written files,
 * spilled sorts). So a run killed at any moment leaves the previous output visible (or, after the
 * commit point, the new one once the next run starts), and no temporary file survives the next
 * run. One run per dataset at a time: a second run would clear the first's staging area.
 */
public final class LakeCommit {
  /** The marker file of a committed dataset directory. */
  public static final String SUCCESS = "_SUCCESS";

  /** The lake's staging directory, below the lake root. */
  public static final String STAGING = "_staging";

  static final String JOURNAL = "_COMMIT.json";
  private static final int FORMAT_VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final ResourceId root;
  private final String runId;
  private final List<Move> moves = new ArrayList<>();
  private boolean finished;

  /** One output: where it is staged, where it goes, which file marks it complete. */
  private static final class Move {
    final String staged;
    final String live;
    final String marker;
    final boolean createMarker;

    Move(String staged, String live, String marker, boolean createMarker) {
      this.staged = staged;
      this.live = live;
      this.marker = marker;
      this.createMarker = createMarker;
    }
  }

  private LakeCommit(ResourceId root, String runId) {
    this.root = root;
    this.runId = runId;
  }

  /** {@code LAKE/_staging/DATASET}: where the runs of {@code dataset} stage their outputs. */
  public static String stagingRoot(String lake, String dataset) {
    checkArgument(NAME.matcher(dataset).matches(), "dataset %s is not a valid name", dataset);
    String l = lake.endsWith("/") ? lake.substring(0, lake.length() - 1) : lake;
    return l + "/" + STAGING + "/" + dataset;
  }

  /**
   * Recovers the staging area of {@code dataset} (see {@link #recover}) and opens a commit for the
   * run {@code runId} (letters, digits, '.', '_', '-').
   */
  public static LakeCommit start(String lake, String dataset, String runId) throws IOException {
    return startIn(stagingRoot(lake, dataset), runId);
  }

  /** As {@link #start}, with the staging area {@code stagingRoot}. */
  public static LakeCommit startIn(String stagingRoot, String runId) throws IOException {
    checkArgument(NAME.matcher(runId).matches(), "run id %s is not a valid name", runId);
    recover(stagingRoot);
    LakeCommit commit = new LakeCommit(LakeFiles.dir(stagingRoot), runId);
    ResourceId runDir = LakeFiles.child(commit.root, runId + "/");
    if (LakeFiles.isLocal(runDir)) {
      // The run's directory exists from its start: what a killed run left is plain to see.
      Files.createDirectories(LakeFiles.localPath(runDir));
    }
    return commit;
  }

  /**
   * Finishes every run under {@code stagingRoot} that reached its commit point and deletes every
   * other, in the order of their run ids; returns the run ids it finished.
   */
  public static List<String> recover(String stagingRoot) throws IOException {
    ResourceId root = LakeFiles.dir(stagingRoot);
    List<String> finished = new ArrayList<>();
    for (String run : runs(root)) {
      ResourceId runDir = LakeFiles.child(root, run + "/");
      String journal = LakeFiles.readString(LakeFiles.child(runDir, JOURNAL));
      if (journal != null) {
        for (Move m : parse(journal, runDir)) {
          apply(m);
        }
        LakeFiles.delete(LakeFiles.child(runDir, JOURNAL));
        finished.add(run);
      }
      LakeFiles.deleteRecursively(runDir);
    }
    deleteIfEmpty(root);
    return finished;
  }

  public String runId() {
    return runId;
  }

  /**
   * The directory where this run writes what will replace the dataset directory {@code liveDir};
   * the commit adds {@value #SUCCESS} to it.
   */
  public String stage(String liveDir) {
    return stage(liveDir, SUCCESS, true);
  }

  /**
   * The directory where this run writes what will replace {@code liveDir}; the run must write
   * {@code markerFile} into it, which readers take as the sign that the directory is complete
   * (on object stores it is deleted first and copied last).
   */
  public String stageWithMarker(String liveDir, String markerFile) {
    return stage(liveDir, markerFile, false);
  }

  private String stage(String liveDir, String marker, boolean create) {
    checkState(!finished, "this commit is finished");
    checkArgument(!marker.contains("/"), "marker %s must be a file name", marker);
    ResourceId staged = LakeFiles.child(root, runId + "/" + moves.size() + "/");
    String live = LakeFiles.dir(liveDir).toString();
    for (Move m : moves) {
      checkArgument(!m.live.equals(live), "%s is staged twice", liveDir);
    }
    moves.add(new Move(staged.toString(), live, marker, create));
    String s = staged.toString();
    return s.substring(0, s.length() - 1);
  }

  /** Makes every staged output visible, replacing what was there (see the class comment). */
  public void commit() throws IOException {
    checkState(!finished, "this commit is finished");
    ResourceId runDir = LakeFiles.child(root, runId + "/");
    ResourceId journal = LakeFiles.child(runDir, JOURNAL);
    try {
      for (Move m : moves) {
        // Spills of LakeIO.writeBatches() are gone when its pipeline finished; never publish any.
        WriteBatches.deleteSpills(LakeFiles.dir(m.staged));
        ResourceId marker = LakeFiles.child(LakeFiles.dir(m.staged), m.marker);
        if (m.createMarker) {
          LakeFiles.writeAtomically(marker, new byte[0]);
        } else if (LakeFiles.stat(marker) == null) {
          throw new IOException(
              "the run did not write " + marker + "; nothing of it was published");
        }
      }
      LakeFiles.writeAtomically(journal, json().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      // Before the commit point nothing is published: leave no staged file behind.
      try {
        abort();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    for (Move m : moves) {
      apply(m);
    }
    LakeFiles.delete(journal);
    LakeFiles.deleteRecursively(runDir);
    deleteIfEmpty(root);
    finished = true;
  }

  /** Deletes what this run staged; the live outputs stay as they were. */
  public void abort() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    LakeFiles.deleteRecursively(LakeFiles.child(root, runId + "/"));
    deleteIfEmpty(root);
  }

  private String json() {
    ObjectNode j = MAPPER.createObjectNode();
    j.put("format_version", FORMAT_VERSION);
    j.put("run_id", runId);
    ArrayNode a = j.putArray("moves");
    for (Move m : moves) {
      ObjectNode o = a.addObject();
      o.put("staged", m.staged);
      o.put("live", m.live);
      o.put("marker", m.marker);
    }
    return j.toString();
  }

  private static List<Move> parse(String journal, ResourceId runDir) throws IOException {
    JsonNode j = MAPPER.readTree(journal);
    if (j.path("format_version").asInt() != FORMAT_VERSION) {
      throw new IOException(
          LakeFiles.child(runDir, JOURNAL)
              + " has format_version "
              + j.path("format_version")
              + "; this Sediment reads "
              + FORMAT_VERSION);
    }
    List<Move> out = new ArrayList<>();
    for (JsonNode o : j.path("moves")) {
      out.add(
          new Move(o.path("staged").asText(), o.path("live").asText(), o.path("marker").asText(), false));
    }
    return out;
  }

  /** Moves one staged output into place; does nothing when it was moved already. */
  private static void apply(Move m) throws IOException {
    ResourceId staged = LakeFiles.dir(m.staged);
    ResourceId live = LakeFiles.dir(m.live);
    if (LakeFiles.isLocal(staged)) {
      Path from = LakeFiles.localPath(staged);
      if (!Files.isDirectory(from)) {
        return;
      }
      Path to = LakeFiles.localPath(live);
      Path old = from.resolveSibling("old-" + from.getFileName());
      if (Files.exists(to)) {
        LakeFiles.deleteRecursively(LakeFiles.dir(old));
        LakeFiles.moveDirectory(to, old);
      }
      LakeFiles.moveDirectory(from, to);
      LakeFiles.deleteRecursively(LakeFiles.dir(old));
      return;
    }
    List<MatchResult.Metadata> stagedFiles = LakeFiles.listRecursively(staged);
    if (stagedFiles.isEmpty()) {
      return;
    }
    Set<String> names = new HashSet<>();
    List<ResourceId> sources = new ArrayList<>();
    List<ResourceId> targets = new ArrayList<>();
    ResourceId markerSource = null;
    for (MatchResult.Metadata f : stagedFiles) {
      String rel = LakeFiles.relative(staged, f.resourceId());
      names.add(rel);
      if (rel.equals(m.marker)) {
        markerSource = f.resourceId();
      } else {
        sources.add(f.resourceId());
        targets.add(LakeFiles.child(live, rel));
      }
    }
    if (markerSource == null) {
      throw new IOException(m.staged + " lacks its marker " + m.marker + "; not published");
    }
    // From here until the marker is back, readers that check it see the output as absent.
    LakeFiles.delete(LakeFiles.child(live, m.marker));
    List<ResourceId> stale = new ArrayList<>();
    for (MatchResult.Metadata f : LakeFiles.listRecursively(live)) {
      if (!names.contains(LakeFiles.relative(live, f.resourceId()))) {
        stale.add(f.resourceId());
      }
    }
    if (!stale.isEmpty()) {
      FileSystems.delete(stale, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    if (!sources.isEmpty()) {
      FileSystems.copy(sources, targets);
    }
    FileSystems.copy(List.of(markerSource), List.of(LakeFiles.child(live, m.marker)));
  }

  /** The run directories under {@code root}, by name. */
  private static Set<String> runs(ResourceId root) throws IOException {
    Set<String> runs = new TreeSet<>();
    if (LakeFiles.isLocal(root)) {
      Path dir = LakeFiles.localPath(root);
      if (!Files.isDirectory(dir)) {
        return runs;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(p -> runs.add(p.getFileName().toString()));
      }
      return runs;
    }
    for (MatchResult.Metadata f : LakeFiles.listRecursively(root)) {
      String rel = LakeFiles.relative(root, f.resourceId());
      int slash = rel.indexOf('/');
      runs.add(slash < 0 ? rel : rel.substring(0, slash));
    }
    return runs;
  }

  /** Removes an empty local staging directory, and {@code _staging} when it is empty too. */
  private static void deleteIfEmpty(ResourceId root) throws IOException {
    if (!LakeFiles.isLocal(root)) {
      return;
    }
    Path dir = LakeFiles.localPath(root);
    for (Path p = dir; p != null && (p == dir || STAGING.equals(p.getFileName().toString())); p = p.getParent()) {
      try {
        Files.delete(p);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      }
    }
  }
}
