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
   * A row's sort key is null, so the row has no place in the order: the whole file is left out
   * (no row is dropped silently); the message names the key and the row.
   */
  NULL_SORT_KEY
}
