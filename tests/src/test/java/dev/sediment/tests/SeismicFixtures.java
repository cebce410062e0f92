package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shared seismic ingest fixtures: six real files of {@code ../shared/testdata} (SEG-Y,
 * miniSEED 2 with 611 records, miniSEED 2 over midnight, SAC, SEG-2 and, in a sub directory,
 * miniSEED 3), small.sgy cut inside its last trace and 5,000 random bytes; 806 traces or records,
 * 804 good and 2 bad.
 */
final class SeismicFixtures {
  static final String DATASET = "quakes";

  /**
   * Byte ranges small enough to cut the larger files into many (CH.BALST: 32 ranges) and, not
   * being a multiple of 128 or of a SEG-Y trace, to start inside records and traces.
   */
  static final String SPLIT_BYTES = "--splitBytes=10000";

  /** Testdata file -> its path below the input directory. */
  static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("segy/segyio/small.sgy", "small.sgy");
    FILES.put("mseed2/obspy/gaps.mseed", "gaps.mseed");
    FILES.put("mseed2/obspy/CH.BALST..LH_two_channels", "CH.BALST..LH_two_channels");
    FILES.put("sac/obspy/seism.sac", "seism.sac");
    FILES.put("seg2/obspy/20130107_103041000.CET.3c.cont.0.seg2", "20130107_103041000.CET.3c.cont.0.seg2");
    FILES.put("mseed3/libmseed/reference-testdata-nsec.mseed3", "sub/reference-testdata-nsec.mseed3");
  }

  /** The bytes of cut.sgy: small.sgy up to 60 bytes into the data of its 25th trace. */
  static final int CUT_BYTES = 3600 + 24 * 440 + 300;

  static final String SUMMARY =
      "ingest quakes: 8 files (8 copied raw), 806 traces or records in, 804 written, 2 quarantined";

  static final Set<String> PARTITIONS =
      Set.of(
          "station=BW.BGLD/date=20071231",
          "station=BW.BGLD/date=20080101",
          "station=CDV/date=19810329",
          "station=CH.BALST/date=20251110",
          "station=XX.TEST/date=20120512",
          "station=unknown/date=20130107",
          "station=unknown/date=unknown");

  static Path testdata() {
    for (Path d = Sediment.home(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("shared/testdata/MANIFEST.tsv"))) {
        return d.resolve("shared/testdata");
      }
    }
    throw new AssertionError("shared/testdata/MANIFEST.tsv not found above " + Sediment.home());
  }

  /** Writes the input files into {@code dir} and returns it. */
  static Path writeTo(Path dir) throws IOException {
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      Path target = dir.resolve(f.getValue());
      Files.createDirectories(target.getParent());
      Files.copy(testdata().resolve(f.getKey()), target);
    }
    byte[] small = Files.readAllBytes(testdata().resolve("segy/segyio/small.sgy"));
    Files.write(dir.resolve("cut.sgy"), Arrays.copyOf(small, CUT_BYTES));
    byte[] garbage = new byte[5000];
    new Random(7).nextBytes(garbage);
    Files.write(dir.resolve("garbage.bin"), garbage);
    return dir;
  }

  /** {@code ingest} of every file below {@code inputDir} (a path or URI ending in '/'). */
  static String[] ingestArgs(String inputDir, String lake, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("ingest");
    args.add("--input=" + inputDir + "**");
    args.add("--dataset=" + DATASET);
    args.add("--lake=" + lake);
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  /** The run succeeded and printed the exact counts of the fixtures. */
  static void assertIngested(Sediment.Result r) {
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.toString(), r.stdout, containsString(SUMMARY));
  }

  /** Rows per input file: MANIFEST.tsv's traces_or_records, and 24 good traces of cut.sgy. */
  static Map<String, Long> expectedRowsPerFile() throws IOException {
    Map<String, Long> manifest = new TreeMap<>();
    List<String> lines = Files.readAllLines(testdata().resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split("\t"));
    int path = header.indexOf("path");
    int count = header.indexOf("traces_or_records");
    for (String line : lines.subList(1, lines.size())) {
      String[] cols = line.split("\t");
      manifest.put(cols[path], Long.parseLong(cols[count]));
    }
    Map<String, Long> expected = new TreeMap<>();
    FILES.forEach((src, name) -> expected.put(name, manifest.get(src)));
    expected.put("cut.sgy", 24L);
    return expected;
  }

  /**
   * The dataset in {@code lake}, ingested from {@code inputBase} (its source paths made relative
   * to it), checked against the fixtures: partitions, rows per file, the two quarantine records
   * and raw copies byte for byte the input files of {@code inputDir}.
   */
  static LakeContents assertDataset(Path lake, String inputBase, Path inputDir) throws IOException {
    LakeContents c = LakeContents.readTraces(lake, DATASET, inputBase);
    assertThat(c.partitions(), equalTo(PARTITIONS));
    assertThat(LakeContents.rowsPerSource(c.rows), equalTo(expectedRowsPerFile()));
    assertThat(c.quarantine, hasSize(2));
    assertThat(c.quarantine.get(0), containsString("\"source\":\"cut.sgy\",\"line\":0,\"offset\":14400,\"error_type\":\"TRUNCATED\""));
    assertThat(c.quarantine.get(1), containsString("\"source\":\"garbage.bin\",\"line\":0,\"offset\":0,\"error_type\":\"BAD_MAGIC\""));
    assertThat(c.raw, equalTo(LakeContents.files(inputDir)));
    return c;
  }

  /** Both lakes hold the same rows, quarantine records and raw copies. */
  static void assertSameDataset(LakeContents expected, LakeContents actual) {
    assertThat(actual.rows, equalTo(expected.rows));
    assertThat(actual.quarantine, equalTo(expected.quarantine));
    assertThat(actual.raw, equalTo(expected.raw));
  }

  private SeismicFixtures() {}
}
