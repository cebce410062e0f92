package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The real seismic files of {@code ../shared/testdata} and their reference values from {@code
 * MANIFEST.tsv} (see that folder's README for how they were computed and compared).
 */
public final class TestData {

  /** One row of MANIFEST.tsv. */
  public static final class Entry {
    public final Map<String, String> fields;

    Entry(Map<String, String> fields) {
      this.fields = fields;
    }

    public String path() {
      return fields.get("path");
    }

    public Path file() {
      return root().resolve(path());
    }

    public String format() {
      return fields.get("format");
    }

    public String get(String column) {
      return fields.get(column);
    }

    public long samplesTotal() {
      return Long.parseLong(fields.get("samples_total"));
    }

    public long tracesOrRecords() {
      return Long.parseLong(fields.get("traces_or_records"));
    }

    @Override
    public String toString() {
      return path();
    }
  }

  private static Path root;
  private static List<Entry> entries;

  private TestData() {}

  /** {@code shared/testdata}, found beside the checkout from the working directory up. */
  public static synchronized Path root() {
    if (root == null) {
      String configured = System.getProperty("sediment.testdata");
      if (configured != null) {
        root = Paths.get(configured);
      } else {
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
          Path candidate = d.resolve("shared/testdata/MANIFEST.tsv");
          if (Files.isRegularFile(candidate)) {
            root = candidate.getParent();
            break;
          }
        }
      }
      if (root == null) {
        throw new IllegalStateException(
            "../shared/testdata/MANIFEST.tsv not found above " + Paths.get("").toAbsolutePath());
      }
    }
    return root;
  }

  /** Every row of MANIFEST.tsv in file order. */
  public static synchronized List<Entry> all() throws IOException {
    if (entries == null) {
      List<String> lines = Files.readAllLines(root().resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
      String[] header = lines.get(0).split("\t", -1);
      List<Entry> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          m.put(header[i], i < cells.length ? cells[i] : "");
        }
        out.add(new Entry(m));
      }
      entries = out;
    }
    return entries;
  }

  /** The rows of one format ("SEG-Y", "SEG-2", "miniSEED2", "miniSEED3", "SAC"). */
  public static List<Entry> of(String format) throws IOException {
    List<Entry> out = new ArrayList<>();
    for (Entry e : all()) {
      if (e.format().equals(format)) {
        out.add(e);
      }
    }
    return out;
  }

  public static Entry entry(String path) throws IOException {
    for (Entry e : all()) {
      if (e.path().equals(path)) {
        return e;
      }
    }
    throw new IllegalArgumentException("not in MANIFEST.tsv: " + path);
  }

  public static SeekableByteChannel open(Path file) throws IOException {
    return Files.newByteChannel(file, StandardOpenOption.READ);
  }

  /** Accumulates all samples of a file in order, as the MANIFEST's reference values do. */
  public static final class Samples {
    private final MessageDigest sha;
    private final ByteBuffer eight = ByteBuffer.allocate(8);
    private final List<Double> first5 = new ArrayList<>();
    private BigDecimal exactSum = BigDecimal.ZERO;
    public long count;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;

    public Samples() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    public void add(double[] values) {
      for (double v : values) {
        add(v);
      }
    }

    public void add(double v) {
      count++;
      if (first5.size() < 5) {
        first5.add(v);
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (!Double.isNaN(v) && !Double.isInfinite(v)) {
        exactSum = exactSum.add(new BigDecimal(v));
      }
      eight.clear();
      eight.putDouble(v == 0.0 ? 0.0 : v);
      sha.update(eight.array());
    }

    public double sum() {
      return exactSum.round(MathContext.DECIMAL64).doubleValue();
    }

    public String sha256() {
      return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Asserts count, min, max, sum, first five and the float64 SHA-256 against the MANIFEST row,
     * with the README's tolerances.
     */
    public void assertMatches(Entry e) {
      String what = e.path();
      assertThat(what + " samples", count, equalTo(e.samplesTotal()));
      if (count == 0) {
        return;
      }
      double refMin = Double.parseDouble(e.get("ref_min"));
      double refMax = Double.parseDouble(e.get("ref_max"));
      double refSum = Double.parseDouble(e.get("ref_sum"));
      assertThat(what + " min", min, closeTo(refMin, 1e-5 * Math.abs(refMin)));
      assertThat(what + " max", max, closeTo(refMax, 1e-5 * Math.abs(refMax)));
      assertThat(
          what + " sum",
          sum(),
          closeTo(refSum, 1e-5 * Math.abs(refSum) + 1e-6 * Math.max(Math.abs(refMin), Math.abs(refMax))));
      String[] ref5 = e.get("ref_first5").split(";");
      for (int i = 0; i < ref5.length && i < first5.size(); i++) {
        double r = Double.parseDouble(ref5[i]);
        assertThat(what + " sample " + i, first5.get(i), closeTo(r, 1e-5 * Math.abs(r)));
      }
      assertThat(what + " sha256 of float64 samples", sha256(), equalTo(e.get("ref_sha256_f64")));
    }
  }
}
