package dev.sediment.io.parquet;

import dev.sediment.schemas.ErrorType;
import java.io.IOException;

/**
 * A Parquet column that a column batch cannot hold: an unsigned integer, a map or struct, a list
 * of other than INT32/INT64/FLOAT/DOUBLE or with a null element, a column that differs from the
 * schema asked for, or a value out of the column type's range. Thrown by {@link
 * ParquetBatchReader}; {@link #type()} is the quarantine error type.
 */
public final class ParquetColumnException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String column;
  private final long row;
  private final ErrorType type;
  private final String problem;

  /** A problem of a whole column ({@code row} -1) or of one row ({@code row} 0-based in the file). */
  public ParquetColumnException(String file, String column, long row, ErrorType type, String problem) {
    super(
        file
            + ": column '"
            + column
            + "'"
            + (row >= 0 ? " at row " + row : "")
            + " "
            + problem);
    this.file = file;
    this.column = column;
    this.row = row;
    this.type = type;
    this.problem = problem;
  }

  /** The file, as its {@code InputFile} names it (a path or URI). */
  public String file() {
    return file;
  }

  /** The column's dotted path in the file, e.g. {@code samples.list.element}. */
  public String column() {
    return column;
  }

  /** The 0-based row in the file, or -1 when the whole column is refused. */
  public long row() {
    return row;
  }

  /** The quarantine error type: {@link ErrorType#TYPE_MISMATCH}, {@link ErrorType#HEADER_MISMATCH}, ... */
  public ErrorType type() {
    return type;
  }

  /** What is wrong, without the file name and column: "is an unsigned INT(32), which ...". */
  public String problem() {
    return problem;
  }
}
