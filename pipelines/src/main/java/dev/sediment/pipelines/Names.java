package dev.sediment.pipelines;

import dev.sediment.io.lake.SafePaths;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The one check for option values that become a directory name in the lake ({@code --dataset},
 * {@code --runId}) or a path below a root ({@code --partition}): a name is letters, digits,
 * {@code .}, {@code _} and {@code -}, starts with a letter or digit (so never {@code .} or {@code
 * ..}) and is at most 255 characters (a file name's limit). Every command's options go through
 * {@link #checkOptions} before the command runs, so no command can forget it.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final Pattern PARTITION_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  /** Options, by property name, whose value names one directory. */
  private static final String[] NAME_OPTIONS = {"dataset", "runId"};

  /** Options, by property name, whose value is a {@code KEY=VALUE/KEY=VALUE} partition path. */
  private static final String[] PARTITION_OPTIONS = {"partition"};

  private Names() {}

  /** An option value that cannot be a name in the lake: exit 2, one line. */
  public static final class InvalidNameException extends UsageException {
    private static final long serialVersionUID = 1L;

    InvalidNameException(String message) {
      super(message);
    }
  }

  /** Whether {@code name} is a valid name (see the class comment). */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Returns {@code value} if it is a valid name, else throws {@link InvalidNameException} saying
   * {@code --option=value is not a valid name; ...}.
   */
  public static String check(String option, String value) {
    if (!isValid(value)) {
      throw new InvalidNameException(
          option
              + "="
              + SafePaths.printable(String.valueOf(value))
              + " is not a valid name; use letters, digits, '.', '_' and '-', starting with a"
              + " letter or digit (at most 255)");
    }
    return value;
  }

  /**
   * Returns {@code value} if it is a partition path {@code KEY=VALUE/KEY=VALUE} (leading and
   * trailing {@code /} allowed, empty allowed): each level a key of letters, digits, {@code .},
   * {@code _} and {@code -}, then {@code =}, then a value, and no level {@code .} or {@code ..}
   * or holding a NUL or backslash; else throws {@link InvalidNameException}.
   */
  public static String checkPartitionPath(String option, String value) {
    String trimmed = value == null ? "" : value.replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty()) {
      return value == null ? "" : value;
    }
    String problem = null;
    try {
      SafePaths.checkRelative(trimmed);
    } catch (SafePaths.UnsafePathException e) {
      problem = e.reason();
    }
    if (problem == null) {
      for (String level : trimmed.split("/")) {
        int eq = level.indexOf('=');
        if (eq <= 0 || !PARTITION_KEY.matcher(level.substring(0, eq)).matches()) {
          problem = "level '" + level + "' is not KEY=VALUE";
          break;
        }
      }
    }
    if (problem != null) {
      throw new InvalidNameException(
          option
              + "="
              + SafePaths.printable(value)
              + " is not a partition path: "
              + problem
              + "; write KEY=VALUE/KEY=VALUE, e.g. exchange=binance/symbol=btcusdt");
    }
    return value;
  }

  /**
   * Checks every option of {@code options} (seen through {@code iface}) that becomes a name or a
   * path in the lake: {@code --dataset}, {@code --runId} ({@link #check}) and {@code --partition}
   * ({@link #checkPartitionPath}). Unset (null or empty) values are left to the command.
   */
  public static void checkOptions(PipelineOptions options, Class<? extends PipelineOptions> iface) {
    PipelineOptions typed = options.as(iface);
    for (String name : NAME_OPTIONS) {
      String v = value(typed, iface, name);
      if (v != null && !v.isEmpty()) {
        check("--" + name, v);
      }
    }
    for (String name : PARTITION_OPTIONS) {
      String v = value(typed, iface, name);
      if (v != null && !v.isEmpty()) {
        checkPartitionPath("--" + name, v);
      }
    }
  }

  private static String value(PipelineOptions options, Class<?> iface, String property) {
    Method getter;
    try {
      getter =
          iface.getMethod("get" + Character.toUpperCase(property.charAt(0)) + property.substring(1));
    } catch (NoSuchMethodException e) {
      return null;
    }
    if (getter.getReturnType() != String.class) {
      return null;
    }
    try {
      return (String) getter.invoke(options);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read --" + property, e);
    }
  }
}
