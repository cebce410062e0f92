package dev.sediment.io.table;

import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Parses one CSV file with a header line (RFC 4180 quoting, fields may span lines inside quotes)
 * into rows of a schema. Columns are matched to schema fields by header name, in any order;
 * a nullable field may be absent from the header. Blank lines are not records. Lines end at
 * {@code \n}, {@code \r\n} or a lone {@code \r}; a quoted field spanning lines keeps the line
 * breaks the file has. A header that does not match the schema makes every record a {@link
 * ErrorType#HEADER_MISMATCH}, and is one such record itself when no row follows it, so a file
 * whose bytes were read never counts as 0 records for that reason.
 *
 * <p>Each record is parsed on its own, so one broken line is quarantined and the next one still
 * parses. A quote that opens a multi-line field must close within {@code maxRecordBytes}; if it
 * does not, only its first line is a {@link ErrorType#MALFORMED_RECORD} and the lines after it are
 * parsed as records of their own. Memory is bounded by {@code maxRecordBytes}.
 */
final class CsvFileParser {
  /** A quoted field may span at most this many lines (and at most maxRecordBytes). */
  static final int MAX_CONTINUATION_LINES = 10_000;

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().build();

  private final Schema schema;
  private final int maxRecordBytes;

  CsvFileParser(Schema schema, int maxRecordBytes) {
    this.schema = schema;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Parses {@code in} to its end; returns the number of records seen (rows plus errors). */
  long parse(String source, InputStream in, RecordSink sink) throws Exception {
    Lines lines = new Lines(new BoundedLineReader(in, maxRecordBytes));
    long records = 0;
    int[] columnOfField = null; // schema field index -> CSV column, or -1
    int headerWidth = 0;
    String headerProblem = null;
    Text headerLine = null;
    String headerText = "";
    try (lines) {
      Text line;
      while ((line = lines.next()) != null) {
        boolean header = columnOfField == null;
        String logical;
        RecordException problem = null;
        if (line.problem != null) {
          logical = line.text;
          problem = line.problem;
        } else {
          logical = header && line.text.startsWith("\uFEFF") ? line.text.substring(1) : line.text;
          if (logical.isEmpty()) {
            continue;
          }
          // A record continues on the next lines while its quotes are unbalanced.
          if ((count(logical, '"') & 1) == 1) {
            List<Text> taken = new ArrayList<>();
            StringBuilder sb = new StringBuilder(logical);
            String lineEnd = line.terminator;
            boolean open = true;
            while (open) {
              Text more = lines.next();
              if (more == null
                  || more.problem != null
                  || taken.size() >= MAX_CONTINUATION_LINES
                  || sb.length() + lineEnd.length() + more.text.length() > maxRecordBytes) {
                if (more != null) {
                  taken.add(more);
                }
                break;
              }
              taken.add(more);
              // The field keeps the line break the file has (\n, \r\n or \r), unchanged.
              sb.append(lineEnd).append(more.text);
              lineEnd = more.terminator;
              open = (count(more.text, '"') & 1) == 0;
            }
            if (open) {
              // No closing quote within reach: only this line is broken; parse the rest again.
              lines.pushBack(taken);
              problem =
                  new RecordException(
                      ErrorType.MALFORMED_RECORD,
                      "a quoted field is opened but never closed (looked "
                          + taken.size()
                          + " lines ahead)");
            } else {
              logical = sb.toString();
            }
          }
        }
        if (header) {
          headerLine = line;
          headerText = logical;
          columnOfField = new int[0];
          if (problem != null) {
            headerProblem = "the header line is broken: " + problem.getMessage();
            continue;
          }
          List<String> names;
          try {
            names = split(logical);
          } catch (RecordException e) {
            headerProblem = "the header line does not parse: " + e.getMessage();
            continue;
          }
          headerWidth = names.size();
          columnOfField = new int[schema.getFieldCount()];
          headerProblem = matchHeader(names, columnOfField);
          continue;
        }
        records++;
        try {
          if (problem != null) {
            throw problem;
          }
          if (headerProblem != null) {
            throw new RecordException(ErrorType.HEADER_MISMATCH, headerProblem);
          }
          List<String> cells = split(logical);
          if (cells.size() != headerWidth) {
            throw new RecordException(
                ErrorType.MALFORMED_RECORD,
                "expected " + headerWidth + " fields as in the header, found " + cells.size());
          }
          sink.row(toRow(cells, columnOfField));
        } catch (RecordException e) {
          sink.error(error(source, line.number, line.offset, e, logical));
        }
      }
      if (records == 0 && headerProblem != null) {
        // A broken header with no row after it is still reported: a file whose bytes were read
        // never ends as "0 records".
        records++;
        sink.error(
            RecordError.of(
                source,
                headerLine.number,
                headerLine.offset,
                ErrorType.HEADER_MISMATCH,
                headerProblem,
                headerText));
      }
    } catch (IOException e) {
      // What was parsed stays; the unread tail is one bad record at the point of failure.
      records++;
      sink.error(
          RecordError.of(
              source,
              lines.reader.linesRead() + 1,
              lines.reader.position(),
              ErrorType.UNREADABLE,
              "the file cannot be read past this point: " + e,
              ""));
    }
    return records;
  }

  /** A decoded physical line, or why it could not be decoded. */
  private static final class Text {
    final long number;
    final long offset;
    final String text;
    final String terminator;
    final @Nullable RecordException problem;

    Text(BoundedLineReader.Line l, String text, @Nullable RecordException problem) {
      this.number = l.number;
      this.offset = l.offset;
      this.text = text;
      this.terminator = l.terminator;
      this.problem = problem;
    }
  }

  /** Decoded lines with push-back, so lines read ahead for a multi-line record can be re-read. */
  private final class Lines implements java.io.Closeable {
    final BoundedLineReader reader;
    final TextRecords decoder = new TextRecords();
    final Deque<Text> pushedBack = new ArrayDeque<>();

    Lines(BoundedLineReader reader) {
      this.reader = reader;
    }

    @Nullable
    Text next() throws IOException {
      if (!pushedBack.isEmpty()) {
        return pushedBack.pollFirst();
      }
      BoundedLineReader.Line l = reader.next();
      if (l == null) {
        return null;
      }
      if (l.truncated()) {
        return new Text(
            l,
            TextRecords.lenient(l),
            new RecordException(
                ErrorType.RECORD_TOO_LONG, "the line is longer than " + maxRecordBytes + " bytes"));
      }
      try {
        return new Text(l, decoder.decode(l), null);
      } catch (RecordException e) {
        return new Text(l, TextRecords.lenient(l), e);
      }
    }

    void pushBack(List<Text> taken) {
      for (int i = taken.size() - 1; i >= 0; i--) {
        pushedBack.addFirst(taken.get(i));
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  private Row toRow(List<String> cells, int[] columnOfField) throws RecordException {
    List<Object> values = new ArrayList<>(columnOfField.length);
    for (int i = 0; i < columnOfField.length; i++) {
      Schema.Field f = schema.getField(i);
      int c = columnOfField[i];
      values.add(ValueConverter.fromText(f, c < 0 ? null : cells.get(c)));
    }
    return Row.withSchema(schema).addValues(values).build();
  }

  String matchHeader(List<String> header, int[] columnOfField) {
    Map<String, Integer> byName = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).trim();
      if (byName.put(name, c) != null) {
        return "the header names column '" + name + "' twice";
      }
      if (!schema.hasField(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      return "the header has columns the schema lacks: "
          + unknown
          + "; add them to the schema or remove them from the file";
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Schema.Field f = schema.getField(i);
      Integer c = byName.get(f.getName());
      columnOfField[i] = c == null ? -1 : c;
      if (c == null && !f.getType().getNullable()) {
        missing.add(f.getName());
      }
    }
    if (!missing.isEmpty()) {
      return "the header lacks required columns " + missing;
    }
    return null;
  }

  static List<String> split(String logical) throws RecordException {
    if (logical.indexOf('"') < 0) {
      // Without quotes RFC 4180 is a plain split on commas (a line holds no line break here).
      // A CSVParser per line costs more than the rest of the record's parsing together.
      List<String> cells = new ArrayList<>();
      int from = 0;
      int comma;
      while ((comma = logical.indexOf(',', from)) >= 0) {
        cells.add(logical.substring(from, comma));
        from = comma + 1;
      }
      cells.add(logical.substring(from));
      return cells;
    }
    try (CSVParser p = CSVParser.parse(logical, FORMAT)) {
      List<CSVRecord> recs = p.getRecords();
      if (recs.size() != 1) {
        throw new RecordException(
            ErrorType.MALFORMED_RECORD, "the text holds " + recs.size() + " CSV records, not 1");
      }
      List<String> cells = new ArrayList<>(recs.get(0).size());
      recs.get(0).forEach(cells::add);
      return cells;
    } catch (IOException | RuntimeException e) {
      throw new RecordException(
          ErrorType.MALFORMED_RECORD, "broken CSV quoting: " + firstLine(e.getMessage()));
    }
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static RecordError error(
      String source, long line, long offset, RecordException e, String record) {
    return RecordError.of(source, line, offset, e.type(), e.getMessage(), record);
  }
}
