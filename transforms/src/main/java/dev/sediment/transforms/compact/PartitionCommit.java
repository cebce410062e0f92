package dev.sediment.transforms.compact;

import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Replaces the committed pair {@code data.parquet} + {@code meta.json} of one partition
 * directory so that the committed pair stays visible and valid until the new pair is complete
 * beside it, and a failure at any point before the swap (a full disk, a lost connection) leaves
 * the old pair as it was.
 *
 * <p>Local disks: the new {@code data.parquet} and {@code meta.json} are first written under
 * temporary names in the partition directory ({@code .data.parquet.tmp-UUID}, {@code
 * .meta.json.tmp-UUID}) and forced to disk. Only then three renames swap them in: the old
 * {@code meta.json} is renamed aside, the new data is renamed over {@code data.parquet}, the new
 * meta is renamed to {@code meta.json}. A reader sees the old pair, then for the microseconds
 * between the first and the last rename no {@code meta.json} (the partition is absent), then the
 * new pair; never a {@code meta.json} beside a {@code data.parquet} it does not describe. A
 * failure before the data rename renames the old {@code meta.json} back.
 *
 * <p>Object stores ({@code s3://}, {@code gs://}) have no rename, and each upload replaces an
 * object whole or not at all: the new meta is uploaded under a temporary name, then {@code
 * data.parquet}, then {@code meta.json}. A failed data upload leaves the old pair; between the
 * data upload and the meta upload (one small request) a reader sees the new data with the old
 * meta, whose sha256 does not match: the partition is then not there, and a reader reads again.
 *
 * <p>A run stopped inside the swap ({@code kill -9}, a crash) leaves the partition without a
 * matching {@code meta.json} and a temporary meta that matches {@code data.parquet}; {@link
 * #recover} (run before every compaction of the partition) renames it into place, so the
 * partition is visible again, and removes every other temporary file. {@link #interrupted} lets
 * {@code verify} say so.
 */
final class PartitionCommit {
  static final String DATA = "data.parquet";
  static final String META = "meta.json";
  private static final String META_TEMP_PREFIX = "." + META + ".tmp-";

  /** The points of a commit, in order; a {@link Hook} is called before each. */
  enum Step {
    STAGE_DATA,
    STAGE_META,
    SET_OLD_META_ASIDE,
    SWAP_DATA,
    INSTALL_META
  }

  /** Called before each step; tests throw from it to stop a commit at a chosen point. */
  interface Hook {
    void before(Step step) throws IOException;
  }

  static final Hook NONE = step -> {};

  private PartitionCommit() {}

  /**
   * Publishes the finished local file {@code data} (gone afterwards) with {@code meta} as the
   * partition {@code dir}.
   */
  static void commit(ResourceId dir, Path data, byte[] meta, Hook hook) throws IOException {
    if (LakeFiles.isLocal(dir)) {
      commitLocal(LakeFiles.localPath(dir), data, meta, hook);
    } else {
      commitRemote(dir, data, meta, hook);
    }
  }

  private static void commitLocal(Path dir, Path data, byte[] meta, Hook hook) throws IOException {
    List<Path> created = createDirectories(dir);
    Path finalData = dir.resolve(DATA);
    Path finalMeta = dir.resolve(META);
    Path stagedData = LakeFiles.temporarySibling(finalData);
    Path stagedMeta = LakeFiles.temporarySibling(finalMeta);
    Path oldMeta = null;
    boolean dataSwapped = false;
    try {
      hook.before(Step.STAGE_DATA);
      LakeFiles.publish(data, LakeFiles.child(LakeFiles.dir(dir), stagedData.getFileName().toString()));
      hook.before(Step.STAGE_META);
      try (FileChannel ch =
          FileChannel.open(stagedMeta, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(meta);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      LakeFiles.syncDirectory(dir);
      // The new pair is complete and durable beside the old one: swap.
      hook.before(Step.SET_OLD_META_ASIDE);
      if (Files.exists(finalMeta)) {
        Path aside = LakeFiles.temporarySibling(finalMeta);
        LakeFiles.moveAtomically(finalMeta, aside);
        oldMeta = aside;
      }
      hook.before(Step.SWAP_DATA);
      LakeFiles.moveAtomically(stagedData, finalData);
      dataSwapped = true;
      hook.before(Step.INSTALL_META);
      LakeFiles.moveAtomically(stagedMeta, finalMeta);
    } catch (IOException | RuntimeException e) {
      if (dataSwapped) {
        // The old data is gone; the staged meta matches the new data and completes the commit
        // on the next run (recover). Until then the partition is absent, never inconsistent.
        throw new IOException(
            "the commit of "
                + dir
                + " stopped after data.parquet was replaced; the partition is absent until the"
                + " next compact of it completes the commit: "
                + reason(e),
            e);
      }
      try {
        if (oldMeta != null) {
          LakeFiles.moveAtomically(oldMeta, finalMeta);
        }
        Files.deleteIfExists(stagedData);
        Files.deleteIfExists(stagedMeta);
        removeIfEmpty(created);
      } catch (IOException | RuntimeException undo) {
        // What is left is harmless: recover() puts the set-aside meta back and removes the rest.
        e.addSuppressed(undo);
      }
      throw e;
    }
    if (oldMeta != null) {
      Files.deleteIfExists(oldMeta);
    }
  }

  private static void commitRemote(ResourceId dir, Path data, byte[] meta, Hook hook)
      throws IOException {
    ResourceId stagedMeta = LakeFiles.child(dir, META_TEMP_PREFIX + UUID.randomUUID());
    boolean dataMayHaveChanged = false;
    try {
      hook.before(Step.STAGE_DATA);
      hook.before(Step.STAGE_META);
      LakeFiles.writeAtomically(stagedMeta, meta);
      hook.before(Step.SET_OLD_META_ASIDE);
      hook.before(Step.SWAP_DATA);
      dataMayHaveChanged = true;
      LakeFiles.publish(data, LakeFiles.child(dir, DATA));
      hook.before(Step.INSTALL_META);
      LakeFiles.writeAtomically(LakeFiles.child(dir, META), meta);
    } catch (IOException | RuntimeException e) {
      if (dataMayHaveChanged) {
        throw new IOException(
            "the commit of "
                + dir
                + " stopped while data.parquet was replaced; until the next compact of it"
                + " completes the commit, meta.json may not match data.parquet (the partition is"
                + " then absent): "
                + reason(e),
            e);
      }
      LakeFiles.delete(stagedMeta);
      throw e;
    }
    LakeFiles.delete(stagedMeta);
  }

  private static String reason(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Completes or undoes a commit a stopped run left in {@code dir}: when {@code meta.json} is
   * missing or does not match {@code data.parquet} and a temporary meta does, that one becomes
   * {@code meta.json}; then every temporary file in the directory is removed. Returns the name
   * of the temporary meta that was put in place, or null.
   */
  static @Nullable String recover(ResourceId dir) throws IOException {
    List<ResourceId> temporaries = new ArrayList<>();
    for (MatchResult.Metadata m : LakeFiles.list(dir)) {
      String name = m.resourceId().getFilename();
      if (name != null && LakeFiles.isTemporaryName(name)) {
        temporaries.add(m.resourceId());
      }
    }
    if (temporaries.isEmpty()) {
      return null;
    }
    temporaries.sort(Comparator.comparing(ResourceId::toString));
    ResourceId installed = matchingTemporaryMeta(dir, temporaries);
    if (installed != null) {
      ResourceId meta = LakeFiles.child(dir, META);
      if (LakeFiles.isLocal(dir)) {
        LakeFiles.moveAtomically(LakeFiles.localPath(installed), LakeFiles.localPath(meta));
      } else {
        String json = LakeFiles.readString(installed);
        if (json != null) {
          LakeFiles.writeAtomically(meta, json.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    for (ResourceId t : temporaries) {
      if (LakeFiles.isLocal(t) && t.equals(installed)) {
        continue;
      }
      LakeFiles.delete(t);
    }
    return installed == null ? null : installed.getFilename();
  }

  /**
   * The name of a temporary meta in {@code dir} that matches its {@code data.parquet} while
   * {@code meta.json} is missing or does not: the partition is in the middle of a stopped
   * commit, which the next compaction completes. Null otherwise.
   */
  static @Nullable String interrupted(ResourceId dir) {
    try {
      List<ResourceId> temporaries = new ArrayList<>();
      for (MatchResult.Metadata m : LakeFiles.list(dir)) {
        String name = m.resourceId().getFilename();
        if (name != null && name.startsWith(META_TEMP_PREFIX)) {
          temporaries.add(m.resourceId());
        }
      }
      temporaries.sort(Comparator.comparing(ResourceId::toString));
      ResourceId t = matchingTemporaryMeta(dir, temporaries);
      return t == null ? null : t.getFilename();
    } catch (IOException e) {
      return null;
    }
  }

  /** A temporary meta matching data.parquet, when the committed meta.json does not. */
  private static @Nullable ResourceId matchingTemporaryMeta(ResourceId dir, List<ResourceId> temporaries)
      throws IOException {
    List<ResourceId> metas = new ArrayList<>();
    for (ResourceId t : temporaries) {
      if (t.getFilename() != null && t.getFilename().startsWith(META_TEMP_PREFIX)) {
        metas.add(t);
      }
    }
    if (metas.isEmpty() || LakeFiles.stat(LakeFiles.child(dir, DATA)) == null) {
      return null;
    }
    String sha = LakeFiles.sha256(LakeFiles.child(dir, DATA));
    CompactMeta committed = parseOrNull(LakeFiles.readString(LakeFiles.child(dir, META)));
    if (committed != null && sha.equals(committed.sha256)) {
      return null;
    }
    for (ResourceId t : metas) {
      CompactMeta m = parseOrNull(LakeFiles.readString(t));
      if (m != null && sha.equals(m.sha256)) {
        return t;
      }
    }
    return null;
  }

  private static @Nullable CompactMeta parseOrNull(@Nullable String json) {
    if (json == null) {
      return null;
    }
    try {
      return CompactMeta.parse(json);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Creates {@code dir} and its missing parents; returns those it created, deepest first. */
  private static List<Path> createDirectories(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(p);
    }
    Files.createDirectories(dir);
    return missing;
  }

  /** Removes the directories a failed commit created, as long as they are empty. */
  private static void removeIfEmpty(List<Path> created) {
    for (Path p : created) {
      try {
        Files.deleteIfExists(p);
      } catch (DirectoryNotEmptyException e) {
        return;
      } catch (IOException e) {
        return;
      }
    }
  }
}
