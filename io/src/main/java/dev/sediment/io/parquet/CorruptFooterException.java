package dev.sediment.io.parquet;

import java.io.IOException;

/**
 * A Parquet file whose footer cannot be trusted: missing, truncated, or declaring more than the
 * file holds. Thrown by {@link ParquetFooterGuard} before any Parquet reader decodes the footer.
 */
public final class CorruptFooterException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;
  private final String problem;

  public CorruptFooterException(String file, long offset, String problem) {
    super(file + ": corrupt Parquet footer at byte " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** The file, as its {@code InputFile} names it (a path or URI). */
  public String file() {
    return file;
  }

  /** The byte offset in the file where the footer stops making sense. */
  public long offset() {
    return offset;
  }

  /** What is wrong, without the file name and offset. */
  public String problem() {
    return problem;
  }
}
