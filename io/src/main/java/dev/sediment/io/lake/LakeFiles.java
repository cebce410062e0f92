package dev.sediment.io.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The few file operations a lake needs, on local paths and on every Beam file system ({@code
 * s3://}, {@code gs://}), with the commit semantics of each:
 *
 * <ul>
 *   <li>Local: a file is written to a temporary name in its directory, forced to disk, renamed
 *       atomically over the final name, and the directory is forced to disk.
 *   <li>Object stores have no rename: a file is written with one upload, which becomes visible
 *       whole when it completes (S3's PUT and multipart completion are atomic), never in part.
 * </ul>
 *
 * <p>Remote schemes need {@link FileSystems#setDefaultPipelineOptions} to have been called
 * (every Beam runner does; command-line tools do it before listing).
 */
public final class LakeFiles {
  private static final String BINARY = "application/octet-stream";

  private LakeFiles() {}

  /** The directory at {@code location} (a local path or a URI such as {@code s3://b/p}). */
  public static ResourceId dir(String location) {
    String l = location.endsWith("/") ? location : location + "/";
    if (isLocal(l)) {
      return FileSystems.matchNewResource(
          Paths.get(l).toAbsolutePath().normalize().toString() + "/", true);
    }
    return FileSystems.matchNewResource(l, true);
  }

  /** The local directory {@code path}. */
  public static ResourceId dir(Path path) {
    return dir(path.toAbsolutePath().normalize().toString());
  }

  /** {@code dir/relative}: a directory when {@code relative} ends with '/', else a file. */
  public static ResourceId child(ResourceId dir, String relative) {
    String base = dir.toString().endsWith("/") ? dir.toString() : dir.toString() + "/";
    if (relative.isEmpty()) {
      return dir;
    }
    return FileSystems.matchNewResource(base + relative, relative.endsWith("/"));
  }

  /** True for paths without a scheme and {@code file:} resources. */
  public static boolean isLocal(ResourceId r) {
    return "file".equals(r.getScheme());
  }

  private static boolean isLocal(String location) {
    int colon = location.indexOf("://");
    return colon < 0 || location.startsWith("file://");
  }

  /** The local path of a {@code file} resource. */
  public static Path localPath(ResourceId r) {
    String s = r.toString();
    return Paths.get(s.startsWith("file://") ? s.substring("file://".length()) : s);
  }

  /** Metadata of a local file, as a file system match gives it. */
  public static MatchResult.Metadata metadata(Path file) throws IOException {
    return MatchResult.Metadata.builder()
        .setResourceId(FileSystems.matchNewResource(file.toAbsolutePath().toString(), false))
        .setSizeBytes(Files.size(file))
        .setLastModifiedMillis(Files.getLastModifiedTime(file).toMillis())
        .setIsReadSeekEfficient(true)
        .build();
  }

  /** Every file under {@code root}, at any depth; empty when the root does not exist. */
  public static List<MatchResult.Metadata> listRecursively(ResourceId root) throws IOException {
    List<MatchResult.Metadata> out = new ArrayList<>();
    if (isLocal(root)) {
      Path dir = localPath(root);
      if (!Files.isDirectory(dir)) {
        return out;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
          out.add(metadata(f));
        }
      }
      return out;
    }
    return match(child(root, "**").toString());
  }

  /** The files directly in {@code dir}; empty when it does not exist. */
  public static List<MatchResult.Metadata> list(ResourceId dir) throws IOException {
    List<MatchResult.Metadata> out = new ArrayList<>();
    if (isLocal(dir)) {
      Path d = localPath(dir);
      if (!Files.isDirectory(d)) {
        return out;
      }
      try (Stream<Path> s = Files.list(d)) {
        for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
          out.add(metadata(f));
        }
      }
      return out;
    }
    return match(child(dir, "*").toString());
  }

  private static List<MatchResult.Metadata> match(String spec) throws IOException {
    MatchResult m = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.NOT_FOUND) {
      return new ArrayList<>();
    }
    return new ArrayList<>(m.metadata());
  }

  /** The file's metadata, or null when it does not exist. */
  public static MatchResult.@Nullable Metadata stat(ResourceId file) throws IOException {
    if (isLocal(file)) {
      Path p = localPath(file);
      return Files.isRegularFile(p) ? metadata(p) : null;
    }
    MatchResult m = FileSystems.match(file.toString(), EmptyMatchTreatment.ALLOW);
    if (m.status() != MatchResult.Status.OK || m.metadata().isEmpty()) {
      return null;
    }
    return m.metadata().get(0);
  }

  /** The file as UTF-8 text, or null when it does not exist. */
  public static @Nullable String readString(ResourceId file) throws IOException {
    if (!isLocal(file) && stat(file) == null) {
      return null;
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException | NoSuchFileException e) {
      return null;
    }
  }

  /** Writes {@code content} to {@code file} so that readers see the old file or all the new one. */
  public static void writeAtomically(ResourceId file, byte[] content) throws IOException {
    if (isLocal(file)) {
      Path target = localPath(file);
      Files.createDirectories(target.getParent());
      Path tmp = temporarySibling(target);
      try {
        try (FileChannel ch =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(content);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        moveAtomically(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return;
    }
    try (WritableByteChannel ch = create(file)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /**
   * Publishes the finished, synced local file {@code source} as {@code dest}: a local {@code
   * dest} gets it by atomic rename (from another file system: copied beside it, synced, then
   * renamed), a remote one by a single upload; {@code source} is gone afterwards.
   */
  public static void publish(Path source, ResourceId dest) throws IOException {
    if (isLocal(dest)) {
      Path target = localPath(dest);
      Files.createDirectories(target.getParent());
      try {
        moveAtomically(source, target);
      } catch (AtomicMoveNotSupportedException e) {
        // Another file system: copy beside the target, force it to disk, then rename there.
        Path tmp = temporarySibling(target);
        try {
          try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
              FileChannel out =
                  FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            long size = in.size();
            while (pos < size) {
              pos += in.transferTo(pos, size - pos, out);
            }
            out.force(true);
          }
          moveAtomically(tmp, target);
        } finally {
          Files.deleteIfExists(tmp);
        }
        Files.deleteIfExists(source);
      }
      return;
    }
    try (WritableByteChannel out = create(dest);
        FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      long pos = 0;
      long size = in.size();
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, out);
      }
    }
    Files.deleteIfExists(source);
  }

  /** Copies {@code source} to {@code dest} (any schemes), atomically as {@link #publish} does. */
  public static void copy(ResourceId source, ResourceId dest) throws IOException {
    if (isLocal(dest)) {
      Path target = localPath(dest);
      Files.createDirectories(target.getParent());
      Path tmp = temporarySibling(target);
      try {
        try (InputStream in = Channels.newInputStream(FileSystems.open(source));
            FileChannel ch =
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          in.transferTo(Channels.newOutputStream(ch));
          ch.force(true);
        }
        moveAtomically(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return;
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(source));
        OutputStream out = Channels.newOutputStream(create(dest))) {
      in.transferTo(out);
    }
  }

  /** Deletes {@code file}; a missing file is not an error. */
  public static void delete(ResourceId file) throws IOException {
    if (isLocal(file)) {
      Path p = localPath(file);
      if (Files.deleteIfExists(p)) {
        syncDirectory(p.getParent());
      }
      return;
    }
    FileSystems.delete(List.of(file), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** Whether anything is at or below {@code dir}: a local directory, or a key with its prefix. */
  public static boolean exists(ResourceId dir) throws IOException {
    if (isLocal(dir)) {
      return Files.exists(localPath(dir));
    }
    return !listRecursively(dir).isEmpty();
  }

  /** Deletes {@code dir} and everything below it; a missing directory is not an error. */
  public static void deleteRecursively(ResourceId dir) throws IOException {
    if (isLocal(dir)) {
      Path root = localPath(dir);
      if (!Files.exists(root)) {
        return;
      }
      List<Path> all;
      try (Stream<Path> s = Files.walk(root)) {
        all = new ArrayList<>(s.toList());
      }
      // Deepest first, so each directory is empty when its turn comes.
      all.sort((a, b) -> b.getNameCount() - a.getNameCount());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
      if (root.getParent() != null && Files.isDirectory(root.getParent())) {
        syncDirectory(root.getParent());
      }
      return;
    }
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : listRecursively(dir)) {
      files.add(m.resourceId());
    }
    if (!files.isEmpty()) {
      FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }

  /**
   * Renames the local directory {@code source} to {@code target}, which must not exist, in one
   * step, and forces both parent directories to disk.
   */
  public static void moveDirectory(Path source, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.getParent());
    if (!source.getParent().equals(target.getParent())) {
      syncDirectory(source.getParent());
    }
  }

  /** The path of {@code file} below {@code dir}, without a leading '/'. */
  public static String relative(ResourceId dir, ResourceId file) {
    String base = dir.toString().endsWith("/") ? dir.toString() : dir.toString() + "/";
    String f = file.toString();
    if (!f.startsWith(base)) {
      throw new IllegalArgumentException(f + " is not below " + base);
    }
    return f.substring(base.length());
  }

  /** Hex SHA-256 of the file's bytes. */
  public static String sha256(ResourceId file) throws IOException {
    try (ReadableByteChannel ch = FileSystems.open(file)) {
      return sha256(ch);
    }
  }

  /** Hex SHA-256 of a local file's bytes. */
  public static String sha256(Path file) throws IOException {
    try (ReadableByteChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return sha256(ch);
    }
  }

  private static String sha256(ReadableByteChannel ch) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    while (ch.read(buf) >= 0) {
      buf.flip();
      md.update(buf);
      buf.clear();
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** A hidden, unique name beside {@code target}: {@code .NAME.tmp-UUID}. */
  public static Path temporarySibling(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
  }

  /** True for names {@link #temporarySibling} makes. */
  public static boolean isTemporaryName(String name) {
    return name.startsWith(".") && name.contains(".tmp-");
  }

  /** Renames over {@code target} atomically, then forces the directory entry to disk. */
  public static void moveAtomically(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.getParent());
  }

  /** Forces a directory's entries to disk (after a rename or delete in it). */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static WritableByteChannel create(ResourceId file) throws IOException {
    return FileSystems.create(
        file, CreateOptions.StandardCreateOptions.builder().setMimeType(BINARY).build());
  }
}
