package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Every bad-input path: the error type and the byte offset of the record at fault. */
public class MseedBadInputTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final long START = MseedReaderTest.isoNanos("2021-06-15T08:30:00Z");

  /** Two or more records of our own writer: 512 bytes each for v2. */
  static byte[] written(String enc, int n, int version) throws IOException {
    SeismicTrace t = MseedWriterTest.synthetic(n, 100.0, START, enc);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (MseedWriter w =
        new MseedWriter(
            bos,
            MseedWriter.Options.defaults()
                .withFormatVersion(version)
                .withEncoding(enc)
                .withRecordLength(512))) {
      w.write(t);
    }
    return bos.toByteArray();
  }

  private SeismicFormatException fails(byte[] bytes) throws IOException {
    Path f = tmp.newFile().toPath();
    Files.write(f, bytes);
    try {
      MseedReaderTest.readAll(f);
    } catch (SeismicFormatException e) {
      assertThat(e.file(), equalTo(f.toString()));
      return e;
    }
    throw new AssertionError("no error for " + bytes.length + " bytes");
  }

  private void assertFails(byte[] bytes, SeismicError error, long offset, String detail)
      throws IOException {
    SeismicFormatException e = fails(bytes);
    assertThat(e.getMessage(), e.error(), equalTo(error));
    assertThat(e.getMessage(), e.offset(), equalTo(offset));
    assertThat(e.detail(), containsString(detail));
  }

  private static ByteBuffer be(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  // ------------------------------------------------------------ miniSEED 2

  @Test
  public void v2_truncatedRecord_isTruncatedAtThatRecord() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    assertFails(Arrays.copyOf(b, 1000), SeismicError.TRUNCATED, 512, "record of 512 bytes");
  }

  @Test
  public void v2_truncatedHeader_isTruncatedAtThatRecord() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    assertFails(Arrays.copyOf(b, 512 + 30), SeismicError.TRUNCATED, 512, "needs 48 bytes");
  }

  @Test
  public void v2_blockette1000RecordLength2pow31_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    b[512 + 54] = 31;
    assertFails(b, SeismicError.BAD_HEADER, 512, "2^31");
  }

  @Test
  public void v2_blockette1000RecordLength64_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    b[54] = 6;
    assertFails(b, SeismicError.BAD_HEADER, 0, "2^6");
  }

  @Test
  public void v2_noBlockette1000AndLengthNotAPowerOfTwo_isBadHeader() throws IOException {
    byte[] b = Arrays.copyOf(written(SampleEncoding.STEIM1, 100, 2), 640);
    be(b).putShort(46, (short) 0);
    b[39] = 0;
    assertFails(b, SeismicError.BAD_HEADER, 0, "inferred record length 640");
  }

  @Test
  public void v2_sampleCountAboveWhatInt32RecordHolds_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 300, 2);
    be(b).putShort(30, (short) 200);
    assertFails(b, SeismicError.BAD_HEADER, 0, "200 samples of encoding 3 do not fit");
  }

  @Test
  public void v2_sampleCountAboveWhatSteimFramesCanHold_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 300, 2);
    be(b).putShort(30, (short) 60000);
    assertFails(b, SeismicError.BAD_HEADER, 0, "60000 samples of encoding 11 do not fit");
  }

  @Test
  public void v2_sampleCountAboveWhatTheFramesDecode_isCorruptData() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 100, 2);
    be(b).putShort(30, (short) 700);
    assertFails(b, SeismicError.CORRUPT_DATA, 0, "hold 100 of 700 samples");
  }

  @Test
  public void v2_blocketteChainLoop_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    be(b).putShort(512 + 50, (short) 48); // blockette 1000's next points back at itself
    SeismicFormatException e = fails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(512L));
    assertThat(
        e.detail(),
        equalTo(
            "blockette offset 48 does not come after the previous blockette at 48 (the blockette"
                + " chain loops)"));
  }

  @Test
  public void v2_blocketteOffsetInsideFixedHeader_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 100, 2);
    be(b).putShort(46, (short) 20);
    assertThat(
        fails(b).detail(), equalTo("blockette offset 20 points into the 48-byte fixed header"));
  }

  @Test
  public void v2_blocketteOffsetPastTheFile_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 100, 2);
    be(b).putShort(50, (short) 600);
    SeismicFormatException e = fails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(0L));
    assertThat(
        e.detail(),
        equalTo(
            "blockette offset 600 is past the end of the file: 512 bytes remain from the record's"
                + " start"));
  }

  @Test
  public void v2_blocketteBeyondTheRecordInsideTheFile_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    ByteBuffer h = be(b);
    h.putShort(50, (short) 600); // inside the next record
    h.putShort(600, (short) 2000);
    h.putShort(602, (short) 0);
    assertFails(b, SeismicError.BAD_HEADER, 0, "past the 512-byte record");
  }

  @Test
  public void v2_steimReverseIntegrationConstantWrong_isCorruptDataAtThatRecord() throws IOException {
    byte[] b = written(SampleEncoding.STEIM1, 2000, 2);
    ByteBuffer h = be(b);
    h.putInt(512 + 64 + 8, h.getInt(512 + 64 + 8) + 1);
    assertFails(b, SeismicError.CORRUPT_DATA, 512, "reverse integration constant");
  }

  @Test
  public void v2_steim2WordWithUndefinedSubcode_isCorruptData() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 2000, 2);
    ByteBuffer h = be(b);
    int ctrl = h.getInt(64);
    h.putInt(64, (ctrl & ~(3 << 24)) | (2 << 24)); // word 3: nibble 10
    h.putInt(64 + 12, 0x00000001); // sub-code 00 is undefined with nibble 10
    assertFails(b, SeismicError.CORRUPT_DATA, 0, "nibble 10 with sub-code 00");
  }

  @Test
  public void v2_unknownEncoding_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 2);
    b[52] = 99;
    assertFails(b, SeismicError.BAD_HEADER, 0, "unknown data encoding 99");
  }

  @Test
  public void v2_legacyEncodingInt24_isUnsupported() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 2);
    b[52] = 2;
    assertFails(b, SeismicError.UNSUPPORTED, 0, "legacy data encoding 2");
  }

  @Test
  public void v2_dataOffsetPastTheRecord_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 2);
    be(b).putShort(44, (short) 512);
    assertFails(b, SeismicError.BAD_HEADER, 0, "data offset 512");
  }

  @Test
  public void v2_fractionAbove9999_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 2);
    be(b).putShort(28, (short) 10000);
    assertFails(b, SeismicError.BAD_HEADER, 0, "fraction 10000");
  }

  @Test
  public void v2_garbageAfterAValidRecord_isBadMagicAtIt() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 100, 2);
    byte[] g = Arrays.copyOf(b, 1024);
    new Random(1).nextBytes(Arrays.copyOfRange(g, 512, 1024));
    Arrays.fill(g, 512, 1024, (byte) 0x5a);
    assertFails(g, SeismicError.BAD_MAGIC, 512, "not a miniSEED record header");
  }

  @Test
  public void randomGarbage_isBadMagicAtByte0() throws IOException {
    byte[] g = new byte[10000];
    new Random(7).nextBytes(g);
    g[0] = 'x';
    assertFails(g, SeismicError.BAD_MAGIC, 0, "not a miniSEED record header");
  }

  @Test
  public void shortTrailingGarbage_isBadMagic() throws IOException {
    byte[] b = written(SampleEncoding.STEIM2, 100, 2);
    byte[] g = Arrays.copyOf(b, 512 + 10);
    Arrays.fill(g, 512, 522, (byte) 0x5a);
    assertFails(g, SeismicError.BAD_MAGIC, 512, "10 trailing bytes");
  }

  // ------------------------------------------------------------ miniSEED 3

  @Test
  public void v3_crcMismatch_isCrcMismatchAtThatRecord() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 300, 3);
    int second = 40 + b[33] + 4 * le(b).getInt(24);
    assertThat(new String(b, second, 2, "US-ASCII"), equalTo("MS"));
    b[second + 100] ^= 1;
    assertFails(b, SeismicError.CRC_MISMATCH, second, "CRC-32C is");
  }

  @Test
  public void v3_identifierLengthOverrunningTheFile_isTruncated() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    b[33] = (byte) 255;
    assertFails(b, SeismicError.TRUNCATED, 0, "identifier 255");
  }

  @Test
  public void v3_extraHeaderLengthOverrunningTheFile_isTruncated() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    le(b).putShort(34, (short) 65535);
    assertFails(b, SeismicError.TRUNCATED, 0, "extra headers 65535");
  }

  @Test
  public void v3_dataLength4GiB_isTruncatedWithoutAllocating() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    le(b).putInt(36, -1);
    assertFails(b, SeismicError.TRUNCATED, 0, "data 4294967295");
  }

  @Test
  public void v3_sampleCountAboveThePayload_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    le(b).putInt(24, 101);
    le(b).putInt(28, Crc32c.ofRecord(b, 0, b.length));
    assertFails(b, SeismicError.BAD_HEADER, 0, "101 samples of encoding 3 do not fit");
  }

  @Test
  public void v3_implausibleHour_isBadHeader() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    b[12] = 25;
    assertFails(b, SeismicError.BAD_HEADER, 0, "implausible start time");
  }

  @Test
  public void v3_legacyEncodingHglp_isUnsupported() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    b[15] = 31;
    le(b).putInt(28, Crc32c.ofRecord(b, 0, b.length));
    assertFails(b, SeismicError.UNSUPPORTED, 0, "legacy data encoding 31");
  }

  @Test
  public void v3_truncatedHeader_isTruncated() throws IOException {
    byte[] b = written(SampleEncoding.INT32, 100, 3);
    assertFails(Arrays.copyOf(b, 20), SeismicError.TRUNCATED, 0, "needs 40 bytes");
  }

  // ------------------------------------------------------------ robustness

  @Test
  public void mutatedFiles_eitherReadOrFailTyped_neverOtherExceptions() throws IOException {
    Random rnd = new Random(2024);
    List<String> paths =
        List.of(
            "mseed2/generated/steim2_512_be.mseed",
            "mseed2/obspy/int32_Steim1_littleEndian.mseed",
            "mseed2/obspy/fullseed.mseed",
            "mseed2/libmseed/testdata-oneseries-mixedlengths-mixedorder.mseed2",
            "mseed2/obspy/mseed_no_blkt_1000.mseed",
            "mseed3/libmseed/testdata-3channel-signal.mseed3",
            "mseed3/libmseed/reference-testdata-headeronly.mseed3");
    Path f = tmp.newFile().toPath();
    int failed = 0;
    for (int trial = 0; trial < 1500; trial++) {
      byte[] b = Files.readAllBytes(TestData.entry(paths.get(trial % paths.size())).file());
      int edits = 1 + rnd.nextInt(8);
      for (int i = 0; i < edits; i++) {
        // Mostly header bytes, where the lengths and offsets are.
        int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(b.length, 80)) : rnd.nextInt(b.length);
        b[at] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextInt(4) == 0) {
        b = Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      Files.write(f, b);
      try {
        MseedReaderTest.readAll(f);
        long size = b.length;
        MseedRangeTest.readRanges(f, new long[] {0, size / 3, size});
      } catch (SeismicFormatException e) {
        failed++;
      }
    }
    assertThat(failed > 100, equalTo(true));
  }
}
