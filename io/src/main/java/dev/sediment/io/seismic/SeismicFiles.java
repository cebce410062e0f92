package dev.sediment.io.seismic;

import dev.sediment.io.mseed.MseedReader;
import dev.sediment.io.sac.SacReader;
import dev.sediment.io.seg2.Seg2Reader;
import dev.sediment.io.segy.SegyReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** Detects the format of a seismic file from its content and opens the format's reader. */
public final class SeismicFiles {
  /** How many bytes of the file's start detection looks at. */
  public static final int PROBE_BYTES = 8192;

  private SeismicFiles() {}

  /**
   * The format of the file open on {@code channel}, from its first bytes; fails with {@link
   * SeismicError#BAD_MAGIC} when it is none of SEG-Y, SEG-2, miniSEED 2/3 and SAC.
   */
  public static SeismicFormat detect(SeekableByteChannel channel, String name) throws IOException {
    long size = channel.size();
    int len = (int) Math.min(size, PROBE_BYTES);
    ByteBuffer buf = ByteBuffer.allocate(len);
    channel.position(0);
    while (buf.hasRemaining() && channel.read(buf) >= 0) {
      // fill
    }
    byte[] head = buf.array();
    len = buf.position();
    // Strongest signatures first: SEG-Y's check is the weakest (any 3,600 bytes may pass).
    if (len >= 3 && head[0] == 'M' && head[1] == 'S' && head[2] == 3 && MseedReader.probe(head, len)) {
      return SeismicFormat.MSEED3;
    }
    if (MseedReader.probe(head, len)) {
      return SeismicFormat.MSEED2;
    }
    if (Seg2Reader.probe(head, len)) {
      return SeismicFormat.SEG2;
    }
    if (SacReader.probe(head, len)) {
      return SeismicFormat.SAC;
    }
    if (SegyReader.probe(head, len)) {
      return SeismicFormat.SEGY;
    }
    throw new SeismicFormatException(
        name,
        0,
        SeismicError.BAD_MAGIC,
        size == 0
            ? "the file is empty"
            : "not a SEG-Y, SEG-2, miniSEED or SAC file (no known header in the first "
                + len
                + " bytes)");
  }

  /** A reader of the whole file. */
  public static TraceReader open(SeismicFormat format, SeekableByteChannel channel, String name)
      throws IOException {
    return open(format, channel, name, 0, Long.MAX_VALUE);
  }

  /**
   * A reader of the traces or records whose first byte lies in [{@code start}, {@code end}); see
   * {@link TraceReader}.
   */
  public static TraceReader open(
      SeismicFormat format, SeekableByteChannel channel, String name, long start, long end)
      throws IOException {
    switch (format) {
      case SEGY:
        return SegyReader.open(channel, name, start, end);
      case SEG2:
        return Seg2Reader.open(channel, name, start, end);
      case MSEED2:
      case MSEED3:
        return MseedReader.open(channel, name, start, end);
      case SAC:
        return SacReader.open(channel, name, start, end);
      default:
        throw new IllegalArgumentException("no reader for " + format);
    }
  }
}
