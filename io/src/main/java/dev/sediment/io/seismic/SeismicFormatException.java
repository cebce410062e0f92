package dev.sediment.io.seismic;

import java.io.IOException;

/**
 * A file or record that cannot be decoded, with the file, the byte offset where the problem is
 * and a typed reason. The message reads {@code FILE at byte N: REASON: detail}.
 */
public class SeismicFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;
  private final SeismicError error;
  private final String detail;

  public SeismicFormatException(String file, long offset, SeismicError error, String detail) {
    this(file, offset, error, detail, null);
  }

  public SeismicFormatException(
      String file, long offset, SeismicError error, String detail, Throwable cause) {
    super(file + " at byte " + offset + ": " + error + ": " + detail, cause);
    this.file = file;
    this.offset = offset;
    this.error = error;
    this.detail = detail;
  }

  /** The file name or URI the reader was given. */
  public String file() {
    return file;
  }

  /** Byte offset in the file of the header, record or sample block that is wrong. */
  public long offset() {
    return offset;
  }

  public SeismicError error() {
    return error;
  }

  /** What is wrong, without file and offset. */
  public String detail() {
    return detail;
  }
}
