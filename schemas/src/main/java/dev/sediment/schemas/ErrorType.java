package dev.sediment.schemas;

/**
 * Why a record or a file was sent to quarantine. The names are a contract: they appear in
 * {@code error_type} of every quarantine record and users filter on them.
 */
public enum ErrorType {
  /** The text of a record does not parse: broken CSV quoting, invalid JSON, wrong field count. */
  MALFORMED_RECORD,
  /** A value does not convert to the type the schema declares for its column. */
  TYPE_MISMATCH,
  /** A column the schema declares non-nullable is empty or absent. */
  MISSING_VALUE,
  /** A JSON object carries a key the schema does not declare. */
  UNKNOWN_FIELD,
  /** The CSV header names a column the schema lacks, or lacks a column the schema requires. */
  HEADER_MISMATCH,
  /** The bytes of a record are not valid UTF-8. */
  ENCODING,
  /** A record is longer than the configured limit; its text was not kept whole. */
  RECORD_TOO_LONG,
  /** The file could not be read to its end (I/O error, broken compression). */
  UNREADABLE,
  /**
   * The file's path below its input root (an object key with {@code ..}, an empty segment, a NUL
   * or a backslash) would name a place outside the lake: it is copied nowhere and not read.
   */
  PATH_ESCAPE,
  /**
   * A well-formed value lies outside what its column can hold: an integer that overflows, a number
   * too large (or too small, other than 0) for a float or double, a decimal with more digits than
   * its precision, a date or timestamp beyond the column's range.
   */
  VALUE_OUT_OF_RANGE,
  /**
   * A Parquet file's footer is missing, truncated or declares more than the file can hold (more
   * elements than it has bytes, a footer longer than the file): the file is not read.
   */
  CORRUPT_FOOTER,
  /**
   * A partition column's value makes a directory name longer than a file system allows (255
   * bytes, UTF-8, after escaping); the record is not written.
   */
  PARTITION_VALUE_TOO_LONG,
  /**
   * A Parquet page header declares more than its column chunk can hold (a page longer than the
   * chunk, an uncompressed size its codec cannot reach, a dictionary with more values than its
   * bytes): the file is read up to that row group, and no further.
   */
  CORRUPT_PAGE
}
