package dev.sediment.io.parquet;

import java.io.IOException;

/**
 * A Parquet page whose header cannot be trusted: it declares sizes or counts that its column chunk
 * cannot hold. Thrown by {@link ParquetPageGuard} before any Parquet reader allocates what the
 * header declares.
 */
public final class CorruptPageException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String column;
  private final long offset;
  private final String problem;

  public CorruptPageException(String file, String column, long offset, String problem) {
    super(file + ": corrupt Parquet page in column " + column + " at byte " + offset + ": " + problem);
    this.file = file;
    this.column = column;
    this.offset = offset;
    this.problem = problem;
  }

  /** The file, as its {@code InputFile} names it (a path or URI). */
  public String file() {
    return file;
  }

  /** The column's dotted path, e.g. {@code bid_px}. */
  public String column() {
    return column;
  }

  /** The byte offset in the file of the page (its header). */
  public long offset() {
    return offset;
  }

  /** What is wrong, without the file name, column and offset. */
  public String problem() {
    return problem;
  }
}
