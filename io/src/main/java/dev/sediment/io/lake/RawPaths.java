package dev.sediment.io.lake;

/**
 * Where a file's raw copy goes: {@code RAW_DIR/PATH}, PATH being the file's path below the
 * directory of the glob that matched it (its name when it is not below it), so a raw zone keeps the
 * layout files arrived in.
 *
 * <pre>{@code
 * RawPaths.globBase("s3://in/2026/**")                            // "s3://in/2026/"
 * RawPaths.destination("s3://in/2026/", "/lake/raw/quakes",
 *     "s3://in/2026/02/a.mseed", "a.mseed")                         // "/lake/raw/quakes/02/a.mseed"
 * }</pre>
 *
 * <p>Every destination is proven by {@link SafePaths} to stay below the raw directory. Beam-free;
 * {@link RawCopy} applies it in a pipeline.
 */
public final class RawPaths {
  private RawPaths() {}

  /** The directory part of a glob, up to the last '/' before its first wildcard. */
  public static String globBase(String glob) {
    int wild = glob.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = glob.indexOf(c);
      if (i >= 0) {
        wild = Math.min(wild, i);
      }
    }
    int slash = glob.lastIndexOf('/', wild == glob.length() ? glob.length() - 1 : wild);
    return slash < 0 ? "" : glob.substring(0, slash + 1);
  }

  /**
   * {@code rawDir/PATH} for the file {@code source} (named {@code fileName}), PATH being its path
   * below {@code resolvedBase} (the glob's base as the file system spells it; empty if none), or
   * its name when it is not below it.
   *
   * @throws SafePaths.UnsafePathException when PATH has a {@code ..}, {@code .} or empty segment, a
   *     NUL or a backslash
   */
  public static String destination(
      String resolvedBase, String rawDir, String source, String fileName) {
    String relative =
        !resolvedBase.isEmpty() && source.startsWith(resolvedBase)
            ? source.substring(resolvedBase.length())
            : fileName;
    return SafePaths.resolve(rawDir, relative);
  }
}
