package dev.sediment.io.lake;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Joins a path taken from input (an object key, a file name, a path below a glob, a partition
 * value, a header string) to a root of the lake, and proves the result stays below that root.
 *
 * <pre>{@code
 * String dest = SafePaths.resolve("s3://lake/raw/quakes", "2026/02/a.mseed");
 * // s3://lake/raw/quakes/2026/02/a.mseed
 * SafePaths.resolve("/data/lake/raw/quakes", "../../../etc/cron.d/x");  // UnsafePathException
 * }</pre>
 *
 * <p>Object stores allow keys such as {@code in/../../x}, {@code in//x} or {@code in/./x}; joined
 * to a local root unchecked, the operating system resolves the {@code ..} and the write lands
 * outside the lake. A relative path is therefore accepted only when it is made of {@code /}
 * separated segments that are none of: empty (no leading, trailing or doubled {@code /}), {@code
 * .}, {@code ..}, or holding a NUL or a backslash (a separator on Windows and on some object-store
 * gateways). The joined path is then normalised (local: {@link Path#normalize()} of the absolute
 * path; {@code scheme://authority/...}: {@code .} and {@code ..} resolved textually) and must
 * start with the normalised root followed by a separator, so nothing, whatever the checks above
 * miss, can name the root itself or anything beside or above it.
 *
 * <p>Beam-free: callers turn the returned string into a {@code ResourceId}.
 */
public final class SafePaths {
  private static final Pattern URI = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]*)(/.*)?$");

  private SafePaths() {}

  /** A path from input that would leave its root, or that is not a plain relative path. */
  public static final class UnsafePathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String relative;
    private final String reason;

    UnsafePathException(String relative, String reason) {
      super("'" + printable(relative) + "' is not a safe relative path: " + reason);
      this.relative = relative;
      this.reason = reason;
    }

    /** The path that was refused, as given. */
    public String relative() {
      return relative;
    }

    /** Why, e.g. {@code it has a '..' segment}. */
    public String reason() {
      return reason;
    }
  }

  /**
   * Checks that {@code relative} is a plain relative path (see the class comment) and returns it
   * unchanged.
   *
   * @throws UnsafePathException if it is empty, absolute, or has an empty, {@code .} or {@code ..}
   *     segment, a NUL or a backslash
   */
  public static String checkRelative(String relative) {
    if (relative == null || relative.isEmpty()) {
      throw new UnsafePathException(String.valueOf(relative), "it is empty");
    }
    if (relative.indexOf('\0') >= 0) {
      throw new UnsafePathException(relative, "it holds a NUL character");
    }
    if (relative.indexOf('\\') >= 0) {
      throw new UnsafePathException(relative, "it holds a backslash");
    }
    if (relative.startsWith("/")) {
      throw new UnsafePathException(relative, "it is absolute (starts with '/')");
    }
    if (URI.matcher(relative).matches()) {
      throw new UnsafePathException(relative, "it is a URI, not a relative path");
    }
    int start = 0;
    while (true) {
      int slash = relative.indexOf('/', start);
      String segment = slash < 0 ? relative.substring(start) : relative.substring(start, slash);
      if (segment.isEmpty()) {
        throw new UnsafePathException(relative, "it has an empty segment ('//' or a trailing '/')");
      }
      if (segment.equals("..")) {
        throw new UnsafePathException(relative, "it has a '..' segment");
      }
      if (segment.equals(".")) {
        throw new UnsafePathException(relative, "it has a '.' segment");
      }
      if (slash < 0) {
        return relative;
      }
      start = slash + 1;
    }
  }

  /** True when {@link #checkRelative} accepts {@code relative}. */
  public static boolean isSafeRelative(String relative) {
    try {
      checkRelative(relative);
      return true;
    } catch (UnsafePathException e) {
      return false;
    }
  }

  /**
   * {@code root/relative}, after {@link #checkRelative} and the proof that the normalised result
   * lies below the normalised root. {@code root} is a local path (made absolute) or a URI such as
   * {@code s3://bucket/prefix} or {@code gs://bucket}; a trailing {@code /} on it is optional.
   * Local results are absolute and normalised; URI results keep the root's scheme and authority.
   *
   * @throws UnsafePathException if {@code relative} is refused or the result would not lie below
   *     {@code root}
   */
  public static String resolve(String root, String relative) {
    checkRelative(relative);
    if (root == null || root.isEmpty()) {
      throw new IllegalArgumentException("root is empty");
    }
    Matcher m = URI.matcher(root);
    if (m.matches() && !m.group(1).equalsIgnoreCase("file")) {
      String prefix = m.group(1) + "://" + m.group(2);
      String rootPath = normalizeUriPath(m.group(3) == null ? "/" : m.group(3));
      String joined = (rootPath.endsWith("/") ? rootPath : rootPath + "/") + relative;
      String normalized = normalizeUriPath(joined);
      String under = rootPath.endsWith("/") ? rootPath : rootPath + "/";
      if (!normalized.startsWith(under) || normalized.length() == under.length()) {
        throw new UnsafePathException(relative, "it leaves " + root);
      }
      return prefix + normalized;
    }
    Path base = localRoot(root, m.matches());
    Path joined = base.resolve(relative).normalize();
    if (!joined.startsWith(base) || joined.equals(base)) {
      throw new UnsafePathException(relative, "it leaves " + root);
    }
    return joined.toString();
  }

  private static Path localRoot(String root, boolean fileUri) {
    if (fileUri) {
      return Paths.get(java.net.URI.create(root)).toAbsolutePath().normalize();
    }
    return Paths.get(root).toAbsolutePath().normalize();
  }

  /**
   * The path part of a URI with {@code .} and {@code ..} resolved and doubled slashes kept (an
   * object key may hold them); {@code ..} above the top stays at the top, as in a browser.
   */
  static String normalizeUriPath(String path) {
    Deque<String> out = new ArrayDeque<>();
    String[] parts = path.split("/", -1);
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      if (p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!out.isEmpty()) {
          out.removeLast();
        }
        continue;
      }
      out.addLast(p);
    }
    StringBuilder sb = new StringBuilder();
    for (String p : out) {
      sb.append('/').append(p);
    }
    boolean dir = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
    if (sb.length() == 0 || (dir && sb.charAt(sb.length() - 1) != '/')) {
      sb.append('/');
    }
    return sb.toString();
  }

  /** {@code s} with control characters written as {@code \\uXXXX}, for one-line messages. */
  public static String printable(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        sb.append(String.format("\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
