package dev.sediment.io.table;

import java.util.List;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A part of a CSV or JSON-lines file that one worker parses: the records that start in {@code
 * [start, end)}, with the number of lines and of records before {@code start}, so line numbers and
 * row indexes are the file's own. {@code start} is 0 or the start of a record; {@code end} is the
 * start of the next range's first record, or {@link Long#MAX_VALUE} for the rest of the file.
 *
 * <p>A range not at the file's start carries the file's CSV header (its column names, or why it is
 * broken), read once by {@link TextRangePlanner}. Made by {@link TextRangePlanner}; {@link
 * #wholeFile} for files read in one piece (compressed or small).
 */
public final class TextRange {
  private final String file;
  private final long start;
  private final long end;
  private final long linesBefore;
  private final long recordsBefore;
  private final boolean wholeFile;
  private final @Nullable List<String> headerNames;
  private final @Nullable String headerBroken;

  TextRange(
      String file,
      long start,
      long end,
      long linesBefore,
      long recordsBefore,
      boolean wholeFile,
      @Nullable List<String> headerNames,
      @Nullable String headerBroken) {
    if (start < 0 || end <= start || linesBefore < 0 || recordsBefore < 0) {
      throw new IllegalArgumentException(
          "bad range [" + start + ", " + end + ") after " + linesBefore + " lines");
    }
    if (wholeFile && (start != 0 || end != Long.MAX_VALUE)) {
      throw new IllegalArgumentException("a whole-file range is [0, end of file)");
    }
    this.file = file;
    this.start = start;
    this.end = end;
    this.linesBefore = linesBefore;
    this.recordsBefore = recordsBefore;
    this.wholeFile = wholeFile;
    this.headerNames = headerNames == null ? null : List.copyOf(headerNames);
    this.headerBroken = headerBroken;
  }

  /** The whole of {@code file} as one range. */
  public static TextRange wholeFile(String file) {
    return new TextRange(file, 0, Long.MAX_VALUE, 0, 0, true, null, null);
  }

  /** The file (a Beam resource id, as {@code ResourceId.toString()} gives it). */
  public String file() {
    return file;
  }

  public long start() {
    return start;
  }

  /** Exclusive; {@link Long#MAX_VALUE} for the end of the file. */
  public long end() {
    return end;
  }

  public long linesBefore() {
    return linesBefore;
  }

  public long recordsBefore() {
    return recordsBefore;
  }

  public boolean isWholeFile() {
    return wholeFile;
  }

  /** The CSV header's column names, for a range past the header; null otherwise or if broken. */
  public @Nullable List<String> headerNames() {
    return headerNames;
  }

  /** Why the CSV header cannot be used, for a range past the header; null if it can. */
  public @Nullable String headerBroken() {
    return headerBroken;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TextRange)) {
      return false;
    }
    TextRange r = (TextRange) o;
    return file.equals(r.file)
        && start == r.start
        && end == r.end
        && linesBefore == r.linesBefore
        && recordsBefore == r.recordsBefore
        && wholeFile == r.wholeFile
        && Objects.equals(headerNames, r.headerNames)
        && Objects.equals(headerBroken, r.headerBroken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, start, end, linesBefore, recordsBefore);
  }

  @Override
  public String toString() {
    return file + "[" + start + ", " + (end == Long.MAX_VALUE ? "end" : String.valueOf(end))
        + ") after " + linesBefore + " lines, " + recordsBefore + " records";
  }
}
