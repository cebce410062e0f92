package dev.sediment.io.table;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Cuts a CSV or JSON-lines file into {@link TextRange}s of about {@code rangeBytes} that workers
 * parse in parallel, with exact line numbers and record ordinals for each.
 *
 * <pre>{@code
 * List<TextRange> ranges =
 *     TextRangePlanner.plan(uri, size, false, TableIO.Format.CSV, 64 << 20, maxRecordBytes, opener);
 * }</pre>
 *
 * <p>Why a sequential pre-scan: where a CSV record starts cannot be seen locally. A line break
 * inside a quoted field is no record boundary, and whether a byte is inside quotes depends on
 * every quote before it; on top of that, {@link CsvFileParser} gives an unclosed quote only its own
 * line and reads the lines after it again, so even quote parity alone would misplace records after
 * such a line. So the planner reads the file once, with the very {@link CsvRecordReader} the
 * parser uses (line splitting, UTF-8 checks and quote grouping, but no field splitting or
 * conversion: a fraction of the parse cost), and notes for each boundary {@code k * rangeBytes}
 * the first record that starts at or after it: its byte offset, the lines before it and the
 * records before it. Ranges run from one such record start to the next. A range reader starts at
 * a record start with the same state the sequential parser has there, and stops before the first
 * record that starts at or after its end (reading past the end to finish its last record), so
 * every record is read exactly once, by one range, with the line number and ordinal a whole-file
 * read gives it. JSON lines are planned the same way (a record is a line that is not blank), which
 * also gets {@code \r}, {@code \r\n} and blank lines right at a boundary. The CSV header is read
 * here once and handed to every range past it.
 *
 * <p>A file of at most {@code rangeBytes}, a compressed file (not seekable) and a file whose
 * pre-scan fails to read are one whole-file range; the parser then reports the read failure
 * exactly as {@link CsvFileParser} does.
 */
public final class TextRangePlanner {

  /** Opens the file from its first byte. */
  public interface Opener {
    InputStream open() throws IOException;
  }

  private TextRangePlanner() {}

  public static List<TextRange> plan(
      String file,
      long size,
      boolean compressed,
      TableIO.Format format,
      long rangeBytes,
      int maxRecordBytes,
      Opener opener) {
    if (rangeBytes <= 0) {
      throw new IllegalArgumentException("rangeBytes must be positive, was " + rangeBytes);
    }
    if (format == TableIO.Format.PARQUET) {
      throw new IllegalArgumentException("Parquet files are split by row groups, not byte ranges");
    }
    if (compressed || size <= rangeBytes) {
      return List.of(TextRange.wholeFile(file));
    }
    Scan scan = new Scan(rangeBytes);
    try (InputStream in = opener.open()) {
      if (format == TableIO.Format.CSV) {
        scanCsv(in, maxRecordBytes, scan);
      } else {
        scanJsonLines(in, maxRecordBytes, scan);
      }
    } catch (IOException e) {
      return List.of(TextRange.wholeFile(file));
    }
    if (scan.starts.isEmpty()) {
      return List.of(TextRange.wholeFile(file));
    }
    List<TextRange> out = new ArrayList<>();
    List<long[]> s = scan.starts;
    out.add(new TextRange(file, 0, s.get(0)[0], 0, 0, false, null, null));
    for (int i = 0; i < s.size(); i++) {
      long[] r = s.get(i);
      long end = i + 1 < s.size() ? s.get(i + 1)[0] : Long.MAX_VALUE;
      out.add(new TextRange(file, r[0], end, r[1], r[2], false, scan.headerNames, scan.headerBroken));
    }
    return out;
  }

  /** Record starts chosen for the boundaries, as {offset, lines before, records before}. */
  private static final class Scan {
    final long rangeBytes;
    final List<long[]> starts = new ArrayList<>();
    long nextBoundary;
    long records;
    @Nullable List<String> headerNames;
    @Nullable String headerBroken;

    Scan(long rangeBytes) {
      this.rangeBytes = rangeBytes;
      this.nextBoundary = rangeBytes;
    }

    /** A record starts at {@code offset} on line {@code line}. */
    void record(long offset, long line) {
      if (offset >= nextBoundary) {
        starts.add(new long[] {offset, line - 1, records});
        // Boundaries inside this record map to the next record start.
        nextBoundary = (offset / rangeBytes + 1) * rangeBytes;
      }
      records++;
    }
  }

  private static void scanCsv(InputStream in, int maxRecordBytes, Scan scan) throws IOException {
    CsvRecordReader rr = new CsvRecordReader(in, 0, 0, Long.MAX_VALUE, maxRecordBytes);
    while (rr.next()) {
      if (rr.header) {
        CsvBatchReader.Header h = CsvBatchReader.Header.of(rr, rr.text());
        scan.headerNames = h.names;
        scan.headerBroken = h.broken;
        continue;
      }
      scan.record(rr.offset, rr.number);
    }
  }

  private static void scanJsonLines(InputStream in, int maxRecordBytes, Scan scan)
      throws IOException {
    BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes);
    StrictUtf8 utf8 = new StrictUtf8();
    BoundedLineReader.Line line;
    while ((line = reader.next()) != null) {
      if (!line.truncated()) {
        int n = utf8.decode(line.bytes, line.length);
        if (n >= 0 && blank(utf8.chars(), n)) {
          continue;
        }
      }
      scan.record(line.offset, line.number);
    }
  }

  private static boolean blank(char[] c, int n) {
    for (int i = 0; i < n; i++) {
      if (!Character.isWhitespace(c[i])) {
        return false;
      }
    }
    return true;
  }
}
