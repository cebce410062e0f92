package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hostile inputs through {@code bin/sediment}, each a small file: names that are paths, partition
 * values that look like paths, a YAML bomb, lying seismic headers. Each must end in a clear typed
 * outcome, with nothing written outside the lake and nothing lost.
 */
public class HostileInputIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String NAME_RULE =
      " is not a valid name; use letters, digits, '.', '_' and '-', starting with a letter or"
          + " digit (at most 255)\n";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A lake three levels below the test's root, so that an escape from it stays visible. */
  private Path work() throws IOException {
    return Files.createDirectories(tmp.getRoot().toPath().resolve("w1/w2/w3"));
  }

  private List<String> filesUnderRoot() throws IOException {
    Path root = tmp.getRoot().toPath();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.contains("/.stdout-") && !p.contains("/.stderr-"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static void assertOneLine(Sediment.Result r, int code, String line) {
    assertThat(r.toString(), r.exitCode, equalTo(code));
    assertThat(r.toString(), r.stderr, equalTo(line));
  }

  // ------------------------------------------------------------------ names that are paths

  /** ingest-table of the trade fixtures with {@code extra} and no --dataset unless given. */
  private static String[] ingestTable(Path in, Path lake, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("ingest-table");
    args.add("--input=" + in + "/trades-*.csv");
    args.add("--schema=" + in + "/trades.avsc");
    args.add("--lake=" + lake);
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  @Test
  public void namesThatArePaths_exit2OneLine_nothingWritten() throws Exception {
    Path work = work();
    Path in = Fixtures.copyTo(work.resolve("in"));
    Path lake = work.resolve("lake");
    Path rules = work.resolve("r.yaml");
    Files.writeString(rules, "columns:\n  symbol:\n    - {rule: not_null}\n");
    // A NUL cannot travel in a process argument; a --config file can carry one.
    Path config = work.resolve("nul.properties");
    Files.writeString(config, "dataset=a\\u0000b\n");
    List<String> before = filesUnderRoot();

    // Every command and more values are covered in-process by NamesTest; here, the jar's way.
    for (String ds : new String[] {".."}) {
      assertOneLine(
          Sediment.run(work, ingestTable(in, lake, "--dataset=" + ds)),
          2,
          "sediment ingest-table: --dataset=" + ds + NAME_RULE);
    }
    for (String id : new String[] {"../../../../x"}) {
      assertOneLine(
          Sediment.run(
              work,
              "validate",
              "--rules=" + rules,
              "--input=" + in + "/trades-*.csv",
              "--schema=" + in + "/trades.avsc",
              "--lake=" + lake,
              "--runId=" + id),
          2,
          "sediment validate: --runId=" + id + NAME_RULE);
    }
    assertOneLine(
        Sediment.run(work, ingestTable(in, lake, "--config=" + config)),
        2,
        "sediment ingest-table: --dataset=a\\u0000b" + NAME_RULE);
    assertOneLine(
        Sediment.run(
            work,
            "compact",
            "--spool=" + in,
            "--target=" + lake,
            "--mode=single",
            "--date=20260203",
            "--partition=a=1/../../b=2"),
        2,
        "sediment compact: --partition=a=1/../../b=2 is not a partition path: it has a '..'"
            + " segment; write KEY=VALUE/KEY=VALUE, e.g. exchange=binance/symbol=btcusdt\n");

    assertThat(filesUnderRoot(), equalTo(before));
  }

  // ------------------------------------------------------------------ partition values

  @Test
  public void partitionValuesThatLookLikePaths_areWrittenEscapedInsideTheDataset() throws Exception {
    Path work = work();
    Path in = Files.createDirectories(work.resolve("in"));
    Path lake = work.resolve("lake");
    Files.writeString(
        in.resolve("t.avsc"),
        "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
            + "{\"name\":\"p\",\"type\":\"string\"},{\"name\":\"v\",\"type\":\"long\"}]}");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (String p : new String[] {"..", ".", "a/b", "x\\u0000y", "../../../escape", "a\\\\..\\\\b"}) {
      lines.writeBytes(("{\"p\":\"" + p + "\",\"v\":1}\n").getBytes(StandardCharsets.UTF_8));
    }
    // Invalid UTF-8 in a value: quarantined as ENCODING, the others go on.
    lines.writeBytes("{\"p\":\"bad".getBytes(StandardCharsets.UTF_8));
    lines.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    lines.writeBytes("\",\"v\":1}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(in.resolve("t.jsonl"), lines.toByteArray());

    Sediment.Result r =
        Sediment.run(
            work,
            "ingest-table",
            "--input=" + in + "/t.jsonl",
            "--format=jsonl",
            "--schema=" + in + "/t.avsc",
            "--dataset=hostile",
            "--partitionBy=p",
            "--lake=" + lake);
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(
        r.toString(),
        r.stdout,
        containsString("ingest-table hostile: 7 records in, 6 written, 1 quarantined, from 1 files"));

    TreeSet<String> dirs = new TreeSet<>();
    Path processed = lake.resolve("processed/hostile");
    try (Stream<Path> s = Files.walk(processed)) {
      s.filter(f -> f.toString().endsWith(".parquet"))
          .forEach(f -> dirs.add(processed.relativize(f.getParent()).toString()));
    }
    assertThat(
        dirs,
        equalTo(
            new TreeSet<>(
                List.of("p=..", "p=.", "p=a%2Fb", "p=x%00y", "p=..%2F..%2F..%2Fescape", "p=a%5C..%5Cb"))));
    for (String f : filesUnderRoot()) {
      assertThat(f, f.startsWith("w1/w2/w3/in/") || f.startsWith("w1/w2/w3/lake/"), equalTo(true));
    }
    List<JsonNode> quarantine = new ArrayList<>();
    try (Stream<Path> s = Files.list(lake.resolve("quarantine/hostile"))) {
      for (Path f : (Iterable<Path>) s.sorted()::iterator) {
        for (String line : Files.readAllLines(f)) {
          quarantine.add(MAPPER.readTree(line));
        }
      }
    }
    assertThat(quarantine.size(), equalTo(1));
    assertThat(quarantine.get(0).get("error_type").asText(), equalTo("ENCODING"));
    assertThat(quarantine.get(0).get("line").asLong(), equalTo(7L));
  }

  // ------------------------------------------------------------------ YAML bomb

  @Test
  public void yamlBomb_inARulesFile_isOneLineExit1() throws Exception {
    Path work = work();
    Path in = Fixtures.copyTo(work.resolve("in"));
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    String prev = "a";
    for (char c = 'b'; c <= 'i'; c++) {
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      bomb.append("]\n");
      prev = String.valueOf(c);
    }
    bomb.append("columns:\n  symbol:\n    - {rule: not_null}\n");
    Path rules = work.resolve("bomb.yaml");
    Files.writeString(rules, bomb.toString());

    Sediment.Result r =
        Sediment.run(
            work,
            "validate",
            "--rules=" + rules,
            "--input=" + in + "/trades-*.csv",
            "--schema=" + in + "/trades.avsc",
            "--lake=" + work.resolve("lake"),
            "--runId=bomb");
    assertThat(r.toString(), r.exitCode, equalTo(1));
    assertThat(r.toString(), r.stderr.lines().count(), equalTo(1L));
    assertThat(r.toString(), r.stderr, containsString("sediment validate: " + rules));
    assertThat(r.toString(), r.stderr, containsString("aliases"));
    assertThat(Files.exists(work.resolve("lake")), equalTo(false));
  }

  // ------------------------------------------------------------------ lying seismic headers

  private static byte[] testdata(String path) throws IOException {
    return Files.readAllBytes(SeismicFixtures.testdata().resolve(path));
  }

  @Test
  public void lyingSeismicHeaders_areTypedBadRecords_inASmallHeap() throws Exception {
    Path work = work();
    Path in = Files.createDirectories(work.resolve("in"));
    // SAC: NPTS (word 79, little-endian here) says 2^31-1 samples in a 1,032-byte file.
    byte[] sac = testdata("sac/obspy/test.sac");
    ByteBuffer.wrap(sac).order(ByteOrder.LITTLE_ENDIAN).putInt(316, Integer.MAX_VALUE);
    Files.write(in.resolve("npts.sac"), sac);
    // SEG-Y: the binary header's samples per trace (3220) says 65,535.
    byte[] segy = testdata("segy/segyio/small.sgy");
    ByteBuffer.wrap(segy).order(ByteOrder.BIG_ENDIAN).putShort(3220, (short) 0xFFFF);
    Files.write(in.resolve("samples.sgy"), segy);
    // miniSEED 2: the first record's sample count (offset 30) says 65,535.
    byte[] mseed = testdata("mseed2/obspy/gaps.mseed");
    ByteBuffer.wrap(mseed).order(ByteOrder.BIG_ENDIAN).putShort(30, (short) 0xFFFF);
    Files.write(in.resolve("count.mseed"), mseed);

    Path lake = work.resolve("lake");
    Sediment.Result r;
    try (Sediment.Running run =
        Sediment.start(
            work,
            Map.of(),
            List.of("-Xmx160m"),
            "ingest",
            "--input=" + in + "/*",
            "--dataset=liars",
            "--lake=" + lake)) {
      r = run.await(5, TimeUnit.MINUTES);
    }
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.toString(), r.stdout + r.stderr, not(containsString("OutOfMemoryError")));
    Map<String, String> types = new TreeMap<>();
    try (Stream<Path> s = Files.list(lake.resolve("quarantine/liars"))) {
      for (Path f : (Iterable<Path>) s.sorted()::iterator) {
        for (String line : Files.readAllLines(f)) {
          JsonNode j = MAPPER.readTree(line);
          String src = j.get("source").asText();
          types.merge(
              src.substring(src.lastIndexOf('/') + 1) + "@" + j.get("offset").asLong(),
              j.get("error_type").asText(),
              (a, b) -> a + "," + b);
        }
      }
    }
    assertThat(
        r.toString(),
        r.stdout,
        containsString(
            "ingest liars: 3 files (3 copied raw), 130 traces or records in, 127 written,"
                + " 3 quarantined\n"));
    // Each lie is one typed bad record at the byte where the file stops keeping it; the other
    // 127 records of gaps.mseed are written. TRUNCATED: the samples the header announces would
    // run past the end of the file.
    Map<String, String> expected = new TreeMap<>();
    expected.put("count.mseed@0", "BAD_HEADER");
    expected.put("npts.sac@632", "TRUNCATED");
    expected.put("samples.sgy@3840", "TRUNCATED");
    assertThat(r.toString(), types, equalTo(expected));
  }
}
