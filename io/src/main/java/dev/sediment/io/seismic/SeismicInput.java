package dev.sediment.io.seismic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Positioned reads from a file for the codecs: every read names its offset, reading past the end
 * is a {@link SeismicError#TRUNCATED} error naming the file and offset, and nothing is allocated
 * from a length a header claims before the bytes are known to exist.
 */
public final class SeismicInput {
  private final SeekableByteChannel channel;
  private final String name;
  private final long size;

  public SeismicInput(SeekableByteChannel channel, String name) throws IOException {
    this.channel = channel;
    this.name = name;
    this.size = channel.size();
  }

  /** The file name or URI, for error messages. */
  public String name() {
    return name;
  }

  public long size() {
    return size;
  }

  public SeekableByteChannel channel() {
    return channel;
  }

  /** Bytes left from {@code pos} to the end of the file (0 if past it). */
  public long remaining(long pos) {
    return Math.max(0, size - pos);
  }

  /**
   * Fills {@code buf} from its position to its limit with the bytes at {@code pos}, then flips it
   * for reading; fails with {@code TRUNCATED} when the file ends first.
   */
  public ByteBuffer readFully(long pos, ByteBuffer buf, String what) throws IOException {
    int want = buf.remaining();
    if (pos < 0 || pos + want > size) {
      throw new SeismicFormatException(
          name,
          pos,
          SeismicError.TRUNCATED,
          what + " needs " + want + " bytes but the file has " + remaining(pos) + " left");
    }
    channel.position(pos);
    while (buf.hasRemaining()) {
      if (channel.read(buf) < 0) {
        throw new SeismicFormatException(
            name, pos, SeismicError.TRUNCATED, what + " ends early: the file is shorter than it said");
      }
    }
    buf.flip();
    return buf;
  }

  /** {@code len} bytes at {@code pos} in a new buffer of the given byte order. */
  public ByteBuffer read(long pos, int len, ByteOrder order, String what) throws IOException {
    if (len < 0 || pos + len > size) {
      throw new SeismicFormatException(
          name,
          pos,
          SeismicError.TRUNCATED,
          what + " needs " + len + " bytes but the file has " + remaining(pos) + " left");
    }
    return readFully(pos, ByteBuffer.allocate(len).order(order), what);
  }

  /** A typed error at {@code pos} of this file. */
  public SeismicFormatException error(long pos, SeismicError error, String detail) {
    return new SeismicFormatException(name, pos, error, detail);
  }
}
