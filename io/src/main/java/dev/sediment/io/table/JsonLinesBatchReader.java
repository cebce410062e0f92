package dev.sediment.io.table;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Parses a JSON-lines file, or a {@link TextRange} of one, straight into {@link ColumnBatch}es of
 * {@code BatchRows.of(schema).batchSchema()}, with the same outcome for every input as {@link
 * JsonLinesFileParser}: the same rows and the same {@link RecordError}s in the same order.
 *
 * <pre>{@code
 * long records = new JsonLinesBatchReader(schema, TableIO.DEFAULT_MAX_RECORD_BYTES)
 *     .read("file:/data/readings.jsonl", in, sink);
 * }</pre>
 *
 * <p>A line is read with Jackson's streaming parser (the factory and features {@link
 * JsonLinesFileParser} uses), without a tree: a flat object whose keys are all schema columns, with
 * scalar values of the columns' types, goes into the column builders directly (numbers from their
 * text, strings as UTF-8). Anything else, including every line that is refused, is rolled back and
 * parsed again by {@link JsonLinesFileParser}'s own record conversion, so refusals (syntax,
 * duplicate or unknown keys, types, ranges, surrogates) keep their exact type and message.
 *
 * <p>One deliberate difference: a value of a Beam {@code TIME} or local {@code DATETIME} column
 * finer than a microsecond (only Beam schemas have these types; an Avro {@code --schema} cannot
 * declare them) is a {@link ErrorType#TYPE_MISMATCH}, since a batch keeps microseconds ({@link
 * dev.sediment.io.batch.BatchRows}) and would otherwise have to truncate it.
 *
 * <p>Provenance, batch cutting and memory as {@link CsvBatchReader}.
 */
public final class JsonLinesBatchReader {
  private static final byte NONE = 0;
  private static final byte NULL = 1;
  private static final byte STRING = 2;
  private static final byte INT = 3;
  private static final byte FLOAT = 4;
  private static final byte TRUE = 5;
  private static final byte FALSE = 6;

  private final Schema schema;
  private final int maxRecordBytes;
  private final int maxRows;
  private final long maxBytes;
  private final TextCells cells;
  private final JsonLinesFileParser slow;

  public JsonLinesBatchReader(Schema schema, int maxRecordBytes) {
    this(schema, maxRecordBytes, ColumnBatch.DEFAULT_MAX_ROWS, ColumnBatch.DEFAULT_MAX_BYTES);
  }

  public JsonLinesBatchReader(Schema schema, int maxRecordBytes, int maxRows, long maxBytes) {
    ValueConverter.checkSupported(schema);
    if (maxRecordBytes <= 0 || maxRows <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes, maxRows and maxBytes must be positive");
    }
    this.schema = schema;
    this.maxRecordBytes = maxRecordBytes;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.cells = new TextCells(schema);
    this.slow = new JsonLinesFileParser(schema, maxRecordBytes);
  }

  public BatchSchema batchSchema() {
    return cells.batchSchema();
  }

  /** Parses a whole file; returns the number of records seen (rows plus errors). */
  public long read(String source, InputStream in, BatchSink sink) throws Exception {
    return read(source, in, TextRange.wholeFile(source), sink);
  }

  /** Parses the records of {@code range}; {@code in} starts at {@code range.start()}. */
  public long read(String source, InputStream in, TextRange range, BatchSink sink)
      throws Exception {
    return new Run(source, sink, range).parse(in);
  }

  private final class Run {
    final String source;
    final BatchSink sink;
    final TextRange range;
    final StrictUtf8 utf8 = new StrictUtf8();
    final JsonFactory factory = JsonLinesFileParser.MAPPER.getFactory();
    ColumnBatch.Builder batch;
    long records;
    // Per column, what the current line holds: a token kind, a long, or text in textChars.
    final byte[] token;
    final long[] longs;
    final int[] textFrom;
    final int[] textTo;
    char[] textChars = new char[256];
    int textLength;
    byte[] bytes = new byte[256];

    Run(String source, BatchSink sink, TextRange range) {
      this.source = source;
      this.sink = sink;
      this.range = range;
      this.records = range.recordsBefore();
      int n = schema.getFieldCount();
      token = new byte[n];
      longs = new long[n];
      textFrom = new int[n];
      textTo = new int[n];
      newBatch();
    }

    void newBatch() {
      batch = ColumnBatch.builder(cells.batchSchema(), maxRows, maxBytes);
      batch.source(source);
    }

    long parse(InputStream in) throws Exception {
      BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes);
      long base = range.start();
      long lines = range.linesBefore();
      try (reader) {
        BoundedLineReader.Line line;
        while ((line = reader.next()) != null) {
          long offset = base + line.offset;
          long number = lines + line.number;
          if (offset >= range.end()) {
            break;
          }
          if (line.truncated()) {
            records++;
            sink.error(
                RecordError.of(
                    source,
                    number,
                    offset,
                    ErrorType.RECORD_TOO_LONG,
                    "the line is longer than " + maxRecordBytes + " bytes",
                    TextRecords.lenient(line)));
            continue;
          }
          int n = utf8.decode(line.bytes, line.length);
          if (n < 0) {
            records++;
            sink.error(
                RecordError.of(
                    source,
                    number,
                    offset,
                    ErrorType.ENCODING,
                    "the line is not valid UTF-8",
                    TextRecords.lenient(line)));
            continue;
          }
          char[] chars = utf8.chars();
          if (isBlank(chars, n)) {
            continue;
          }
          long index = records++;
          if (!fast(chars, n)) {
            batch.rollbackRow();
            String s = new String(chars, 0, n);
            try {
              Row row = slow.toRow(s);
              for (int c = 0; c < token.length; c++) {
                cells.appendValue(batch.column(c), c, row.getValue(c));
              }
            } catch (RecordException e) {
              batch.rollbackRow();
              sink.error(CsvFileParser.error(source, number, offset, e, s));
              continue;
            }
          }
          batch.endRow(index, offset, number);
          if (batch.isFull()) {
            sink.batch(batch.build());
            newBatch();
          }
        }
      } catch (IOException e) {
        records++;
        sink.error(
            RecordError.of(
                source,
                lines + reader.linesRead() + 1,
                base + reader.position(),
                ErrorType.UNREADABLE,
                "the file cannot be read past this point: " + e,
                ""));
      }
      if (batch.rowCount() > 0) {
        sink.batch(batch.build());
      }
      return records - range.recordsBefore();
    }

    /** As {@code String.isBlank()}: every char is whitespace (no supplementary one is). */
    boolean isBlank(char[] c, int n) {
      for (int i = 0; i < n; i++) {
        if (!Character.isWhitespace(c[i])) {
          return false;
        }
      }
      return true;
    }

    /** Tokenizes the line and appends its row; false if the slow path must decide. */
    boolean fast(char[] chars, int n) {
      Arrays.fill(token, NONE);
      textLength = 0;
      BatchSchema bs = cells.batchSchema();
      try (JsonParser p = factory.createParser(chars, 0, n)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          int c = bs.indexOf(p.currentName());
          if (c < 0 || token[c] != NONE) {
            return false;
          }
          switch (p.nextToken()) {
            case VALUE_NULL:
              token[c] = NULL;
              break;
            case VALUE_TRUE:
              token[c] = TRUE;
              break;
            case VALUE_FALSE:
              token[c] = FALSE;
              break;
            case VALUE_STRING:
              token[c] = STRING;
              keepText(p, c);
              break;
            case VALUE_NUMBER_INT:
              JsonParser.NumberType nt = p.getNumberType();
              if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
                return false;
              }
              token[c] = INT;
              longs[c] = p.getLongValue();
              break;
            case VALUE_NUMBER_FLOAT:
              token[c] = FLOAT;
              keepText(p, c);
              break;
            default:
              return false;
          }
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        return false;
      }
      for (int c = 0; c < token.length; c++) {
        if (!append(batch.column(c), c)) {
          return false;
        }
      }
      return true;
    }

    void keepText(JsonParser p, int c) throws IOException {
      int len = p.getTextLength();
      if (textLength + len > textChars.length) {
        textChars = Arrays.copyOf(textChars, Math.max(textChars.length * 2, textLength + len));
      }
      System.arraycopy(p.getTextCharacters(), p.getTextOffset(), textChars, textLength, len);
      textFrom[c] = textLength;
      textLength += len;
      textTo[c] = textLength;
    }

    boolean append(ColumnVector.Builder col, int c) {
      byte t = token[c];
      if (t == NONE || t == NULL) {
        return cells.empty(col, c);
      }
      switch (cells.kind(c)) {
        case STRING:
          if (t != STRING) {
            return false;
          }
          int len = utf8(c);
          if (len < 0) {
            return false;
          }
          ((BinaryColumn.Builder) col).append(bytes, 0, len);
          return true;
        case INT8:
          return t == INT && fits(longs[c], Byte.MIN_VALUE, Byte.MAX_VALUE) && appendInt(col, c);
        case INT16:
          return t == INT && fits(longs[c], Short.MIN_VALUE, Short.MAX_VALUE) && appendInt(col, c);
        case INT32:
          return t == INT && fits(longs[c], Integer.MIN_VALUE, Integer.MAX_VALUE)
              && appendInt(col, c);
        case INT64:
          if (t != INT) {
            return false;
          }
          ((LongColumn.Builder) col).append(longs[c]);
          return true;
        case TS_MICROS:
        case TS_NANOS:
          if (t == INT) {
            ((LongColumn.Builder) col).append(longs[c]);
            return true;
          }
          return t == STRING && text(col, c);
        case MILLIS:
        case AVRO_DATE:
          return t == STRING && text(col, c);
        case DOUBLE:
        case FLOAT:
          boolean isFloat = cells.kind(c) == TextCells.Kind.FLOAT;
          if (t == INT) {
            // As BigDecimal.valueOf(v).doubleValue()/floatValue(): one correctly rounded cast.
            if (isFloat) {
              ((FloatColumn.Builder) col).append((float) longs[c]);
            } else {
              ((DoubleColumn.Builder) col).append((double) longs[c]);
            }
            return true;
          }
          if (t != FLOAT) {
            return false;
          }
          int l = utf8(c);
          return l > 0 && cells.jsonDouble(col, bytes, 0, l, isFloat);
        case BOOLEAN:
          if (t != TRUE && t != FALSE) {
            return false;
          }
          ((BooleanColumn.Builder) col).append(t == TRUE);
          return true;
        default:
          return false;
      }
    }

    /** A JSON string read as text (ValueConverter.fromText): empty is null. */
    boolean text(ColumnVector.Builder col, int c) {
      int len = utf8(c);
      if (len < 0) {
        return false;
      }
      if (len == 0) {
        return cells.empty(col, c);
      }
      return cells.text(col, c, bytes, 0, len);
    }

    boolean appendInt(ColumnVector.Builder col, int c) {
      ((IntColumn.Builder) col).append((int) longs[c]);
      return true;
    }

    boolean fits(long v, long min, long max) {
      return v >= min && v <= max;
    }

    /**
     * The UTF-8 bytes of column {@code c}'s text into {@link #bytes}; -1 if it holds a lone
     * surrogate (an ENCODING error the slow path reports).
     */
    int utf8(int c) {
      int from = textFrom[c];
      int to = textTo[c];
      if (bytes.length < 4 * (to - from)) {
        bytes = new byte[Math.max(bytes.length * 2, 4 * (to - from))];
      }
      byte[] out = bytes;
      int n = 0;
      char[] s = textChars;
      for (int i = from; i < to; i++) {
        char ch = s[i];
        if (ch < 0x80) {
          out[n++] = (byte) ch;
        } else if (ch < 0x800) {
          out[n++] = (byte) (0xC0 | (ch >> 6));
          out[n++] = (byte) (0x80 | (ch & 0x3F));
        } else if (Character.isSurrogate(ch)) {
          if (!Character.isHighSurrogate(ch) || i + 1 >= to || !Character.isLowSurrogate(s[i + 1])) {
            return -1;
          }
          int cp = Character.toCodePoint(ch, s[++i]);
          out[n++] = (byte) (0xF0 | (cp >> 18));
          out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          out[n++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          out[n++] = (byte) (0xE0 | (ch >> 12));
          out[n++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
          out[n++] = (byte) (0x80 | (ch & 0x3F));
        }
      }
      return n;
    }
  }
}
