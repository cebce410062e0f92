package dev.sediment.io.table;

import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Parses a CSV file, or a {@link TextRange} of one, straight into {@link ColumnBatch}es of {@code
 * BatchRows.of(schema).batchSchema()}, with the same outcome for every input as {@link
 * CsvFileParser}: the same rows, and the same {@link RecordError}s (type, message, line, byte
 * offset, text) in the same order.
 *
 * <pre>{@code
 * long records = new CsvBatchReader(schema, TableIO.DEFAULT_MAX_RECORD_BYTES)
 *     .read("file:/data/trades.csv", in, sink);
 * }</pre>
 *
 * <p>Records are grouped from lines by {@link CsvRecordReader} (as {@link CsvFileParser} does);
 * fields are split on the record's bytes, and cells go into the column builders through {@link
 * TextCells}' fast paths, with no {@code String} or boxed value per cell for the common forms. A
 * record whose quoting is anything but plain RFC 4180 ({@code "a ""b"""} followed by a comma or the
 * end) is split by the same commons-csv call as {@link CsvFileParser}, and a cell no fast path
 * covers is converted by {@link ValueConverter}, so refusals keep their exact type and message. A
 * row that fails part-way is rolled back ({@link ColumnBatch.Builder#rollbackRow()}).
 *
 * <p>One deliberate difference: a value of a Beam {@code TIME} or local {@code DATETIME} column
 * finer than a microsecond (only Beam schemas have these types; an Avro {@code --schema} cannot
 * declare them) is a {@link ErrorType#TYPE_MISMATCH}, since a batch keeps microseconds ({@link
 * dev.sediment.io.batch.BatchRows}) and would otherwise have to truncate it.
 *
 * <p>Each row keeps its provenance: the source, its 0-based record ordinal in the file (bad
 * records and the records of earlier ranges counted, so positions are stable however the file is
 * split), the byte offset and the 1-based line where it starts. Batches are cut at {@code maxRows}
 * rows or {@code maxBytes} bytes (default {@link ColumnBatch#DEFAULT_MAX_ROWS}, {@link
 * ColumnBatch#DEFAULT_MAX_BYTES}). Memory is bounded by {@code maxRecordBytes} plus one batch.
 */
public final class CsvBatchReader {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long COMMAS = 0x2C2C2C2C2C2C2C2CL;

  private final Schema schema;
  private final int maxRecordBytes;
  private final int maxRows;
  private final long maxBytes;
  private final TextCells cells;
  private final CsvFileParser header;

  public CsvBatchReader(Schema schema, int maxRecordBytes) {
    this(schema, maxRecordBytes, ColumnBatch.DEFAULT_MAX_ROWS, ColumnBatch.DEFAULT_MAX_BYTES);
  }

  public CsvBatchReader(Schema schema, int maxRecordBytes, int maxRows, long maxBytes) {
    ValueConverter.checkSupported(schema);
    if (maxRecordBytes <= 0 || maxRows <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes, maxRows and maxBytes must be positive");
    }
    this.schema = schema;
    this.maxRecordBytes = maxRecordBytes;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.cells = new TextCells(schema);
    this.header = new CsvFileParser(schema, maxRecordBytes);
  }

  /** The schema of the batches. */
  public BatchSchema batchSchema() {
    return cells.batchSchema();
  }

  /** Parses a whole file; returns the number of records seen (rows plus errors). */
  public long read(String source, InputStream in, BatchSink sink) throws Exception {
    return read(source, in, TextRange.wholeFile(source), sink);
  }

  /**
   * Parses the records of {@code range}; {@code in} starts at {@code range.start()} of the file.
   * Returns the number of records seen (rows plus errors).
   */
  public long read(String source, InputStream in, TextRange range, BatchSink sink)
      throws Exception {
    return new Run(source, sink, range).parse(in);
  }

  /** A CSV header line as read: its column names, or why it cannot be used. */
  static final class Header {
    final @Nullable List<String> names;
    final @Nullable String broken;

    private Header(@Nullable List<String> names, @Nullable String broken) {
      this.names = names;
      this.broken = broken;
    }

    /** The header record {@code rr} is at (its text is {@code text}), as CsvFileParser reads it. */
    static Header of(CsvRecordReader rr, String text) {
      if (rr.problem != null) {
        return new Header(null, "the header line is broken: " + rr.problem.getMessage());
      }
      try {
        return new Header(CsvFileParser.split(text), null);
      } catch (RecordException e) {
        return new Header(null, "the header line does not parse: " + e.getMessage());
      }
    }
  }

  /** The state of one read. */
  private final class Run {
    final String source;
    final BatchSink sink;
    final TextRange range;
    ColumnBatch.Builder batch;
    long records;
    int @Nullable [] columnOfField;
    int headerWidth;
    @Nullable String headerProblem;
    long headerLine;
    long headerOffset;
    String headerText = "";
    // Fields of the current record: cells are fieldArray[i][fieldFrom[i], fieldTo[i]).
    byte[][] fieldArray = new byte[16][];
    int[] fieldFrom = new int[16];
    int[] fieldTo = new int[16];
    int fields;
    byte[] unescaped = new byte[256];
    int unescapedLength;

    Run(String source, BatchSink sink, TextRange range) {
      this.source = source;
      this.sink = sink;
      this.range = range;
      this.records = range.recordsBefore();
      if (range.start() > 0) {
        setHeader(range.headerNames(), range.headerBroken());
      }
      newBatch();
    }

    void newBatch() {
      batch = ColumnBatch.builder(cells.batchSchema(), maxRows, maxBytes);
      batch.source(source);
    }

    void setHeader(@Nullable List<String> names, @Nullable String broken) {
      if (broken != null || names == null) {
        columnOfField = new int[0];
        headerWidth = 0;
        headerProblem = broken == null ? "the header line is missing" : broken;
        return;
      }
      headerWidth = names.size();
      columnOfField = new int[schema.getFieldCount()];
      headerProblem = header.matchHeader(names, columnOfField);
    }

    long parse(InputStream in) throws Exception {
      CsvRecordReader rr =
          new CsvRecordReader(
              in, range.start(), range.linesBefore(), range.end(), maxRecordBytes);
      try (rr) {
        while (rr.next()) {
          if (rr.header) {
            readHeader(rr);
            continue;
          }
          long index = records++;
          if (rr.problem != null) {
            error(rr, rr.problem);
          } else if (headerProblem != null) {
            error(rr, new RecordException(ErrorType.HEADER_MISMATCH, headerProblem));
          } else {
            row(rr, index);
          }
        }
        if (range.isWholeFile() && records == 0 && headerProblem != null) {
          // A broken header with no row after it is still reported (as CsvFileParser does).
          records++;
          sink.error(
              RecordError.of(
                  source, headerLine, headerOffset, ErrorType.HEADER_MISMATCH, headerProblem,
                  headerText));
        }
      } catch (IOException e) {
        // What was parsed stays; the unread tail is one bad record at the point of failure.
        records++;
        sink.error(
            RecordError.of(
                source,
                rr.linesRead() + 1,
                rr.position(),
                ErrorType.UNREADABLE,
                "the file cannot be read past this point: " + e,
                ""));
      }
      if (batch.rowCount() > 0) {
        sink.batch(batch.build());
      }
      return records - range.recordsBefore();
    }

    void readHeader(CsvRecordReader rr) {
      headerLine = rr.number;
      headerOffset = rr.offset;
      headerText = rr.text();
      Header h = Header.of(rr, headerText);
      setHeader(h.names, h.broken);
    }

    void error(CsvRecordReader rr, RecordException e) throws Exception {
      sink.error(CsvFileParser.error(source, rr.number, rr.offset, e, rr.text()));
    }

    void row(CsvRecordReader rr, long index) throws Exception {
      int[] columns = columnOfField;
      List<String> slow = null;
      try {
        if (!split(rr.data, rr.length, rr.hasQuotes)) {
          slow = CsvFileParser.split(rr.text());
          fields = slow.size();
        }
        if (fields != headerWidth) {
          throw new RecordException(
              ErrorType.MALFORMED_RECORD,
              "expected " + headerWidth + " fields as in the header, found " + fields);
        }
        for (int i = 0; i < columns.length; i++) {
          ColumnVector.Builder col = batch.column(i);
          int c = columns[i];
          if (slow != null) {
            cells.convert(col, i, c < 0 ? null : slow.get(c));
          } else if (c < 0 || fieldFrom[c] == fieldTo[c]) {
            if (!cells.empty(col, i)) {
              cells.convert(col, i, c < 0 ? null : "");
            }
          } else if (!cells.text(col, i, fieldArray[c], fieldFrom[c], fieldTo[c])) {
            cells.convert(
                col,
                i,
                new String(
                    fieldArray[c], fieldFrom[c], fieldTo[c] - fieldFrom[c], StandardCharsets.UTF_8));
          }
        }
      } catch (RecordException e) {
        batch.rollbackRow();
        error(rr, e);
        return;
      }
      batch.endRow(index, rr.offset, rr.number);
      if (batch.isFull()) {
        sink.batch(batch.build());
        newBatch();
      }
    }

    /**
     * Splits {@code b[0, n)} into {@link #fields}; false if the record is not plain RFC 4180
     * (a quote inside an unquoted field, text after a closing quote, an unclosed quote, a line
     * break outside quotes), which only commons-csv decides exactly as {@link CsvFileParser}.
     */
    boolean split(byte[] b, int n, boolean hasQuotes) {
      fields = 0;
      unescapedLength = 0;
      int p = 0;
      if (!hasQuotes) {
        // As CsvFileParser: without quotes RFC 4180 is a plain split on commas, found eight
        // bytes at a time.
        int i = 0;
        for (; i + 8 <= n; i += 8) {
          long commas = BoundedLineReader.zeroBytes((long) LONGS.get(b, i) ^ COMMAS);
          while (commas != 0) {
            int at = i + (Long.numberOfTrailingZeros(commas) >>> 3);
            addField(b, p, at);
            p = at + 1;
            commas &= commas - 1;
          }
        }
        for (; i < n; i++) {
          if (b[i] == ',') {
            addField(b, p, i);
            p = i + 1;
          }
        }
        addField(b, p, n);
        return true;
      }
      while (true) {
        if (p < n && b[p] == '"') {
          int r = p + 1;
          int start = r;
          boolean escaped = false;
          while (true) {
            if (r >= n) {
              return false;
            }
            if (b[r] == '"') {
              if (r + 1 < n && b[r + 1] == '"') {
                escaped = true;
                r += 2;
                continue;
              }
              break;
            }
            r++;
          }
          if (escaped) {
            addUnescaped(b, start, r);
          } else {
            addField(b, start, r);
          }
          p = r + 1;
          if (p == n) {
            return true;
          }
          if (b[p] != ',') {
            return false;
          }
          p++;
        } else {
          int q = p;
          while (q < n && b[q] != ',') {
            byte x = b[q];
            if (x == '"' || x == '\n' || x == '\r') {
              return false;
            }
            q++;
          }
          addField(b, p, q);
          if (q == n) {
            return true;
          }
          p = q + 1;
        }
      }
    }

    void addField(byte[] array, int from, int to) {
      if (fields == fieldFrom.length) {
        int size = fields * 2;
        fieldArray = Arrays.copyOf(fieldArray, size);
        fieldFrom = Arrays.copyOf(fieldFrom, size);
        fieldTo = Arrays.copyOf(fieldTo, size);
      }
      fieldArray[fields] = array;
      fieldFrom[fields] = from;
      fieldTo[fields] = to;
      fields++;
    }

    /** A quoted field with {@code ""} escapes, unescaped into {@link #unescaped}. */
    void addUnescaped(byte[] b, int from, int to) {
      if (unescapedLength + (to - from) > unescaped.length) {
        byte[] bigger = Arrays.copyOf(unescaped, Math.max(unescaped.length * 2, unescapedLength + to - from));
        // Fields already pointing into the old buffer move to the new one.
        for (int i = 0; i < fields; i++) {
          if (fieldArray[i] == unescaped) {
            fieldArray[i] = bigger;
          }
        }
        unescaped = bigger;
      }
      int start = unescapedLength;
      for (int i = from; i < to; i++) {
        unescaped[unescapedLength++] = b[i];
        if (b[i] == '"') {
          i++; // the second quote of a pair
        }
      }
      addField(unescaped, start, unescapedLength);
    }
  }
}
