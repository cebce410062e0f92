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

  private Fixtures() {}
}
