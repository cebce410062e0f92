package dev.sediment.io.sac;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Damaged SAC files either read or fail with a typed error; never another exception or a hang. */
public class SacFuzzTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void randomDamageAndTruncation_readOrTypedError() throws IOException {
    Random rnd = new Random(42);
    Path f = tmp.newFile().toPath();
    for (TestData.Entry e : TestData.of("SAC")) {
      byte[] orig = Files.readAllBytes(e.file());
      for (int round = 0; round < 150; round++) {
        byte[] b = orig.clone();
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips; k++) {
          int at = rnd.nextInt(Math.min(b.length, 2000));
          b[at] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextBoolean()) {
          b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
        }
        Files.write(f, b);
        try (SacReader r = SacReader.open(Files.newByteChannel(f), "fuzz")) {
          SeismicTrace t = r.next();
          assertThat(e + " round " + round, t.headers().size(), equalTo(133));
        } catch (SeismicFormatException expected) {
          assertThat(expected.file(), equalTo("fuzz"));
        }
      }
    }
  }

  @Test
  public void headerVersion7_readWithFloatHeaderValues() throws IOException {
    byte[] b = Files.readAllBytes(TestData.entry("sac/obspy/test.sac").file());
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(SacHeader.NVHDR_OFFSET, 7);
    Path f = tmp.newFile().toPath();
    Files.write(f, b);
    try (SacReader r = SacReader.open(Files.newByteChannel(f), "v7")) {
      SeismicTrace t = r.next();
      assertThat(r.variant(), equalTo("binary little-endian v7 evenly sampled"));
      assertThat(t.sampleCount(), equalTo(100));
      assertThat(SacReader.probe(b, b.length), equalTo(true));
    }
  }
}
