package dev.sediment.io.table;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Infers the schema of table files from their first records, so users can start from their data.
 *
 * <pre>{@code
 * String avsc = TableSchemaInference.inferAvroSchemaJson("data/*.csv", TableIO.Format.CSV, 10_000);
 * Schema schema = AvroTableSchema.toBeamSchema(avsc);   // or TableSchemaInference.infer(...)
 * }</pre>
 *
 * <p>Reads at most {@code maxRecords} records, file after file in name order, on the calling
 * thread through Beam {@link FileSystems} (local, {@code s3://}, {@code gs://}; compressed files by
 * extension). Columns are the CSV header names (the union over files, in order of first
 * appearance) or the JSON keys (the union, in order of first appearance). Each column gets the
 * narrowest type every non-null value fits, in this order: {@code boolean} ({@code true}/{@code
 * false}), {@code long}, {@code double}, {@code date} ({@code 2026-02-03}), {@code
 * timestamp-millis}/{@code -micros} (ISO-8601 instants, by the finest fraction seen; an instant
 * finer than a microsecond makes a string; declare {@code timestamp-nanos} to keep it), else {@code
 * string}. A column with no non-null value is a string. In JSON lines only
 * JSON booleans and numbers count as booleans and numbers, as {@link TableIO} reads them; a column
 * of objects or arrays is a string, and {@link TableIO} will quarantine those values. Every field
 * is nullable; an empty CSV cell and a JSON null or absent key are null. Records that do not parse
 * (broken quoting, invalid JSON, lines over {@link TableIO#DEFAULT_MAX_RECORD_BYTES}) are left out:
 * the pipeline that reads the data quarantines them. For Parquet the footer schema of the first
 * file is returned. The result is deterministic: the same files give the same schema. Memory is
 * bounded by the number of columns and the longest record.
 */
public final class TableSchemaInference {
  /** Name of the inferred Avro record. */
  public static final String RECORD_NAME = "Inferred";

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LONG = Pattern.compile("-?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private TableSchemaInference() {}

  /** The inferred schema as Beam sees it: {@code AvroTableSchema.toBeamSchema} of the Avro one. */
  public static Schema infer(String glob, TableIO.Format format, int maxRecords)
      throws IOException {
    return AvroTableSchema.toBeamSchema(inferAvroSchemaJson(glob, format, maxRecords));
  }

  /**
   * The inferred schema as an Avro record schema (JSON), every field a union of {@code null} and
   * its type with default null.
   *
   * @throws java.io.FileNotFoundException if nothing matches {@code glob}
   * @throws IllegalArgumentException if a column name is not a valid Avro name
   */
  public static String inferAvroSchemaJson(String glob, TableIO.Format format, int maxRecords)
      throws IOException {
    checkArgument(maxRecords > 0, "maxRecords must be > 0, was %s", maxRecords);
    checkArgument(format != null, "format can not be null");
    if (format == TableIO.Format.PARQUET) {
      return TableIO.parquetAvroSchema(glob);
    }
    MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
    List<MatchResult.Metadata> files =
        new ArrayList<>(
            match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata());
    if (files.isEmpty()) {
      throw new java.io.FileNotFoundException("no file matches " + glob);
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    Map<String, Column> columns = new LinkedHashMap<>();
    long left = maxRecords;
    for (MatchResult.Metadata m : files) {
      if (left == 0) {
        break;
      }
      try (InputStream in =
          Channels.newInputStream(
              Compression.detect(m.resourceId().getFilename())
                  .readDecompressed(FileSystems.open(m.resourceId())))) {
        left -=
            format == TableIO.Format.CSV
                ? readCsv(in, columns, left)
                : readJsonLines(in, columns, left);
      }
    }
    return toAvroJson(columns);
  }

  private static long readCsv(InputStream in, Map<String, Column> columns, long max)
      throws IOException {
    TextRecords decoder = new TextRecords();
    List<Column> header = null;
    long records = 0;
    try (BoundedLineReader lines = new BoundedLineReader(in, TableIO.DEFAULT_MAX_RECORD_BYTES)) {
      BoundedLineReader.Line line;
      while (records < max && (line = lines.next()) != null) {
        String text = decode(decoder, line);
        if (text == null || text.isEmpty()) {
          continue;
        }
        if (header == null && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        // A quoted field may span lines: join them while the quotes are unbalanced.
        int continuations = 0;
        boolean broken = false;
        while ((quotes(text) & 1) == 1) {
          BoundedLineReader.Line more = lines.next();
          String next = more == null ? null : decode(decoder, more);
          if (next == null
              || continuations++ >= CsvFileParser.MAX_CONTINUATION_LINES
              || text.length() + 1 + next.length() > TableIO.DEFAULT_MAX_RECORD_BYTES) {
            broken = true;
            break;
          }
          text = text + "\n" + next;
        }
        if (broken) {
          continue;
        }
        List<String> cells = split(text);
        if (cells == null) {
          continue;
        }
        if (header == null) {
          header = new ArrayList<>();
          for (String name : cells) {
            String n = name.trim();
            header.add(columns.computeIfAbsent(n, Column::new));
          }
          continue;
        }
        if (cells.size() != header.size()) {
          continue;
        }
        records++;
        for (int i = 0; i < cells.size(); i++) {
          String cell = cells.get(i);
          if (!cell.isEmpty()) {
            header.get(i).text(cell);
          }
        }
      }
    }
    return records;
  }

  private static long readJsonLines(InputStream in, Map<String, Column> columns, long max)
      throws IOException {
    TextRecords decoder = new TextRecords();
    long records = 0;
    try (BoundedLineReader lines = new BoundedLineReader(in, TableIO.DEFAULT_MAX_RECORD_BYTES)) {
      BoundedLineReader.Line line;
      while (records < max && (line = lines.next()) != null) {
        String text = decode(decoder, line);
        if (text == null || text.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
          continue;
        }
        if (node == null || !node.isObject()) {
          continue;
        }
        records++;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Column c = columns.computeIfAbsent(e.getKey(), Column::new);
          JsonNode v = e.getValue();
          if (v.isNull()) {
            continue;
          }
          if (v.isTextual()) {
            c.jsonText(v.textValue());
          } else if (v.isBoolean()) {
            c.only(Type.BOOLEAN);
          } else if (v.isNumber()) {
            c.number(v.isIntegralNumber() && v.canConvertToLong());
          } else {
            c.only(Type.STRING);
          }
        }
      }
    }
    return records;
  }

  /** A decoded line, or null when it is too long or not UTF-8 (left out of the inference). */
  private static String decode(TextRecords decoder, BoundedLineReader.Line line) {
    if (line.truncated()) {
      return null;
    }
    try {
      return decoder.decode(line);
    } catch (RecordException e) {
      return null;
    }
  }

  private static List<String> split(String text) {
    try (CSVParser p = CSVParser.parse(text, CSV)) {
      List<CSVRecord> recs = p.getRecords();
      if (recs.size() != 1) {
        return null;
      }
      List<String> cells = new ArrayList<>(recs.get(0).size());
      recs.get(0).forEach(cells::add);
      return cells;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int quotes(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }

  private static String toAvroJson(Map<String, Column> columns) {
    ObjectNode record = JSON.createObjectNode();
    record.put("type", "record").put("name", RECORD_NAME);
    ArrayNode fields = record.putArray("fields");
    for (Column c : columns.values()) {
      if (!AVRO_NAME.matcher(c.name).matches()) {
        throw new IllegalArgumentException(
            "column '"
                + c.name
                + "' is not a valid Avro field name (letters, digits and _, not starting with a"
                + " digit); write the schema yourself and rename the column there and in the data");
      }
      ObjectNode f = fields.addObject();
      f.put("name", c.name);
      ArrayNode union = f.putArray("type");
      union.add("null");
      Type t = c.type();
      switch (t) {
        case DATE:
          union.addObject().put("type", "int").put("logicalType", "date");
          break;
        case TIMESTAMP_MILLIS:
        case TIMESTAMP_MICROS:
          union.addObject().put("type", "long").put("logicalType", t.avro);
          break;
        default:
          union.add(t.avro);
      }
      f.putNull("default");
    }
    String json = record.toString();
    new org.apache.avro.Schema.Parser().parse(json); // the contract: it parses back
    return json;
  }

  /** Inferred types, narrowest first. */
  enum Type {
    BOOLEAN("boolean"),
    LONG("long"),
    DOUBLE("double"),
    DATE("date"),
    TIMESTAMP_MILLIS("timestamp-millis"),
    TIMESTAMP_MICROS("timestamp-micros"),
    STRING("string");

    final String avro;

    Type(String avro) {
      this.avro = avro;
    }
  }

  /** Which types every value of one column seen so far fits. */
  private static final class Column {
    final String name;
    boolean seen;
    boolean bool = true;
    boolean integer = true;
    boolean decimal = true;
    boolean date = true;
    boolean timestamp = true;
    /** Finest fraction of a timestamp seen: 0 millis, 1 micros, 2 nanos. */
    int precision;

    Column(String name) {
      this.name = name;
    }

    /** A CSV cell: any type may fit. Non-string types are read trimmed, as TableIO does. */
    void text(String cell) {
      seen = true;
      String s = cell.trim();
      bool &= "true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s);
      integer &= LONG.matcher(s).matches() && fitsLong(s);
      decimal &= DECIMAL.matcher(s).matches();
      temporal(s);
    }

    /** A JSON string: only a date, a timestamp or a string. */
    void jsonText(String value) {
      seen = true;
      bool = false;
      integer = false;
      decimal = false;
      temporal(value.trim());
    }

    void number(boolean isLong) {
      seen = true;
      bool = false;
      integer &= isLong;
      date = false;
      timestamp = false;
    }

    void only(Type t) {
      seen = true;
      bool &= t == Type.BOOLEAN;
      integer = false;
      decimal = false;
      date = false;
      timestamp = false;
    }

    private void temporal(String s) {
      if (date) {
        date = DATE.matcher(s).matches() && isDate(s);
      }
      if (timestamp) {
        Instant i = instant(s);
        if (i == null) {
          timestamp = false;
        } else if (i.getNano() % 1_000 != 0) {
          precision = 2;
        } else if (i.getNano() % 1_000_000 != 0) {
          precision = Math.max(precision, 1);
        }
      }
    }

    Type type() {
      if (!seen) {
        return Type.STRING;
      }
      if (bool) {
        return Type.BOOLEAN;
      }
      if (integer) {
        return Type.LONG;
      }
      if (decimal) {
        return Type.DOUBLE;
      }
      if (date) {
        return Type.DATE;
      }
      if (timestamp) {
        // Finer than microseconds stays a string: a declared timestamp-nanos column works
        // (AvroTableSchema), but inferring one would change what existing rules files expect.
        return precision == 0
            ? Type.TIMESTAMP_MILLIS
            : precision == 1 ? Type.TIMESTAMP_MICROS : Type.STRING;
      }
      return Type.STRING;
    }

    private static boolean fitsLong(String s) {
      try {
        Long.parseLong(s);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private static boolean isDate(String s) {
      try {
        LocalDate.parse(s);
        return true;
      } catch (DateTimeException e) {
        return false;
      }
    }

    private static Instant instant(String s) {
      // Cheap test first: an instant has a date, a 'T' and a zone.
      if (s.length() < 20 || s.charAt(10) != 'T' && s.charAt(10) != 't') {
        return null;
      }
      try {
        return Instant.parse(s);
      } catch (DateTimeException e) {
        try {
          return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException e2) {
          return null;
        }
      }
    }
  }
}
