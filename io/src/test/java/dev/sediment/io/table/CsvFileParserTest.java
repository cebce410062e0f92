package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.schemas.RecordError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class CsvFileParserTest {
  static final String AVRO =
      "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
          + "{\"name\":\"date\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
          + "{\"name\":\"symbol\",\"type\":\"string\"},"
          + "{\"name\":\"price\",\"type\":\"double\"},"
          + "{\"name\":\"size\",\"type\":\"long\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  static final Schema SCHEMA = AvroTableSchema.toBeamSchema(AVRO);

  static final class Collect implements RecordSink {
    final List<Row> rows = new ArrayList<>();
    final List<RecordError> errors = new ArrayList<>();

    @Override
    public void row(Row row) {
      rows.add(row);
    }

    @Override
    public void error(RecordError error) {
      errors.add(error);
    }

    List<String> errorSummaries() {
      List<String> out = new ArrayList<>();
      for (RecordError e : errors) {
        out.add(e.getLine() + ":" + e.getErrorType());
      }
      return out;
    }
  }

  static Collect parse(String text, int maxRecordBytes) throws Exception {
    return parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxRecordBytes);
  }

  static Collect parse(InputStream in, int maxRecordBytes) throws Exception {
    Collect c = new Collect();
    long n = new CsvFileParser(SCHEMA, maxRecordBytes).parse("mem.csv", in, c);
    assertThat("records = rows + errors", n, equalTo((long) (c.rows.size() + c.errors.size())));
    return c;
  }

  @Test
  public void parse_goodLines_typedRows() throws Exception {
    Collect c =
        parse(
            "\uFEFFsymbol,ts,date,price,size\r\n"
                + "BTC,2026-02-03T09:00:00.125Z,2026-02-03,97000.5,3\r\n"
                + "\n"
                + "\"ETH, spot\",2026-02-03T23:59:59.999+00:00,2026-02-03,2710,10\n",
            1 << 20);
    assertThat(c.errors, empty());
    assertThat(c.rows.size(), equalTo(2));
    Row r = c.rows.get(0);
    assertThat(r.getString("symbol"), equalTo("BTC"));
    assertThat(r.getDateTime("ts").getMillis(), equalTo(1770109200125L));
    assertThat(r.getDateTime("date").getMillis(), equalTo(1770076800000L));
    assertThat(r.getDouble("price"), equalTo(97000.5));
    assertThat(r.getInt64("size"), equalTo(3L));
    assertThat(r.getString("note"), equalTo(null));
    assertThat(c.rows.get(1).getString("symbol"), equalTo("ETH, spot"));
  }

  @Test
  public void parse_quotedFieldSpanningLines_isOneRecord() throws Exception {
    Collect c =
        parse(
            "symbol,ts,date,price,size,note\n"
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,\"first line\nsecond \"\"quoted\"\" line\"\n"
                + "ETH,2026-02-03T09:00:01Z,2026-02-03,1,2,\n",
            1 << 20);
    assertThat(c.errors, empty());
    assertThat(c.rows.get(0).getString("note"), equalTo("first line\nsecond \"quoted\" line"));
    assertThat(c.rows.get(1).getString("note"), equalTo(null));
  }

  @Test
  public void parse_eachBadKind_typedErrorWithLine() throws Exception {
    Collect c =
        parse(
            "symbol,ts,date,price,size\n"
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,abc,1\n" // 2 type
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,\n" // 3 missing
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,3\n" // 4 field count
                + "BTC,2026-02-03 09:00,2026-02-03,1,2\n" // 5 timestamp
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,1.5\n" // 6 not an integer
                + "\"BTC,2026-02-03T09:00:00Z,2026-02-03,1,2\n" // 7 quote never closed
                + "ETH,2026-02-03T09:00:00Z,2026-02-03,1,2\n", // 8 good, still parsed
            1 << 20);
    assertThat(
        c.errorSummaries(),
        contains(
            "2:TYPE_MISMATCH",
            "3:MISSING_VALUE",
            "4:MALFORMED_RECORD",
            "5:TYPE_MISMATCH",
            "6:TYPE_MISMATCH",
            "7:MALFORMED_RECORD"));
    assertThat(c.errors.get(0).getMessage(), containsString("column 'price': 'abc'"));
    assertThat(c.errors.get(0).getSource(), equalTo("mem.csv"));
    assertThat(c.errors.get(1).getOffset(), equalTo(68L));
    assertThat(c.rows.size(), equalTo(1));
    assertThat(c.rows.get(0).getString("symbol"), equalTo("ETH"));
  }

  @Test
  public void parse_headerWithUnknownColumn_everyRecordHeaderMismatch() throws Exception {
    Collect c =
        parse("symbol,ts,date,price,size,venue\nBTC,2026-02-03T09:00:00Z,2026-02-03,1,2,X\n"
            + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,Y\n", 1 << 20);
    assertThat(c.errorSummaries(), contains("2:HEADER_MISMATCH", "3:HEADER_MISMATCH"));
    assertThat(c.errors.get(0).getMessage(), containsString("[venue]"));
  }

  @Test
  public void parse_headerMissingRequiredColumn_headerMismatch() throws Exception {
    Collect c = parse("symbol,ts,date,price\nBTC,2026-02-03T09:00:00Z,2026-02-03,1\n", 1 << 20);
    assertThat(c.errorSummaries(), contains("2:HEADER_MISMATCH"));
    assertThat(c.errors.get(0).getMessage(), containsString("[size]"));
  }

  @Test
  public void parse_lineLongerThanLimit_recordTooLongAndNextLineParses() throws Exception {
    String longLine = "BTC," + "x".repeat(5000) + ",2026-02-03,1,2\n";
    Collect c =
        parse(
            "symbol,ts,date,price,size\n" + longLine + "ETH,2026-02-03T09:00:00Z,2026-02-03,1,2\n",
            1000);
    assertThat(c.errorSummaries(), contains("2:RECORD_TOO_LONG"));
    assertThat(c.rows.size(), equalTo(1));
  }

  @Test
  public void parse_invalidUtf8_encodingError() throws Exception {
    byte[] head = "symbol,ts,date,price,size\nB".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "C,2026-02-03T09:00:00Z,2026-02-03,1,2\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    all[head.length] = (byte) 0xC3; // a lone lead byte
    System.arraycopy(tail, 0, all, head.length + 1, tail.length);
    Collect c = parse(new ByteArrayInputStream(all), 1 << 20);
    assertThat(c.errorSummaries(), contains("2:ENCODING"));
  }

  @Test
  public void parse_streamFailsMidway_keepsRowsAndReportsUnreadable() throws Exception {
    byte[] good =
        ("symbol,ts,date,price,size\nBTC,2026-02-03T09:00:00Z,2026-02-03,1,2\n")
            .getBytes(StandardCharsets.UTF_8);
    InputStream failing =
        new InputStream() {
          int i = 0;

          @Override
          public int read() throws IOException {
            if (i < good.length) {
              return good[i++];
            }
            throw new IOException("disk gone");
          }
        };
    Collect c = parse(failing, 1 << 20);
    assertThat(c.rows.size(), equalTo(1));
    assertThat(c.errorSummaries(), contains("3:UNREADABLE"));
    assertThat(c.errors.get(0).getOffset(), equalTo((long) good.length));
  }

  @Test
  public void parse_emptyFile_noRecords() throws Exception {
    Collect c = parse("", 1 << 20);
    assertThat(c.rows, empty());
    assertThat(c.errors, empty());
  }

  @Test
  public void parse_crOnlyLineEnds_everyRowParsedWithLineAndOffset() throws Exception {
    Collect c =
        parse(
            "symbol,ts,date,price,size\r"
                + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2\r"
                + "ETH,2026-02-03T09:00:00Z,2026-02-03,x,2\r"
                + "SOL,2026-02-03T09:00:00Z,2026-02-03,3,4\r",
            1 << 20);
    assertThat(c.rows.size(), equalTo(2));
    assertThat(c.rows.get(1).getString("symbol"), equalTo("SOL"));
    assertThat(c.rows.get(1).getInt64("size"), equalTo(4L));
    assertThat(c.errorSummaries(), contains("3:TYPE_MISMATCH"));
    assertThat(c.errors.get(0).getOffset(), equalTo(66L));
    assertThat(c.errors.get(0).getRecord(), equalTo("ETH,2026-02-03T09:00:00Z,2026-02-03,x,2"));
  }

  @Test
  public void parse_quotedFieldSpanningLines_keepsItsOwnLineBreaks() throws Exception {
    Collect c =
        parse(
            "symbol,ts,date,price,size,note\r\n"
                + "A,2026-02-03T09:00:00Z,2026-02-03,1,2,\"one\r\ntwo\rthree\nfour\"\r\n"
                + "B,2026-02-03T09:00:00Z,2026-02-03,1,2,\"x\ry\"\r",
            1 << 20);
    assertThat(c.errors, empty());
    assertThat(c.rows.get(0).getString("note"), equalTo("one\r\ntwo\rthree\nfour"));
    assertThat(c.rows.get(1).getString("note"), equalTo("x\ry"));
  }

  @Test
  public void parse_brokenHeaderAndNoRows_oneHeaderMismatchNotZeroRecords() throws Exception {
    Collect c = parse("\n\nsymbol,ts,date,price,size,venue\n", 1 << 20);
    assertThat(c.rows, empty());
    assertThat(c.errorSummaries(), contains("3:HEADER_MISMATCH"));
    assertThat(c.errors.get(0).getOffset(), equalTo(2L));
    assertThat(c.errors.get(0).getRecord(), equalTo("symbol,ts,date,price,size,venue"));
  }

  @Test
  public void parse_headerOnly_noRecords() throws Exception {
    Collect c = parse("symbol,ts,date,price,size\r", 1 << 20);
    assertThat(c.rows, empty());
    assertThat(c.errors, empty());
  }

  @Test
  public void parse_decimalScaleAndRange_quarantinedTypedAtConversion() throws Exception {
    Schema s =
        AvroTableSchema.toBeamSchema(
            "{\"type\":\"record\",\"name\":\"D\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"int\"},"
                + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
                + "\"precision\":10,\"scale\":2}},"
                + "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"d\",\"type\":\"double\"}]}");
    Collect c = new Collect();
    long n =
        new CsvFileParser(s, 1 << 20)
            .parse(
                "mem.csv",
                new ByteArrayInputStream(
                    ("id,amount,f,d\n"
                            + "1,1.23,1,1\n"
                            + "2,1.239,1,1\n"
                            + "3,123456789.5,1,1\n"
                            + "4,1,1e39,1\n"
                            + "5,1,1,1e400\n"
                            + "6,1.5,NaN,-Infinity\n")
                        .getBytes(StandardCharsets.UTF_8)),
                c);
    assertThat(n, equalTo(6L));
    assertThat(
        c.errorSummaries(),
        contains("3:TYPE_MISMATCH", "4:VALUE_OUT_OF_RANGE", "5:VALUE_OUT_OF_RANGE", "6:VALUE_OUT_OF_RANGE"));
    assertThat(c.rows.size(), equalTo(2));
    assertThat(c.rows.get(0).getDecimal("amount"), equalTo(new java.math.BigDecimal("1.23")));
    assertThat(c.rows.get(1).getDecimal("amount"), equalTo(new java.math.BigDecimal("1.50")));
    assertThat(c.rows.get(1).getFloat("f").isNaN(), equalTo(true));
    assertThat(c.rows.get(1).getDouble("d"), equalTo(Double.NEGATIVE_INFINITY));
  }

  @Test
  public void split_withoutQuotes_sameCellsAsCommonsCsv() throws Exception {
    String[] lines = {
      "a,b,c", "", ",", ",,", "a,", ",a", " a , b ", "a\tb,c", "\u0000,x", "é,ü,😀", "a;b", "'a',b"
    };
    org.apache.commons.csv.CSVFormat rfc = org.apache.commons.csv.CSVFormat.RFC4180;
    for (String line : lines) {
      List<String> expected = new ArrayList<>();
      try (org.apache.commons.csv.CSVParser p = org.apache.commons.csv.CSVParser.parse(line, rfc)) {
        List<org.apache.commons.csv.CSVRecord> recs = p.getRecords();
        if (recs.isEmpty()) {
          expected.add(""); // commons-csv reads no record from "", the fast path one empty cell
        } else {
          recs.get(0).forEach(expected::add);
        }
      }
      assertThat("line [" + line + "]", CsvFileParser.split(line), equalTo(expected));
    }
  }
}
