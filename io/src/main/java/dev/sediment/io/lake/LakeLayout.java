package dev.sediment.io.lake;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where things go in a lake: the one place that knows the zone directories, so commands and library
 * users name them alike.
 *
 * <pre>{@code
 * LakeLayout lake = LakeLayout.of("s3://bucket/lake");
 * lake.raw("quakes")                  // s3://bucket/lake/raw/quakes
 * lake.processed("quakes")            // s3://bucket/lake/processed/quakes
 * lake.quarantine("quakes")           // s3://bucket/lake/quarantine/quakes
 * lake.validationReport("20261123T214500Z-3f9a1c")
 *                                     // s3://bucket/lake/reports/validation/20261123T214500Z-3f9a1c
 * }</pre>
 *
 * <p>The root may be a local path, a {@code file:} URI, {@code s3://bucket/prefix} or {@code
 * gs://bucket/prefix}; parts are joined by {@link LakePaths#join} (one slash between parts). A
 * local root is taken as given: make it absolute first ({@link LakePaths#absolute}) when remote
 * workers will use the paths. Dataset and run names must be single directory names (letters,
 * digits, '.', '_', '-', starting with a letter or digit), so no path built here can leave its
 * zone. Beam-free. A run's staging area is {@link LakeCommit}'s ({@code ROOT/_staging/DATASET}).
 */
public final class LakeLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Files exactly as they arrived (bronze). */
  public static final String RAW = "raw";

  /** Parsed, validated rows (silver). */
  public static final String PROCESSED = "processed";

  /** Joined, labelled, aggregated rows (gold). */
  public static final String CURATED = "curated";

  /** Rejected files or records, each with its reason. */
  public static final String QUARANTINE = "quarantine";

  /** Validation and drift reports. */
  public static final String REPORTS = "reports";

  private final String root;

  private LakeLayout(String root) {
    this.root = root;
  }

  /** The layout of the lake at {@code root}. */
  public static LakeLayout of(String root) {
    Objects.requireNonNull(root, "root");
    if (root.isEmpty()) {
      throw new IllegalArgumentException("the lake root is empty; give a directory or a URI");
    }
    return new LakeLayout(root);
  }

  public String root() {
    return root;
  }

  /** {@code ROOT/raw/DATASET}: the raw copies of a dataset's files. */
  public String raw(String dataset) {
    return LakePaths.join(root, RAW, name("dataset", dataset));
  }

  /** {@code ROOT/processed/DATASET}: a dataset's parsed and validated rows. */
  public String processed(String dataset) {
    return LakePaths.join(root, PROCESSED, name("dataset", dataset));
  }

  /** {@code ROOT/curated/DATASET}. */
  public String curated(String dataset) {
    return LakePaths.join(root, CURATED, name("dataset", dataset));
  }

  /** {@code ROOT/quarantine/DATASET}: a dataset's rejected files and records. */
  public String quarantine(String dataset) {
    return LakePaths.join(root, QUARANTINE, name("dataset", dataset));
  }

  /** {@code ROOT/reports}. */
  public String reports() {
    return LakePaths.join(root, REPORTS);
  }

  /** {@code ROOT/reports/validation/RUN_ID}: the report of one validation run. */
  public String validationReport(String runId) {
    return LakePaths.join(root, REPORTS, "validation", name("run id", runId));
  }

  private static String name(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + SafePaths.printable(String.valueOf(value))
              + "' is not a valid name; use letters, digits, '.', '_' and '-', starting with a"
              + " letter or digit");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LakeLayout && ((LakeLayout) o).root.equals(root);
  }

  @Override
  public int hashCode() {
    return root.hashCode();
  }

  @Override
  public String toString() {
    return "LakeLayout(" + root + ")";
  }
}
