package dev.sediment.pipelines;

/**
 * The path helpers of {@link dev.sediment.io.lake.LakePaths}, under the name the compact commands
 * import; new code uses the {@code io.lake} class (or {@link dev.sediment.io.lake.LakeLayout}).
 */
public final class LakePaths {
  private LakePaths() {}

  /** See {@link dev.sediment.io.lake.LakePaths#hasScheme}. */
  public static boolean hasScheme(String path) {
    return dev.sediment.io.lake.LakePaths.hasScheme(path);
  }

  /** See {@link dev.sediment.io.lake.LakePaths#absolute}. */
  public static String absolute(String path) {
    return dev.sediment.io.lake.LakePaths.absolute(path);
  }

  /** See {@link dev.sediment.io.lake.LakePaths#join}. */
  public static String join(String root, String... parts) {
    return dev.sediment.io.lake.LakePaths.join(root, parts);
  }
}
