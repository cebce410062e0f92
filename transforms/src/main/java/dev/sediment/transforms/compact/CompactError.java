package dev.sediment.transforms.compact;

/** Why a spool file was left out of a compaction and quarantined. Names are a contract. */
public enum CompactError {
  /** The file's schema differs from the partition's (the schema most of its files share). */
  SCHEMA_MISMATCH,
  /** A dictionary page does not decode or does not match its column. */
  DICT_CONFLICT,
  /** A Snappy-compressed page does not decompress. */
  SNAPPY_CORRUPT,
  /** The Parquet footer is missing or unreadable: truncated file, wrong magic bytes. */
  CORRUPT_FOOTER,
  /** Any other failure to read the file. */
  UNREADABLE,
  /**
   * A page header declares more than its column chunk can hold (sizes beyond the chunk or its
   * codec, a dictionary with more values than its bytes): refused before anything is allocated.
   */
  CORRUPT_PAGE,
  /**
   * A row's sort key is null, so the row has no place in the order: the row (not its file) is
   * quarantined, with its source file and row index, to {@code _rows.parquet} in the quarantine
   * directory of the date its file's name gives ({@link NullKeyRows}); the rest of the file is
   * compacted.
   */
  NULL_SORT_KEY
}
