package dev.sediment.io.lake;

import java.nio.file.Paths;
import java.util.regex.Pattern;

/**
 * String helpers for lake paths that may be local paths, {@code file:} URIs or object-store URIs
 * ({@code s3://bucket/prefix}, {@code gs://bucket/prefix}). Beam-free: {@link LakeLayout} builds
 * on it.
 *
 * <pre>{@code
 * LakePaths.join("s3://bucket/lake/", "/raw", "quakes")  // "s3://bucket/lake/raw/quakes"
 * }</pre>
 */
public final class LakePaths {
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

  private LakePaths() {}

  /** True for {@code s3://...}, {@code gs://...} and other URIs with a scheme. */
  public static boolean hasScheme(String path) {
    return SCHEME.matcher(path).matches();
  }

  /**
   * A local path made absolute (a remote worker does not share our working directory); a URI is
   * returned as it is. Glob characters are kept.
   */
  public static String absolute(String path) {
    if (hasScheme(path) || path.startsWith("file:")) {
      return path;
    }
    return Paths.get(path).toAbsolutePath().normalize().toString();
  }

  /** {@code root/a/b}, with exactly one slash between parts. */
  public static String join(String root, String... parts) {
    StringBuilder sb = new StringBuilder(root);
    for (String p : parts) {
      while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '/') {
        sb.setLength(sb.length() - 1);
      }
      sb.append('/').append(p.startsWith("/") ? p.substring(1) : p);
    }
    return sb.toString();
  }
}
