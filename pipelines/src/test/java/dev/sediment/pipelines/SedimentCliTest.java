package dev.sediment.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The command line in-process: exit codes, one-line errors, help, --config, counts. */
public class SedimentCliTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Shared fixtures: 10 trade records in two files, 6 good and 4 bad. */
  private static final Path FIXTURES =
      Paths.get("..", "tests", "src", "test", "resources", "ingest").toAbsolutePath().normalize();

  private String out;
  private String err;
  private Path lake;

  @Before
  public void setUp() {
    lake = tmp.getRoot().toPath().resolve("lake");
  }

  private int run(String... args) {
    CliRun r = CliRun.of(args);
    out = r.out;
    err = r.err;
    return r.code;
  }

  private String[] ingest(String... extra) {
    String[] base = {
      "ingest-table",
      "--input=" + FIXTURES + "/trades-*.csv",
      "--schema=" + FIXTURES + "/trades.avsc",
      "--dataset=trades",
      "--partitionBy=date",
      "--lake=" + lake
    };
    // Beam rejects a scalar option given twice, so an extra option replaces the base one.
    java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
    for (String a : base) {
      byName.put(a.contains("=") ? a.substring(0, a.indexOf('=')) : a, a);
    }
    for (String a : extra) {
      byName.put(a.contains("=") ? a.substring(0, a.indexOf('=')) : a, a);
    }
    return byName.values().toArray(new String[0]);
  }

  /**
   * Beam keeps one registry of options per JVM: an option name shared by two commands must be
   * declared the same way in both, or the second command fails to start.
   */
  @Test
  public void everyCommandsOptions_registerTogetherInOneJvm() {
    for (Command<?> c : Sediment.COMMANDS) {
      org.apache.beam.sdk.options.PipelineOptionsFactory.register(c.optionsClass());
    }
    for (Command<?> c : Sediment.COMMANDS) {
      assertThat(
          c.name(),
          org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs().as(c.optionsClass()),
          not(equalTo(null)));
    }
  }

  @Test
  public void help_listsCommands() {
    assertThat(run("help"), equalTo(0));
    assertThat(out, containsString("ingest-table"));
    assertThat(out, containsString("demo"));
  }

  @Test
  public void noArguments_usageExit2() {
    assertThat(run(), equalTo(2));
    assertThat(err, containsString("Usage: bin/sediment COMMAND"));
  }

  @Test
  public void unknownCommand_exit2() {
    assertThat(run("ingest-tables"), equalTo(2));
    assertThat(err, containsString("unknown command 'ingest-tables'"));
  }

  @Test
  public void commandHelp_listsOwnOptions() {
    assertThat(run("ingest-table", "--help"), equalTo(0));
    assertThat(out, containsString("--input=VALUE"));
    assertThat(out, containsString("(required)"));
    assertThat(out, containsString("--partitionBy=VALUE"));
    assertThat(out, containsString("--config=FILE"));
  }

  @Test
  public void helpOfBeamInterface_printsItsOptions() {
    assertThat(run("ingest-table", "--help=S3Options"), equalTo(0));
    assertThat(out, containsString("--s3ClientFactoryClass"));
  }

  @Test
  public void unknownOption_exit2OneLine() {
    assertThat(run(ingest("--inptu=x")), equalTo(2));
    assertThat(err, containsString("sediment ingest-table: "));
    assertThat(err, containsString("inptu"));
    assertThat(err, not(containsString("\tat ")));
  }

  @Test
  public void missingRequiredOption_exit2() {
    assertThat(run("ingest-table", "--dataset=x", "--schema=y"), equalTo(2));
    assertThat(err, containsString("--input"));
  }

  @Test
  public void badFormat_exit2() {
    assertThat(run(ingest("--format=xml")), equalTo(2));
    assertThat(err, containsString("--format=xml is not known; use csv, jsonl or parquet"));
  }

  @Test
  public void badPartitionColumn_exit2() {
    assertThat(run(ingest("--partitionBy=day")), equalTo(2));
    assertThat(err, containsString("partition column 'day' is not in the schema"));
  }

  @Test
  public void missingSchemaFile_exit1() {
    assertThat(run(ingest("--schema=" + tmp.getRoot() + "/nope.avsc")), equalTo(1));
    assertThat(err, containsString("cannot read --schema="));
    assertThat(err, not(containsString("\tat ")));
  }

  @Test
  public void unreadableSchema_exit1() throws Exception {
    Path bad = tmp.newFile("bad.avsc").toPath();
    Files.writeString(bad, "{\"type\": \"record\", \"name\": \"T\", \"fields\": [");
    assertThat(run(ingest("--schema=" + bad)), equalTo(1));
    assertThat(err, containsString("is not a valid Avro schema"));
  }

  @Test
  public void missingInput_exit1() {
    assertThat(run(ingest("--input=" + tmp.getRoot() + "/none-*.csv")), equalTo(1));
    assertThat(err, containsString("no file matches --input="));
  }

  @Test
  public void ingest_countsAddUp_andOutputLands() throws Exception {
    assertThat(run(ingest()), equalTo(0));
    assertThat(out, containsString("ingest-table trades: reading 2 files on DirectRunner"));
    assertThat(out, containsString("ingest-table trades: 10 records in, 6 written, 4 quarantined, from 2 files"));
    assertThat(Files.isDirectory(lake.resolve("processed/trades/date=2026-02-03")), equalTo(true));
    assertThat(Files.isDirectory(lake.resolve("processed/trades/date=2026-02-04")), equalTo(true));
    long quarantineLines = 0;
    try (Stream<Path> files = Files.list(lake.resolve("quarantine/trades"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".jsonl"))::iterator) {
        quarantineLines += Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
      }
    }
    assertThat(quarantineLines, equalTo(4L));
  }

  @Test
  public void config_loadsOptions_commandLineWins() throws Exception {
    Path config = tmp.newFile("direct.properties").toPath();
    Files.writeString(
        config,
        "runner=DirectRunner\n"
            + "input=" + FIXTURES + "/trades-a.csv\n"
            + "schema=" + FIXTURES + "/trades.avsc\n"
            + "dataset=from-config\n"
            + "lake=" + lake + "\n");
    assertThat(run("ingest-table", "--config=" + config, "--dataset=from-cli"), equalTo(0));
    assertThat(out, containsString("ingest-table from-cli: 5 records in, 3 written, 2 quarantined"));
    assertThat(Files.exists(lake.resolve("processed/from-config")), equalTo(false));
  }

  @Test
  public void missingConfig_exit2() {
    assertThat(run(ingest("--config=" + tmp.getRoot() + "/none.properties")), equalTo(2));
    assertThat(err, containsString("cannot read --config="));
  }

  /** The DirectRunner's scheduler spins on a thread beyond the cores: one worker per core. */
  @Test
  public void directRunnerThreads_oneWorkerPerCore_atLeastTwo() {
    assertThat(Sediment.directRunnerThreads(1), equalTo(2));
    assertThat(Sediment.directRunnerThreads(2), equalTo(2));
    assertThat(Sediment.directRunnerThreads(16), equalTo(16));
  }
}
