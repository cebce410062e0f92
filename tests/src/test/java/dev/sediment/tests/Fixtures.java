package dev.sediment.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The shared ingest fixtures: 10 trade records in two CSV files, 6 good and 4 bad. */
final class Fixtures {
  static final List<String> FILES = List.of("trades.avsc", "trades-a.csv", "trades-b.csv");

  static Path source() {
    return Sediment.home().resolve("tests/src/test/resources/ingest");
  }

  /** Copies the fixtures into {@code dir} and returns it. */
  static Path copyTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : FILES) {
      Files.copy(source().resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  /** {@code ingest-table} of the fixtures in {@code in} into {@code lake}, plus {@code extra}. */
  static String[] ingestArgs(Path in, Path lake, String... extra) {
    List<String> args = new java.util.ArrayList<>();
    args.add("ingest-table");
    args.addAll(List.of(extra));
    args.add("--input=" + in + "/trades-*.csv");
    args.add("--schema=" + in + "/trades.avsc");
    args.add("--dataset=trades");
    args.add("--partitionBy=date");
    args.add("--lake=" + lake);
    return args.toArray(new String[0]);
  }

  /** The run succeeded and counted the fixtures exactly: 10 in, 6 written, 4 quarantined. */
  static void assertIngested(Sediment.Result r) {
    org.hamcrest.MatcherAssert.assertThat(r.toString(), r.exitCode, org.hamcrest.Matchers.equalTo(0));
    org.hamcrest.MatcherAssert.assertThat(
        r.stdout,
        org.hamcrest.Matchers.containsString("10 records in, 6 written, 4 quarantined, from 2 files"));
  }

  /** Both lakes hold the fixtures' 6 rows and 4 quarantine records, identically. */
  static LakeContents assertSameDataset(Path expectedLake, Path actualLake) throws IOException {
    LakeContents a = LakeContents.read(expectedLake, "trades");
    LakeContents b = LakeContents.read(actualLake, "trades");
    org.hamcrest.MatcherAssert.assertThat(a.rows, org.hamcrest.Matchers.hasSize(6));
    org.hamcrest.MatcherAssert.assertThat(a.quarantine, org.hamcrest.Matchers.hasSize(4));
    org.hamcrest.MatcherAssert.assertThat(b.rows, org.hamcrest.Matchers.equalTo(a.rows));
    org.hamcrest.MatcherAssert.assertThat(b.quarantine, org.hamcrest.Matchers.equalTo(a.quarantine));
    return a;
  }

  private Fixtures() {}
}
