package dev.sediment.pipelines.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.pipelines.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code bin/sediment ingest-table} in-process: input formats and column types end to end. */
public class IngestTableTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** 2026-02-03T14:30:00.123456789Z in nanoseconds since the epoch. */
  private static final long TS_NANOS = 1_770_129_000_123_456_789L;

  private static final String NANOS_SCHEMA =
      "{\"type\":\"record\",\"name\":\"Tick\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}}]}";

  private String out;
  private String err;
  private Path in;
  private Path lake;

  @Before
  public void setUp() throws Exception {
    in = tmp.newFolder("in").toPath();
    lake = tmp.getRoot().toPath().resolve("lake");
  }

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out;
    err = r.err;
    return r.code;
  }

  /** Ingests {@code in/*.FORMAT} with {@link #NANOS_SCHEMA} as dataset {@code ticks}. */
  private int ingestTicks(String format) throws Exception {
    Path schema = tmp.getRoot().toPath().resolve("ticks.avsc");
    Files.writeString(schema, NANOS_SCHEMA);
    return run(
        "ingest-table",
        "--input=" + in + "/*." + format,
        "--format=" + format,
        "--schema=" + schema,
        "--dataset=ticks",
        "--lake=" + lake);
  }

  @Test
  public void ingestTable_partitionColumnNamedTwice_exit2_oneLine_nothingWritten() throws Exception {
    Files.writeString(in.resolve("ticks.csv"), "id,ts\n1,2026-02-03T14:30:00Z\n");
    Path schema = tmp.getRoot().toPath().resolve("ticks.avsc");
    Files.writeString(schema, NANOS_SCHEMA);
    int code =
        run(
            "ingest-table",
            "--input=" + in + "/*.csv",
            "--schema=" + schema,
            "--dataset=ticks",
            "--partitionBy=id,id",
            "--lake=" + lake);
    assertThat(err, code, equalTo(2));
    assertThat(
        err,
        equalTo(
            "sediment ingest-table: partition column 'id' is named twice; name each column once\n"
                + "Run 'bin/sediment ingest-table --help' for its options.\n"));
    assertThat(Files.exists(lake), equalTo(false));
  }

  @Test
  public void ingestTable_timestampNanosCsv_keepsEveryNanosecond_asParquetTimestampNanos()
      throws Exception {
    Files.writeString(
        in.resolve("ticks.csv"),
        "id,ts\n"
            + "1,2026-02-03T14:30:00.123456789Z\n"
            + "2,1770129000123456789\n"
            + "3,2026-02-03T15:30:00.123456789+01:00\n"
            + "4,2026-02-03T14:30:00.1234567891Z\n"
            + "5,2026-02-03\n");

    assertThat(err, ingestTicks("csv"), equalTo(0));
    assertThat(
        out,
        containsString("ingest-table ticks: 5 records in, 3 written, 2 quarantined, from 1 files"));
    assertThat(
        values(lake.resolve("processed/ticks"), "ts"),
        equalTo(Map.of("1", TS_NANOS, "2", TS_NANOS, "3", TS_NANOS)));
    assertThat(
        columnType(lake.resolve("processed/ticks"), "ts"),
        equalTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.NANOS)));
    List<String> quarantined = quarantineLines(lake.resolve("quarantine/ticks"));
    assertThat(quarantined.toString(), quarantined.size(), equalTo(2));
    assertThat(
        quarantined.stream().filter(l -> l.contains("\"TYPE_MISMATCH\"")).count(), equalTo(2L));
  }

  @Test
  public void ingestTable_timestampNanosJsonl_takesIsoStringsAndIntegers() throws Exception {
    Files.writeString(
        in.resolve("ticks.jsonl"),
        "{\"id\": 1, \"ts\": \"2026-02-03T14:30:00.123456789Z\"}\n"
            + "{\"id\": 2, \"ts\": 1770129000123456789}\n");

    assertThat(err, ingestTicks("jsonl"), equalTo(0));
    assertThat(
        out,
        containsString("ingest-table ticks: 2 records in, 2 written, 0 quarantined, from 1 files"));
    assertThat(
        values(lake.resolve("processed/ticks"), "ts"),
        equalTo(Map.of("1", TS_NANOS, "2", TS_NANOS)));
  }

  @Test
  public void validate_timestampNanosParquet_comparesRulesToTheNanosecond() throws Exception {
    Files.writeString(
        in.resolve("ticks.jsonl"),
        "{\"id\": 1, \"ts\": \"2026-02-03T14:30:00.123456789Z\"}\n"
            + "{\"id\": 2, \"ts\": 1770129000123456790}\n");
    assertThat(err, ingestTicks("jsonl"), equalTo(0));
    Path rules = tmp.getRoot().toPath().resolve("ticks.yaml");
    Files.writeString(
        rules,
        "columns:\n  ts:\n"
            + "    - {rule: min, value: \"2026-02-03T14:30:00.123456789Z\"}\n"
            + "    - {rule: max, value: \"2026-02-03T14:30:00.123456790Z\", exclusive: true,"
            + " severity: warn}\n");

    int code =
        run(
            "validate",
            "--rules=" + rules,
            "--input=" + lake.resolve("processed/ticks") + "/*.parquet",
            "--format=parquet",
            "--dataset=checked",
            "--lake=" + lake);

    assertThat(err, code, equalTo(0));
    assertThat(
        out,
        containsString(
            "validate checked: validated against " + rules + ": 2 records in, 2 valid,"
                + " 0 quarantined (0 unparsed, 0 breaking error rules), 1 passed with warnings"));
  }

  @Test
  public void ingestTable_parquetInput_writesEveryRow() throws Exception {
    org.apache.avro.Schema avro =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Trade\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"symbol\",\"type\":\"string\"},"
                    + "{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null}]}");
    for (String name : new String[] {"a", "b"}) {
      try (ParquetWriter<GenericRecord> w =
          AvroParquetWriter.<GenericRecord>builder(
                  LocalParquetFile.of(in.resolve(name + ".parquet")))
              .withConf(new Configuration(false))
              .withSchema(avro)
              .build()) {
        for (int i = 0; i < 5; i++) {
          GenericData.Record r = new GenericData.Record(avro);
          long id = name.equals("a") ? i : 10 + i;
          r.put("id", id);
          r.put("symbol", "S" + id);
          r.put("price", i == 4 ? null : 0.25 * id);
          w.write(r);
        }
      }
    }
    Path schema = tmp.getRoot().toPath().resolve("trades.avsc");
    Files.writeString(schema, avro.toString());

    int code =
        run(
            "ingest-table",
            "--input=" + in + "/*.parquet",
            "--format=parquet",
            "--schema=" + schema,
            "--dataset=trades",
            "--lake=" + lake);

    assertThat(err, code, equalTo(0));
    assertThat(
        out,
        containsString(
            "ingest-table trades: 10 records in, 10 written, 0 quarantined, from 2 files"));
    Map<String, Object> prices = values(lake.resolve("processed/trades"), "price");
    assertThat(prices.size(), equalTo(10));
    assertThat(prices.get("12"), equalTo(3.0));
    assertThat(prices.get("14"), equalTo(null));
  }

  @Test
  public void ingestTable_badFormat_namesEveryFormat_exit2() {
    assertThat(
        run(
            "ingest-table",
            "--input=" + in + "/*.csv",
            "--format=xml",
            "--schema=x.avsc",
            "--dataset=x"),
        equalTo(2));
    assertThat(
        err.substring(0, err.indexOf('\n') + 1),
        equalTo("sediment ingest-table: --format=xml is not known; use csv, jsonl or parquet\n"));
  }

  @Test
  public void ingestTable_help_namesEveryFormat() {
    assertThat(run("ingest-table", "--help"), equalTo(0));
    assertThat(out, containsString("[--format=csv|jsonl|parquet]"));
    assertThat(
        out,
        containsString(
            "Input format: csv (with a header line), jsonl (one JSON object per line)"
                + " or parquet."));
  }

  /**
   * Writes 3 CSV files of {@code rows} trades each with ids from {@code firstId}, over 3 dates;
   * every 97th line has a price that is not a number.
   */
  private void writeTrades(Path dir, long firstId, int rows) throws Exception {
    Files.createDirectories(dir);
    for (int f = 0; f < 3; f++) {
      StringBuilder sb = new StringBuilder("id,date,price\n");
      for (int i = 0; i < rows; i++) {
        long id = firstId + (long) f * rows + i;
        sb.append(id).append(",2026-02-0").append(3 + id % 3).append(',')
            .append(id % 97 == 5 ? "n/a" : String.valueOf(id * 0.5)).append('\n');
      }
      Files.writeString(dir.resolve("t-" + f + ".csv"), sb.toString());
    }
  }

  private static final String TRADES_SCHEMA =
      "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"date\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
          + "{\"name\":\"price\",\"type\":\"double\"}]}";

  private int ingestTrades(Path input) throws Exception {
    Path schema = tmp.getRoot().toPath().resolve("t.avsc");
    Files.writeString(schema, TRADES_SCHEMA);
    return run(
        "ingest-table",
        "--input=" + input + "/*.csv",
        "--schema=" + schema,
        "--dataset=trades",
        "--partitionBy=date",
        "--lake=" + lake);
  }

  /** Every file below {@code dir}: Parquet by its bytes, quarantine lines without detected_at. */
  private static Map<String, String> outputFiles(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String content =
            f.toString().endsWith(".jsonl")
                ? Files.readString(f).replaceAll(",\"detected_at\":\"[^\"]*\"", "")
                : java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        out.put(dir.relativize(f).toString(), content);
      }
    }
    return out;
  }

  @Test
  public void ingestTable_fiveIdenticalRuns_sameFilesAndBytes_thenOtherInputLeavesOnlyItsRows()
      throws Exception {
    Path first = tmp.newFolder("first").toPath();
    writeTrades(first, 1, 400);
    Map<String, String> firstFiles = null;
    for (int run = 0; run < 5; run++) {
      assertThat(err, ingestTrades(first), equalTo(0));
      assertThat(
          out,
          containsString("ingest-table trades: 1,200 records in, 1,187 written, 13 quarantined, from 3 files"));
      Map<String, String> files = outputFiles(lake);
      if (firstFiles == null) {
        firstFiles = files;
        assertThat(
            new ArrayList<>(files.keySet()),
            equalTo(
                List.of(
                    "processed/trades/_SUCCESS",
                    "processed/trades/date=2026-02-03/part-00000-of-00001.parquet",
                    "processed/trades/date=2026-02-04/part-00000-of-00001.parquet",
                    "processed/trades/date=2026-02-05/part-00000-of-00001.parquet",
                    "quarantine/trades/_SUCCESS",
                    "quarantine/trades/records-00000-of-00001.jsonl")));
      }
      assertThat("run " + (run + 1), files, equalTo(firstFiles));
    }

    // Other input, one date only: the rerun replaces the dataset, old rows and files are gone.
    Path second = tmp.newFolder("second").toPath();
    Files.writeString(second.resolve("t.csv"), "id,date,price\n9001,2026-02-07,1.5\n9002,2026-02-07,2.5\n");
    assertThat(err, ingestTrades(second), equalTo(0));
    assertThat(
        out, containsString("ingest-table trades: 2 records in, 2 written, 0 quarantined, from 1 files"));
    assertThat(
        new ArrayList<>(outputFiles(lake).keySet()),
        equalTo(
            List.of(
                "processed/trades/_SUCCESS",
                "processed/trades/date=2026-02-07/part-00000-of-00001.parquet",
                "quarantine/trades/_SUCCESS")));
    assertThat(values(lake.resolve("processed/trades"), "price"), equalTo(Map.of("9001", 1.5, "9002", 2.5)));
  }

  @Test
  public void ingestTable_partitionValueTooLong_quarantined_runFinishes_countsAddUp() throws Exception {
    Files.writeString(
        in.resolve("v.csv"),
        "id,venue\n1,xnas\n2," + "v".repeat(300) + "\n3,\n4,a/b\n");
    Path schema = tmp.getRoot().toPath().resolve("v.avsc");
    Files.writeString(
        schema,
        "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"]}]}");
    int code =
        run(
            "ingest-table",
            "--input=" + in + "/*.csv",
            "--schema=" + schema,
            "--dataset=venues",
            "--partitionBy=venue",
            "--lake=" + lake);
    assertThat(err, code, equalTo(0));
    assertThat(out, containsString("ingest-table venues: 4 records in, 3 written, 1 quarantined, from 1 files"));
    List<String> quarantined = quarantineLines(lake.resolve("quarantine/venues"));
    assertThat(quarantined.size(), equalTo(1));
    assertThat(quarantined.get(0), containsString("\"error_type\":\"PARTITION_VALUE_TOO_LONG\""));
    assertThat(
        quarantined.get(0),
        containsString("partition column 'venue': the directory name 'venue=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv...' is 306 bytes"));
    assertThat(
        values(lake.resolve("processed/venues"), "venue").keySet(), equalTo(java.util.Set.of("1", "3", "4")));
    assertThat(Files.isDirectory(lake.resolve("processed/venues/venue=a%2Fb")), equalTo(true));
    assertThat(Files.exists(lake.resolve("_staging")), equalTo(false));
  }

  /** Column {@code column} of every row under {@code dir}, by the row's {@code id}. */
  private static Map<String, Object> values(Path dir, String column) throws Exception {
    Map<String, Object> byId = new TreeMap<>();
    for (Path f : parquetFiles(dir)) {
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(LocalParquetFile.of(f))
              .withConf(new Configuration(false))
              .build()) {
        for (GenericRecord g = r.read(); g != null; g = r.read()) {
          byId.put(g.get("id").toString(), g.get(column));
        }
      }
    }
    return byId;
  }

  private static LogicalTypeAnnotation columnType(Path dir, String column) throws Exception {
    Path first = parquetFiles(dir).get(0);
    try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(first))) {
      return r.getFileMetaData().getSchema().getType(column).getLogicalTypeAnnotation();
    }
  }

  private static List<Path> parquetFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".parquet")).sorted().collect(Collectors.toList());
    }
  }

  private static List<String> quarantineLines(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).collect(Collectors.toList())) {
        for (String l : Files.readAllLines(f)) {
          if (!l.isBlank()) {
            lines.add(l);
          }
        }
      }
    }
    return lines;
  }
}
