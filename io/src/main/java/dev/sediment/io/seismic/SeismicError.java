package dev.sediment.io.seismic;

/**
 * Why a seismic file or record could not be read. The names are a contract: they are the {@code
 * error_type} of the quarantine records that {@code ingest} writes.
 */
public enum SeismicError {
  /** The bytes are not the expected format: wrong magic number, unknown format code. */
  BAD_MAGIC,
  /** The file ends before a header or the data it announces. */
  TRUNCATED,
  /** A header field holds an impossible value: negative or absurd length, bad date, overrun. */
  BAD_HEADER,
  /** A valid feature this codec does not decode (an optional legacy encoding). */
  UNSUPPORTED,
  /** Sample data that do not decode: Steim integration constant mismatch, bad frame. */
  CORRUPT_DATA,
  /** A miniSEED 3 record whose CRC-32C does not match. */
  CRC_MISMATCH,
  /** The file could not be read at all (I/O error). */
  UNREADABLE,
  /**
   * The file's path below the input's directory (an object key such as {@code in/../../x}) would
   * name a place outside the lake: the file is copied nowhere and not read.
   */
  PATH_ESCAPE
}
