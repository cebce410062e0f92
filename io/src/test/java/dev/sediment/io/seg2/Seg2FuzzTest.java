package dev.sediment.io.seg2;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Damaged SEG-2 files either read or fail with a typed error; never another exception or a hang. */
public class Seg2FuzzTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void randomDamageAndTruncation_readOrTypedError() throws IOException {
    Random rnd = new Random(7);
    Path f = tmp.newFile().toPath();
    for (TestData.Entry e : TestData.of("SEG-2")) {
      byte[] orig = Files.readAllBytes(e.file());
      for (int round = 0; round < 400; round++) {
        byte[] b = orig.clone();
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips; k++) {
          // Mostly the descriptor blocks, where lengths and pointers live.
          int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(b.length, 2400)) : rnd.nextInt(b.length);
          b[at] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(3) == 0) {
          b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
        }
        Files.write(f, b);
        try (Seg2Reader r = Seg2Reader.open(Files.newByteChannel(f), "fuzz")) {
          while (r.next() != null) {}
        } catch (SeismicFormatException expected) {
          assertThat(expected.file(), equalTo("fuzz"));
        }
      }
    }
  }
}
