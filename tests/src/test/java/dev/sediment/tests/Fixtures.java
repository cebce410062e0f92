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

  private Fixtures() {}
}
