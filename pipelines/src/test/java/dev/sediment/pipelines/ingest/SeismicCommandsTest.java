package dev.sediment.pipelines.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.pipelines.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code inspect} and {@code ingest} in-process, over real files of ../shared/testdata. */
public class SeismicCommandsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Path TESTDATA = findTestData();

  private String out;
  private String err;
  private Path in;

  private static Path findTestData() {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("shared/testdata/MANIFEST.tsv"))) {
        return d.resolve("shared/testdata");
      }
    }
    throw new IllegalStateException("../shared/testdata not found");
  }

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out;
    err = r.err;
    return r.code;
  }

  /**
   * Input: small.sgy (25 traces, no station or time), gaps.mseed (128 records over midnight
   * 2007-12-31/2008-01-01), seism.sac (1, station CDV), a SEG-2 file (3 traces, UTC acquisition
   * time, no station), a miniSEED 3 file (12 records), small.sgy cut inside its last trace (24
   * good traces + 1 bad) and 5,000 random bytes.
   */
  @Before
  public void setUp() throws Exception {
    in = tmp.newFolder("in").toPath();
    Files.createDirectories(in.resolve("sub"));
    for (String f :
        List.of(
            "segy/segyio/small.sgy",
            "mseed2/obspy/gaps.mseed",
            "sac/obspy/seism.sac",
            "seg2/obspy/20130107_103041000.CET.3c.cont.0.seg2",
            "mseed3/libmseed/reference-testdata-nsec.mseed3")) {
      Path src = TESTDATA.resolve(f);
      Files.copy(src, (f.startsWith("mseed3") ? in.resolve("sub") : in).resolve(src.getFileName()));
    }
    byte[] small = Files.readAllBytes(TESTDATA.resolve("segy/segyio/small.sgy"));
    Files.write(in.resolve("cut.sgy"), Arrays.copyOf(small, 3600 + 24 * 440 + 300));
    byte[] garbage = new byte[5000];
    new Random(7).nextBytes(garbage);
    Files.write(in.resolve("garbage.bin"), garbage);
  }

  @Test
  public void inspect_json_oneObjectPerFile_andOneLinePerUnreadableFile_exit1() throws Exception {
    int code =
        run(
            "inspect",
            "--json",
            in.resolve("gaps.mseed").toString(),
            in.resolve("garbage.bin").toString(),
            in.resolve("small.sgy").toString());
    assertThat(err, code, equalTo(1));
    String[] lines = out.strip().split("\n");
    assertThat(out, lines.length, equalTo(2));
    JsonNode gaps = new ObjectMapper().readTree(lines[0]);
    assertThat(gaps.get("format").asText(), equalTo("miniSEED2"));
    assertThat(gaps.get("traces").asLong(), equalTo(4L));
    assertThat(gaps.get("samples").asLong(), equalTo(52_728L));
    assertThat(gaps.get("sample_rate_hz").asDouble(), equalTo(200.0));
    assertThat(gaps.get("start_time").asText(), equalTo("2007-12-31T23:59:59.915Z"));
    assertThat(gaps.get("min").asDouble(), equalTo(-608.0));
    assertThat(gaps.get("max").asDouble(), equalTo(-129.0));
    assertThat(gaps.get("sum").asDouble(), equalTo(-20_781_450.0));
    JsonNode small = new ObjectMapper().readTree(lines[1]);
    assertThat(small.get("format").asText(), equalTo("SEG-Y"));
    assertThat(small.get("traces").asLong(), equalTo(25L));
    assertThat(small.get("start_time").isNull(), equalTo(true));
    assertThat(
        err.strip(),
        equalTo(
            "inspect: "
                + in.resolve("garbage.bin")
                + " at byte 0: BAD_MAGIC: not a SEG-Y, SEG-2, miniSEED or SAC file (no known header"
                + " in the first 5000 bytes)"));
  }

  @Test
  public void inspect_noFile_usageExit2() {
    assertThat(run("inspect"), equalTo(2));
    assertThat(err, containsString("name at least one file"));
  }

  @Test
  public void ingest_testdataAndDamagedFiles_everyRecordWrittenOrQuarantined() throws Exception {
    Path lake = tmp.getRoot().toPath().resolve("lake");
    int code = run("ingest", "--input=" + in + "/**", "--dataset=quakes", "--lake=" + lake);
    assertThat(out + err, code, equalTo(0));
    // 25 + 128 + 1 + 3 + 12 + 24 traces or records; cut.sgy's last trace and garbage.bin are bad.
    assertThat(
        out,
        containsString(
            "ingest quakes: 7 files (7 copied raw), 195 traces or records in, 193 written, 2"
                + " quarantined"));

    // Raw copies are byte for byte the inputs, below the glob's directory.
    try (Stream<Path> s = Files.walk(in)) {
      for (Path f : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        Path raw = lake.resolve("raw/quakes").resolve(in.relativize(f).toString());
        assertThat(raw.toString(), Files.readAllBytes(raw), equalTo(Files.readAllBytes(f)));
      }
    }

    // Traces by partition: station (NET.STA) and UTC date of the first sample.
    Map<String, Integer> rows = new TreeMap<>();
    Map<String, Long> samples = new TreeMap<>();
    Path processed = lake.resolve("processed/quakes");
    try (Stream<Path> s = Files.walk(processed)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toList())) {
        String partition = processed.relativize(f.getParent()).toString();
        for (GenericRecord r : read(f)) {
          rows.merge(partition, 1, Integer::sum);
          samples.merge(r.get("format").toString(), (long) (Integer) r.get("sample_count"), Long::sum);
        }
      }
    }
    assertThat(
        rows,
        equalTo(
            Map.of(
                "station=BW.BGLD/date=20071231", 1,
                "station=BW.BGLD/date=20080101", 127,
                "station=unknown/date=unknown", 49,
                "station=unknown/date=20130107", 3,
                "station=XX.TEST/date=20120512", 12,
                "station=CDV/date=19810329", 1)));
    assertThat(
        samples,
        equalTo(Map.of("miniSEED2", 52_728L, "miniSEED3", 500L, "SAC", 1_000L, "SEG-Y", 2_450L, "SEG-2", 6_000L)));

    List<String> quarantine = new ArrayList<>();
    try (Stream<Path> s = Files.list(lake.resolve("quarantine/quakes"))) {
      for (Path f : s.collect(Collectors.toList())) {
        for (String line : Files.readAllLines(f)) {
          JsonNode j = new ObjectMapper().readTree(line);
          quarantine.add(
              Paths.get(j.get("source").asText()).getFileName()
                  + " "
                  + j.get("error_type").asText()
                  + "@"
                  + j.get("offset").asLong());
        }
      }
    }
    quarantine.sort(null);
    assertThat(
        quarantine,
        equalTo(List.of("cut.sgy TRUNCATED@" + (3600 + 24 * 440 + 240), "garbage.bin BAD_MAGIC@0")));
  }

  @Test
  public void ingest_badFormatName_usageExit2() {
    assertThat(run("ingest", "--input=" + in + "/*", "--dataset=x", "--seismicFormat=segy2"), equalTo(2));
    assertThat(err, startsWith("sediment ingest: --seismicFormat=segy2: unknown seismic format"));
  }

  private static List<GenericRecord> read(Path parquet) throws Exception {
    List<GenericRecord> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(parquet.toUri()), new Configuration()))
            .build()) {
      for (GenericRecord g; (g = r.read()) != null; ) {
        out.add(g);
      }
    }
    return out;
  }
}
