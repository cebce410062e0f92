package dev.sediment.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Option values that become names or paths in the lake: the shared check, and every command
 * refusing a bad one with exit 2 and one line, before writing anything.
 */
public class NamesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String NAME_RULE =
      " is not a valid name; use letters, digits, '.', '_' and '-', starting with a letter or"
          + " digit (at most 255)";

  private Path work;
  private Path lake;

  @Before
  public void setUp() throws Exception {
    // The lake is two levels down, so that a '../../x' from inside it stays inside tmp.
    work = tmp.newFolder("a", "b").toPath();
    lake = work.resolve("lake");
  }

  @Test
  public void isValid_acceptsNames() {
    for (String ok : new String[] {"trades", "run1", "2026-02-03", "a.b_c-d", "A", "x..y", "a."}) {
      assertThat(ok, Names.isValid(ok), equalTo(true));
      assertThat(Names.check("--dataset", ok), equalTo(ok));
    }
    assertThat(Names.isValid("a".repeat(255)), equalTo(true));
  }

  @Test
  public void isValid_refusesPathsAndOddNames() {
    for (String bad :
        new String[] {
          ".", "..", "../x", "a/b", "/abs", "a\\b", "a\0b", "", " ", "a b", ".hidden", "-x", "_x",
          "a\nb", "é", "a".repeat(256), "../../../../x"
        }) {
      assertThat(bad, Names.isValid(bad), equalTo(false));
    }
    assertThat(Names.isValid(null), equalTo(false));
  }

  @Test
  public void check_messageIsOneLineNamingOptionAndValue() {
    Names.InvalidNameException e =
        assertThrows(Names.InvalidNameException.class, () -> Names.check("--runId", "a\nb/../c"));
    assertThat(e.getMessage(), equalTo("--runId=a\\u000ab/../c" + NAME_RULE));
  }

  @Test
  public void checkPartitionPath_acceptsKeyValueLevels() {
    for (String ok :
        new String[] {
          "", "/", "exchange=binance", "exchange=binance/stream=bbo/", "/a=1/b=2", "k=", "k=..",
          "k=a%2Fb", "date=2026-02-03"
        }) {
      assertThat(ok, Names.checkPartitionPath("--partition", ok), equalTo(ok));
    }
  }

  @Test
  public void checkPartitionPath_refusesTraversalAndNonKeyValueLevels() {
    String[][] cases = {
      {"../x=1", "it has a '..' segment"},
      {"a=1/../../b=2", "it has a '..' segment"},
      {"a=1/./b=2", "it has a '.' segment"},
      {"a=1//b=2", "it has an empty segment ('//' or a trailing '/')"},
      {"a=1\0", "it holds a NUL character"},
      {"a=1\\..\\..", "it holds a backslash"},
      {"binance", "level 'binance' is not KEY=VALUE"},
      {"a=1/b", "level 'b' is not KEY=VALUE"},
      {"=1", "level '=1' is not KEY=VALUE"},
    };
    for (String[] c : cases) {
      Names.InvalidNameException e =
          assertThrows(
              c[0],
              Names.InvalidNameException.class,
              () -> Names.checkPartitionPath("--partition", c[0]));
      assertThat(
          c[0],
          e.getMessage(),
          equalTo(
              "--partition="
                  + c[0].replace("\0", "\\u0000")
                  + " is not a partition path: "
                  + c[1]
                  + "; write KEY=VALUE/KEY=VALUE, e.g. exchange=binance/symbol=btcusdt"));
    }
  }

  /** Runs the CLI; asserts exit 2, exactly one stderr line, and that nothing was written. */
  private void refusedWithOneLine(String expectedLine, String... args) throws Exception {
    List<String> before = listing(tmp.getRoot().toPath());
    CliRun r = CliRun.of(args);
    assertThat(r.err, r.code, equalTo(2));
    assertThat(r.err, equalTo(expectedLine + System.lineSeparator()));
    assertThat(listing(tmp.getRoot().toPath()), equalTo(before));
  }

  private static List<String> listing(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(Path::toString).sorted().collect(Collectors.toList());
    }
  }

  private Path rules(String name) throws Exception {
    Path r = work.resolve(name);
    Files.writeString(r, "columns:\n  a:\n    - {rule: not_null}\n");
    return r;
  }

  private Path csv() throws Exception {
    Path c = work.resolve("in.csv");
    Files.writeString(c, "a\n1\n");
    return c;
  }

  @Test
  public void validate_runIdWithDotDot_exit2OneLine_nothingWritten() throws Exception {
    for (String id : new String[] {"../../../../x", "..", ".", "a/b", "a\0b"}) {
      refusedWithOneLine(
          "sediment validate: --runId=" + id.replace("\0", "\\u0000") + NAME_RULE,
          "validate",
          "--rules=" + rules("r.yaml"),
          "--input=" + csv(),
          "--format=csv",
          "--lake=" + lake,
          "--runId=" + id);
    }
  }

  @Test
  public void validate_datasetWithSlash_exit2OneLine() throws Exception {
    refusedWithOneLine(
        "sediment validate: --dataset=../x" + NAME_RULE,
        "validate",
        "--rules=" + rules("r.yaml"),
        "--input=" + csv(),
        "--lake=" + lake,
        "--dataset=../x");
  }

  @Test
  public void validate_datasetFromAnOddRulesFileName_exit2OneLine() throws Exception {
    refusedWithOneLine(
        "sediment validate: --dataset=my rules" + NAME_RULE,
        "validate",
        "--rules=" + rules("my rules.yaml"),
        "--input=" + csv(),
        "--lake=" + lake);
  }

  @Test
  public void ingestTable_datasetWithDotDot_exit2OneLine() throws Exception {
    Path schema = work.resolve("s.avsc");
    Files.writeString(
        schema, "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}");
    for (String ds : new String[] {"..", "a/b", "../../x"}) {
      refusedWithOneLine(
          "sediment ingest-table: --dataset=" + ds + NAME_RULE,
          "ingest-table",
          "--input=" + csv(),
          "--schema=" + schema,
          "--lake=" + lake,
          "--dataset=" + ds);
    }
  }

  @Test
  public void ingest_datasetWithDotDot_exit2OneLine() throws Exception {
    refusedWithOneLine(
        "sediment ingest: --dataset=.." + NAME_RULE,
        "ingest",
        "--input=" + csv(),
        "--lake=" + lake,
        "--dataset=..");
  }

  @Test
  public void ingest_datasetWithNul_exit2OneLine() throws Exception {
    refusedWithOneLine(
        "sediment ingest: --dataset=a\\u0000" + NAME_RULE,
        "ingest",
        "--input=" + csv(),
        "--lake=" + lake,
        "--dataset=a\0");
  }

  @Test
  public void compact_partitionWithDotDot_exit2OneLine() throws Exception {
    Path spool = Files.createDirectories(work.resolve("spool"));
    refusedWithOneLine(
        "sediment compact: --partition=../../x=1 is not a partition path: it has a '..' segment;"
            + " write KEY=VALUE/KEY=VALUE, e.g. exchange=binance/symbol=btcusdt",
        "compact",
        "--spool=" + spool,
        "--target=" + work.resolve("target"),
        "--mode=single",
        "--date=20260203",
        "--partition=../../x=1");
  }
}
