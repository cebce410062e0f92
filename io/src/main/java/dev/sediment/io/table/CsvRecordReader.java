package dev.sediment.io.table;

import dev.sediment.schemas.ErrorType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The logical records of a CSV file as {@link CsvFileParser} groups physical lines into them, on
 * bytes: a line with an odd number of quotes continues on the next lines until the quotes balance
 * (a quoted field with line breaks), within {@code maxRecordBytes} characters and {@link
 * CsvFileParser#MAX_CONTINUATION_LINES} lines; if they never balance, only the first line is a
 * {@link ErrorType#MALFORMED_RECORD} and the lines after it are read again as records of their own.
 * Blank lines are no records; a line that is too long or not UTF-8 is a record with its problem.
 *
 * <p>Used by {@link CsvBatchReader} to parse and by {@link TextRangePlanner} to find where records
 * start, so both agree on record boundaries, line numbers and record ordinals by construction. It
 * may start at any record start of a file (a byte offset where a record's first line begins) with
 * the number of lines before it: reading on from there gives the same records as reading the file
 * from its beginning, since a record's grouping depends on its own lines and those after it only.
 */
final class CsvRecordReader implements Closeable {
  private static final byte[] NO_BYTES = new byte[0];

  private final BoundedLineReader reader;
  private final long baseOffset;
  private final long baseLine;
  private final long end;
  private final int maxRecordBytes;
  private final ArrayDeque<SavedLine> pushedBack = new ArrayDeque<>();
  private final StrictUtf8 utf8 = new StrictUtf8();
  private boolean headerPending;

  // The current physical line.
  private long lineNumber;
  private long lineOffset;
  private byte[] lineBytes = NO_BYTES;
  private int lineLength;
  private String lineTerminator = "";
  private @Nullable RecordException lineProblem;
  private int lineChars; // UTF-16 length of the decoded line (valid lines)
  private int lineQuotes;

  // The current record.
  long number;
  long offset;
  /**
   * The record's bytes are {@code data[0, length)}: the line reader's own line (valid until the
   * next {@link #next}) for a record of one line, as most are, so it is not copied; else {@link
   * #buf}, where the lines of a multi-line record are joined.
   */
  byte[] data = NO_BYTES;
  private byte[] buf = new byte[1024];
  int length;
  @Nullable RecordException problem;
  private @Nullable String problemText;
  boolean header;
  boolean hasQuotes;

  /** A line read ahead for a multi-line record, kept to be read again. */
  private static final class SavedLine {
    final long number;
    final long offset;
    final byte[] bytes;
    final String terminator;
    final @Nullable RecordException problem;
    final int chars;
    final int quotes;

    SavedLine(
        long number,
        long offset,
        byte[] bytes,
        String terminator,
        @Nullable RecordException problem,
        int chars,
        int quotes) {
      this.number = number;
      this.offset = offset;
      this.bytes = bytes;
      this.terminator = terminator;
      this.problem = problem;
      this.chars = chars;
      this.quotes = quotes;
    }
  }

  /**
   * Reads records from {@code in}, which starts at byte {@code baseOffset} of the file, a record
   * start with {@code baseLine} lines before it. Stops before the first record that starts at or
   * after {@code end}. At offset 0 the first record is the header (a leading BOM is dropped).
   */
  CsvRecordReader(InputStream in, long baseOffset, long baseLine, long end, int maxRecordBytes) {
    this.reader = new BoundedLineReader(in, maxRecordBytes);
    this.baseOffset = baseOffset;
    this.baseLine = baseLine;
    this.end = end;
    this.maxRecordBytes = maxRecordBytes;
    this.headerPending = baseOffset == 0;
  }

  /** Lines read from the stream so far, counted from the file's start. */
  long linesRead() {
    return baseLine + reader.linesRead();
  }

  /** Offset in the file of the next unread byte. */
  long position() {
    return baseOffset + reader.position();
  }

  /** The record as text: its lines joined with their own line breaks. */
  String text() {
    if (problemText != null) {
      return problemText;
    }
    return new String(data, 0, length, StandardCharsets.UTF_8);
  }

  /** Advances to the next record; false at the end (of the file, or of the range). */
  boolean next() throws IOException {
    while (true) {
      if (!nextLine()) {
        return false;
      }
      if (lineOffset >= end) {
        return false;
      }
      header = headerPending;
      number = lineNumber;
      offset = lineOffset;
      problem = lineProblem;
      if (problem != null) {
        problemText = new String(lineBytes, 0, lineLength, StandardCharsets.UTF_8);
        data = NO_BYTES;
        length = 0;
        hasQuotes = false;
        headerPending = false;
        return true;
      }
      problemText = null;
      int from = 0;
      int chars = lineChars;
      if (header && lineLength >= 3 && lineBytes[0] == (byte) 0xEF && lineBytes[1] == (byte) 0xBB
          && lineBytes[2] == (byte) 0xBF) {
        from = 3; // U+FEFF, one char
        chars--;
      }
      if (lineLength == from) {
        continue; // a blank line is no record
      }
      headerPending = false;
      hasQuotes = lineQuotes > 0;
      if (from == 0 && (lineQuotes & 1) == 0) {
        // A whole record on one line: its bytes are the line's.
        data = lineBytes;
        length = lineLength;
        return true;
      }
      length = 0;
      append(lineBytes, from, lineLength - from);
      data = buf;
      if ((lineQuotes & 1) == 1) {
        continueRecord(chars);
      }
      return true;
    }
  }

  /** The record's quotes are unbalanced: take the following lines until they balance. */
  private void continueRecord(int chars) throws IOException {
    int firstLength = length;
    List<SavedLine> taken = new ArrayList<>();
    long recordChars = chars;
    String lineEnd = lineTerminator;
    boolean open = true;
    while (open) {
      if (!nextLine()) {
        break;
      }
      SavedLine more = save();
      if (more.problem != null
          || taken.size() >= CsvFileParser.MAX_CONTINUATION_LINES
          || recordChars + lineEnd.length() + more.chars > maxRecordBytes) {
        taken.add(more);
        break;
      }
      taken.add(more);
      appendAscii(lineEnd);
      append(more.bytes, 0, more.bytes.length);
      recordChars += lineEnd.length() + more.chars;
      lineEnd = more.terminator;
      open = (more.quotes & 1) == 0;
    }
    if (open) {
      // No closing quote within reach: only the first line is broken; read the rest again.
      for (int i = taken.size() - 1; i >= 0; i--) {
        pushedBack.addFirst(taken.get(i));
      }
      problem =
          new RecordException(
              ErrorType.MALFORMED_RECORD,
              "a quoted field is opened but never closed (looked " + taken.size() + " lines ahead)");
      length = firstLength;
    }
  }

  private SavedLine save() {
    return new SavedLine(
        lineNumber,
        lineOffset,
        Arrays.copyOf(lineBytes, lineLength),
        lineTerminator,
        lineProblem,
        lineChars,
        lineQuotes);
  }

  private void append(byte[] b, int from, int n) {
    if (length + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(length + n, buf.length * 2));
      data = buf;
    }
    System.arraycopy(b, from, buf, length, n);
    length += n;
  }

  private void appendAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (length == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
        data = buf;
      }
      buf[length++] = (byte) s.charAt(i);
    }
  }

  /** Loads the next physical line (a pushed-back one first); false at the end of the stream. */
  private boolean nextLine() throws IOException {
    SavedLine saved = pushedBack.pollFirst();
    if (saved != null) {
      lineNumber = saved.number;
      lineOffset = saved.offset;
      lineBytes = saved.bytes;
      lineLength = saved.bytes.length;
      lineTerminator = saved.terminator;
      lineProblem = saved.problem;
      lineChars = saved.chars;
      lineQuotes = saved.quotes;
      return true;
    }
    BoundedLineReader.Line l = reader.next();
    if (l == null) {
      return false;
    }
    lineNumber = baseLine + l.number;
    lineOffset = baseOffset + l.offset;
    lineBytes = l.bytes;
    lineLength = l.length;
    lineTerminator = l.terminator;
    lineQuotes = 0;
    lineChars = 0;
    if (l.truncated()) {
      lineProblem =
          new RecordException(
              ErrorType.RECORD_TOO_LONG, "the line is longer than " + maxRecordBytes + " bytes");
      return true;
    }
    lineProblem = null;
    // Quotes and ASCII-ness come from the line reader's scan for the line end.
    lineQuotes = l.quotes;
    if (l.ascii) {
      lineChars = l.length;
    } else {
      int n = utf16Length(l.bytes, l.length);
      if (n < 0) {
        lineProblem = new RecordException(ErrorType.ENCODING, "the line is not valid UTF-8");
      } else {
        lineChars = n;
      }
    }
    return true;
  }

  /** The UTF-16 length of strict UTF-8 {@code b[0, n)}, or -1 if it is not strict UTF-8. */
  private int utf16Length(byte[] b, int n) {
    return utf8.decode(b, n);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
