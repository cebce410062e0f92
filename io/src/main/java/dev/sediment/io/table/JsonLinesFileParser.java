package dev.sediment.io.table;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Parses one JSON-lines file (one JSON object per line) into rows of a schema. Keys match field
 * names; a key the schema lacks is an {@link ErrorType#UNKNOWN_FIELD}, so no value is dropped
 * silently. A key that appears twice in one object is a {@link ErrorType#MALFORMED_RECORD} (which
 * value is meant is ambiguous; keeping the last would drop the other silently). Numbers are read
 * exactly (as {@link java.math.BigDecimal}), so a value a column cannot hold is refused by {@link
 * ValueConverter} instead of becoming an infinity. Blank lines are not records; lines end at
 * {@code \n}, {@code \r\n} or {@code \r}.
 */
final class JsonLinesFileParser {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Schema schema;
  private final int maxRecordBytes;

  JsonLinesFileParser(Schema schema, int maxRecordBytes) {
    this.schema = schema;
    this.maxRecordBytes = maxRecordBytes;
  }

  long parse(String source, InputStream in, RecordSink sink) throws Exception {
    TextRecords text = new TextRecords();
    long records = 0;
    BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes);
    try (reader) {
      BoundedLineReader.Line line;
      while ((line = reader.next()) != null) {
        if (line.truncated()) {
          records++;
          sink.error(
              RecordError.of(
                  source,
                  line.number,
                  line.offset,
                  ErrorType.RECORD_TOO_LONG,
                  "the line is longer than " + maxRecordBytes + " bytes",
                  TextRecords.lenient(line)));
          continue;
        }
        String s;
        try {
          s = text.decode(line);
        } catch (RecordException e) {
          records++;
          sink.error(
              CsvFileParser.error(source, line.number, line.offset, e, TextRecords.lenient(line)));
          continue;
        }
        if (s.isBlank()) {
          continue;
        }
        records++;
        try {
          sink.row(toRow(s));
        } catch (RecordException e) {
          sink.error(CsvFileParser.error(source, line.number, line.offset, e, s));
        }
      }
    } catch (java.io.IOException e) {
      // What was parsed stays; the unread tail is one bad record at the point of failure.
      records++;
      sink.error(
          RecordError.of(
              source,
              reader.linesRead() + 1,
              reader.position(),
              ErrorType.UNREADABLE,
              "the file cannot be read past this point: " + e,
              ""));
    }
    return records;
  }

  Row toRow(String s) throws RecordException {
    JsonNode node;
    try {
      node = MAPPER.readTree(s);
    } catch (JsonParseException e) {
      String msg = CsvFileParser.firstLine(e.getOriginalMessage());
      if (msg.startsWith("Duplicate field ")) {
        throw new RecordException(
            ErrorType.MALFORMED_RECORD,
            "key "
                + msg.substring("Duplicate field ".length())
                + " appears twice in the object; keep one value upstream");
      }
      throw new RecordException(ErrorType.MALFORMED_RECORD, "invalid JSON: " + msg);
    } catch (JsonProcessingException e) {
      throw new RecordException(
          ErrorType.MALFORMED_RECORD,
          "invalid JSON: " + CsvFileParser.firstLine(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new RecordException(ErrorType.MALFORMED_RECORD, "the line is not a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!schema.hasField(key)) {
        throw new RecordException(
            ErrorType.UNKNOWN_FIELD,
            "key '" + key + "' is not in the schema; add it to the schema or drop it upstream");
      }
    }
    List<Object> values = new ArrayList<>(schema.getFieldCount());
    for (Schema.Field f : schema.getFields()) {
      values.add(ValueConverter.fromJson(f, node.get(f.getName())));
    }
    return Row.withSchema(schema).addValues(values).build();
  }
}
