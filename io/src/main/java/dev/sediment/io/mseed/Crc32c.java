package dev.sediment.io.mseed;

import java.util.zip.CRC32C;

/**
 * The CRC-32C (Castagnoli) of a miniSEED 3 record (FDSN miniSEED 3, section "CRC"): computed over
 * the whole record with the 4-byte CRC field at offset 28 taken as zero; stored little-endian.
 */
public final class Crc32c {
  private static final byte[] ZERO4 = new byte[4];

  private Crc32c() {}

  /** The CRC of the {@code len}-byte record at {@code buf[off]}, its CRC field read as zero. */
  public static int ofRecord(byte[] buf, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(buf, off, 28);
    crc.update(ZERO4, 0, 4);
    crc.update(buf, off + 32, len - 32);
    return (int) crc.getValue();
  }
}
