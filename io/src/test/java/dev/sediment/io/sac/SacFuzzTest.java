package dev.sediment.io.sac;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
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
          // 133 header fields, and the 22 footer values in a version 7 file
          assertThat(e + " round " + round, t.headers().size(),
              equalTo(t.header("NVHDR").equals("7") ? 155 : 133));
        } catch (SeismicFormatException expected) {
          assertThat(expected.file(), equalTo("fuzz"));
        }
      }
    }
  }

  @Test
  public void headerVersion7WithoutFooter_truncatedAtTheFooter() throws IOException {
    byte[] b = Files.readAllBytes(TestData.entry("sac/obspy/test.sac").file());
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(SacHeader.NVHDR_OFFSET, 7);
    Path f = tmp.newFile().toPath();
    Files.write(f, b);
    assertThat(SacReader.probe(b, b.length), equalTo(true));
    SeismicFormatException e = assertThrows(SeismicFormatException.class, () -> {
      try (SeekableByteChannel ch = Files.newByteChannel(f)) {
        SacReader.open(ch, "v7");
      }
    });
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo(632L + 4 * 100));
    assertThat(e.file(), equalTo("v7"));
  }
}
