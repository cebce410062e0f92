package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.Test;

/** Damaged and lying SEG-Y files: each gives a typed error at the right byte offset. */
public class SegyBadInputTest {

  /** small.sgy: rev 0, IBM, big-endian, 25 traces of 50 samples (440 bytes each). */
  private static byte[] small() throws IOException {
    return Files.readAllBytes(TestData.entry("segy/segyio/small.sgy").file());
  }

  private static SeismicFormatException readAll(byte[] bytes) {
    return assertThrows(SeismicFormatException.class, () -> {
      try (SegyReader r = SegyReader.open(new SeekableInMemoryByteChannel(bytes), "bad.sgy")) {
        while (r.next() != null) {
          // read everything
        }
      }
    });
  }

  private static void assertError(SeismicFormatException e, SeismicError error, long offset) {
    assertThat(e.getMessage(), e.error(), equalTo(error));
    assertThat(e.getMessage(), e.offset(), equalTo(offset));
    assertThat(e.file(), equalTo("bad.sgy"));
  }

  private static void putShort(byte[] b, int fileByte, int v) {
    ByteBuffer.wrap(b).putShort(fileByte - 1, (short) v);
  }

  private static void putInt(byte[] b, int fileByte, int v) {
    ByteBuffer.wrap(b).putInt(fileByte - 1, v);
  }

  @Test
  public void truncatedInTextualHeader_truncatedAt0() throws IOException {
    assertError(readAll(Arrays.copyOf(small(), 1000)), SeismicError.TRUNCATED, 0);
  }

  @Test
  public void emptyFile_truncatedAt0() {
    assertError(readAll(new byte[0]), SeismicError.TRUNCATED, 0);
  }

  @Test
  public void truncatedInBinaryHeader_truncatedAt3200() throws IOException {
    assertError(readAll(Arrays.copyOf(small(), 3400)), SeismicError.TRUNCATED, 3200);
  }

  @Test
  public void truncatedInFirstTraceHeader_truncatedAtTraceStart() throws IOException {
    assertError(readAll(Arrays.copyOf(small(), 3600 + 100)), SeismicError.TRUNCATED, 3600);
  }

  @Test
  public void truncatedInTraceData_truncatedAtDataOfThatTrace_earlierTracesRead() throws IOException {
    byte[] cut = Arrays.copyOf(small(), 3600 + 3 * 440 + 240 + 17);
    int[] read = {0};
    SeismicFormatException e = assertThrows(SeismicFormatException.class, () -> {
      try (SegyReader r = SegyReader.open(new SeekableInMemoryByteChannel(cut), "bad.sgy")) {
        while (r.next() != null) {
          read[0]++;
        }
      }
    });
    assertThat(read[0], equalTo(3));
    assertError(e, SeismicError.TRUNCATED, 3600 + 3 * 440 + 240);
  }

  @Test
  public void unknownFormatCode_badMagicAt3224() throws IOException {
    byte[] b = small();
    putShort(b, 3225, 0x0063); // 99 big-endian, 0x6300 little-endian
    assertError(readAll(b), SeismicError.BAD_MAGIC, 3224);
  }

  @Test
  public void fixedPointFormat4_unsupportedAt3224() throws IOException {
    byte[] b = small();
    putShort(b, 3225, 4);
    assertError(readAll(b), SeismicError.UNSUPPORTED, 3224);
  }

  @Test
  public void extendedHeaderCountOverrunsFile_badHeaderAt3504() throws IOException {
    byte[] b = small();
    putShort(b, 3505, 100);
    assertError(readAll(b), SeismicError.BAD_HEADER, 3504);
  }

  @Test
  public void extendedHeaderCountNegative_badHeaderAt3504() throws IOException {
    byte[] b = small();
    putShort(b, 3505, -2);
    assertError(readAll(b), SeismicError.BAD_HEADER, 3504);
  }

  @Test
  public void variableExtendedHeaderCountWithoutEndText_truncatedWhereTheFileEnds() throws IOException {
    byte[] b = small(); // 14600 bytes: blocks at 3600, 6800, 10000 read, 13200 cut
    putShort(b, 3505, -1);
    assertError(readAll(b), SeismicError.TRUNCATED, 13200);
  }

  private static byte[] rev2(int extSamples) throws IOException {
    byte[] b = small();
    putShort(b, 3501, 0x0200);
    putShort(b, 3503, 1);
    putInt(b, 3269, extSamples);
    return b;
  }

  @Test
  public void rev2ExtendedSampleCount0x7FFFFFFF_badHeaderAt3268() throws IOException {
    assertError(readAll(rev2(0x7FFFFFFF)), SeismicError.BAD_HEADER, 3268);
  }

  @Test
  public void rev2ExtendedSampleCountNegativeAsUnsigned_badHeaderAt3268() throws IOException {
    assertError(readAll(rev2(0xFFFFFFFF)), SeismicError.BAD_HEADER, 3268);
  }

  @Test
  public void rev2ExtendedSampleCountBeyondFile_truncatedAtFirstTraceData() throws IOException {
    assertError(readAll(rev2(100_000_000)), SeismicError.TRUNCATED, 3840);
  }

  @Test
  public void rev2AdditionalTraceHeadersNegative_badHeaderAt3506() throws IOException {
    byte[] b = rev2(0);
    putInt(b, 3507, -1);
    assertError(readAll(b), SeismicError.BAD_HEADER, 3506);
  }

  @Test
  public void rev2OneProprietaryAdditionalTraceHeader_tracesOf680Bytes_lastCutTruncated() throws IOException {
    byte[] b = rev2(0); // 25 * 440 bytes of traces read as 16 traces of 240 + 240 + 200 bytes
    putInt(b, 3507, 1);
    assertError(readAll(b), SeismicError.TRUNCATED, 3600 + 16 * 680);
  }

  @Test
  public void rev2FirstTraceOffsetBeyondFile_badHeaderAt3520() throws IOException {
    byte[] b = rev2(0);
    ByteBuffer.wrap(b).putLong(3520, 1L << 40);
    assertError(readAll(b), SeismicError.BAD_HEADER, 3520);
  }

  @Test
  public void variableLengthTraceSampleCount0xFFFF_truncatedAtItsData() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> h = Map.of("Format", "3", "SEGYRevision", "256", "TraceFlag", "0", "Samples", "10");
    try (SegyWriter w = new SegyWriter(out, h)) {
      for (int k = 0; k < 3; k++) {
        w.write(SeismicTrace.builder(dev.sediment.io.seismic.SeismicFormat.SEGY)
            .encoding("int16").samples(new double[10 + k]).build());
      }
    }
    byte[] b = out.toByteArray();
    long second = 3600 + 240 + 20;
    putShort(b, (int) second + 115, 0xFFFF);
    assertError(readAll(b), SeismicError.TRUNCATED, second + 240);
  }

  @Test
  public void randomGarbage_badMagicOrTruncated() {
    Random rnd = new Random(7);
    byte[] garbage = new byte[5000];
    rnd.nextBytes(garbage);
    garbage[3224] = 0x55; // neither 0x55xx nor 0xxx55 is a format code
    assertError(readAll(garbage), SeismicError.BAD_MAGIC, 3224);
    assertError(readAll(Arrays.copyOf(garbage, 3000)), SeismicError.TRUNCATED, 0);
  }

  /** Random damage to headers never escapes as anything but a typed error, and always ends. */
  @Test
  public void randomlyDamagedFiles_onlyTypedErrors() throws IOException {
    byte[] original = small();
    Random rnd = new Random(42);
    for (int i = 0; i < 3000; i++) {
      byte[] b = original.clone();
      if (i % 3 == 0) { // lie in the binary header, as rev 2 so its fields count
        putShort(b, 3501, 0x0200);
      }
      int hits = 1 + rnd.nextInt(8);
      for (int h = 0; h < hits; h++) {
        int at = rnd.nextBoolean() ? 3200 + rnd.nextInt(400) : 3600 + rnd.nextInt(480);
        b[at] = (byte) rnd.nextInt(256);
      }
      int len = rnd.nextInt(4) == 0 ? rnd.nextInt(b.length) : b.length;
      byte[] damaged = Arrays.copyOf(b, len);
      try (SegyReader r = SegyReader.open(new SeekableInMemoryByteChannel(damaged), "bad.sgy")) {
        int n = 0;
        while (r.next() != null) {
          n++;
          if (n > damaged.length / 240 + 1) {
            throw new AssertionError("more traces than the file can hold");
          }
        }
      } catch (SeismicFormatException expected) {
        assertThat(expected.file(), equalTo("bad.sgy"));
      }
    }
  }
}
