package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * {@link CsvBatchReader} against {@link CsvFileParser} (the spec): the same rows, errors, lines
 * and offsets for every input of {@link CsvFileParserTest} and many more, read whole, in small
 * batches and split into byte ranges at every position.
 */
public class CsvBatchReaderTest {
  private static final TableIO.Format CSV = TableIO.Format.CSV;
  private static final Schema SCHEMA = CsvFileParserTest.SCHEMA;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every input of CsvFileParserTest, with its record limit. */
  @Test
  public void csvFileParserTestInputs_sameOutcome_wholeAndAtEverySplit() throws Exception {
    String[] inputs = {
      "\uFEFFsymbol,ts,date,price,size\r\n"
          + "BTC,2026-02-03T09:00:00.125Z,2026-02-03,97000.5,3\r\n"
          + "\n"
          + "\"ETH, spot\",2026-02-03T23:59:59.999+00:00,2026-02-03,2710,10\n",
      "symbol,ts,date,price,size,note\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,\"first line\nsecond \"\"quoted\"\" line\"\n"
          + "ETH,2026-02-03T09:00:01Z,2026-02-03,1,2,\n",
      "symbol,ts,date,price,size\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,abc,1\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,3\n"
          + "BTC,2026-02-03 09:00,2026-02-03,1,2\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,1.5\n"
          + "\"BTC,2026-02-03T09:00:00Z,2026-02-03,1,2\n"
          + "ETH,2026-02-03T09:00:00Z,2026-02-03,1,2\n",
      "symbol,ts,date,price,size,venue\nBTC,2026-02-03T09:00:00Z,2026-02-03,1,2,X\n"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2,Y\n",
      "symbol,ts,date,price\nBTC,2026-02-03T09:00:00Z,2026-02-03,1\n",
      "",
      "symbol,ts,date,price,size\r"
          + "BTC,2026-02-03T09:00:00Z,2026-02-03,1,2\r"
          + "ETH,2026-02-03T09:00:00Z,2026-02-03,x,2\r"
          + "SOL,2026-02-03T09:00:00Z,2026-02-03,3,4\r",
      "symbol,ts,date,price,size,note\r\n"
          + "A,2026-02-03T09:00:00Z,2026-02-03,1,2,\"one\r\ntwo\rthree\nfour\"\r\n"
          + "B,2026-02-03T09:00:00Z,2026-02-03,1,2,\"x\ry\"\r",
      "\n\nsymbol,ts,date,price,size,venue\n",
      "symbol,ts,date,price,size\r",
    };
    for (String in : inputs) {
      TextBatchDiff.assertSame(CSV, SCHEMA, utf8(in), 1 << 20, true);
    }
    String longLine = "BTC," + "x".repeat(5000) + ",2026-02-03,1,2\n";
    TextBatchDiff.assertSame(
        CSV,
        SCHEMA,
        utf8("symbol,ts,date,price,size\n" + longLine + "ETH,2026-02-03T09:00:00Z,2026-02-03,1,2\n"),
        1000,
        false);
    byte[] head = utf8("symbol,ts,date,price,size\nB");
    byte[] tail = utf8("C,2026-02-03T09:00:00Z,2026-02-03,1,2\n");
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write(head);
    bad.write(0xC3); // a lone lead byte
    bad.write(tail);
    TextBatchDiff.assertSame(CSV, SCHEMA, bad.toByteArray(), 1 << 20, true);
  }

  @Test
  public void decimalFloatAndNonFiniteCells_sameOutcome() throws Exception {
    Schema s =
        AvroTableSchema.toBeamSchema(
            "{\"type\":\"record\",\"name\":\"D\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"int\"},"
                + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
                + "\"precision\":10,\"scale\":2}},"
                + "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"d\",\"type\":\"double\"}]}");
    TextBatchDiff.Outcome o =
        TextBatchDiff.assertSame(
            CSV,
            s,
            utf8(
                "id,amount,f,d\n"
                    + "1,1.23,1,1\n"
                    + "2,1.239,1,1\n"
                    + "3,123456789.5,1,1\n"
                    + "4,1,1e39,1\n"
                    + "5,1,1,1e400\n"
                    + "6,1.5,NaN,-Infinity\n"),
            1 << 20,
            true);
    assertEquals(2, o.rows.size());
    assertEquals(4, o.errors.size());
  }

  /** One cell at a time of every hostile value of ValueConverterTest, in its column. */
  @Test
  public void valueConverterCells_eachColumn_sameOutcome() throws Exception {
    Schema s = ValueConverterTest.SCHEMA; // amount,f,d,i,l,day,ts,us,s
    String[] good = {"1.5", "1", "1", "1", "1", "2026-02-03", "2026-02-03T00:00:00Z", "1", "x"};
    String[][] hostile = {
      {"1.23", "1.2", "1.230", "-99999999.99", "1e2", "1.239", "1e-3", "123456789.00", "1e999999999",
        "1e99999999999", "0x10", "\u0661", " 7 ", "", " "},
      {"3.4e38", "1e39", "1e-50", "nan", "+INF", "2f", "0.1", "-0", "16777217", "1.00000017881393432617187499",
        "7.038531e-26", "1e10", "1e11", "3e-10", "0.3", "-.5", "1.", "."},
      {" 1.7976931348623157e308\t", "0", "-0.0e5", "4.9e-324", "1e400", "-1e400", "1e-400", "NaN",
        "Infinity", "-inf", "1.5d", "0x1p3", "1\u0000", "9007199254740993", "0.1", "1e22", "1e23",
        "123456789012345678", "1234567890123456789", "2.2250738585072011e-308", "8.41e21",
        "+.5e-3", "0.000000000000000000000000001", "5e-324", "1E5", "1e+5", "1e", "e5", "--1"},
      {"+2147483647", "2147483648", "-2147483648", "-2147483649", "\u0663", "1.5", "007", "+", "-",
        " 12\t", "1 2"},
      {"9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-99999999999999999999999", "999999999999999999", "1000000000000000000", "0x1"},
      {"+5881580-07-11", "+5881580-07-12", "+999999999-12-31", "+999999999-12-31T00:00:00Z",
        "2026-02-30", "2024-02-29", "2023-02-29", "2100-02-29", "2000-02-29", "0000-01-01",
        "9999-12-31", "2026-2-3", "2026-02-03T00:00:00Z", "2026-02-03T00:00:01Z", " 2026-02-03 ",
        "1969-12-31", "1582-10-10"},
      {"2026-02-03T09:00:00.125Z", "2026-02-03T09:00:00.1255Z", "2026-02-03T09:00:00+00:00",
        "2026-02-03t09:00:00z", "2026-02-03T24:00:00Z", "2026-02-03T23:59:60Z",
        "+1000000000-01-01T00:00:00Z", "+200000-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-02-03 09:00", "2026-02-03T09:00Z",
        "2026-02-03T09:00:00.Z", "2026-02-03T09:00:00.1234567890Z", "1770109200125", "1900-03-01T00:00:00Z"},
      {"+300000-01-01T00:00:00Z", "9223372036854775808", "-1", "2026-02-03T09:00:00.123456Z",
        "2026-02-03T09:00:00.1234567Z", "2026-02-03T09:00:00Z", "9999-12-31T23:59:59.999999Z",
        "1e3", " 5 "},
      {"", " ", "a\tb", "é,ü", "😀", "\u0000", "\"q\"", "line\nbreak"},
    };
    StringBuilder csv = new StringBuilder("amount,f,d,i,l,day,ts,us,s\n");
    for (int c = 0; c < hostile.length; c++) {
      for (String v : hostile[c]) {
        for (int k = 0; k < good.length; k++) {
          csv.append(k > 0 ? "," : "").append(quote(k == c ? v : good[k]));
        }
        csv.append('\n');
      }
    }
    TextBatchDiff.Outcome o = TextBatchDiff.assertSame(CSV, s, utf8(csv.toString()), 1 << 20, false);
    assertEquals("rows", 81, o.rows.size());
    assertEquals("errors", 50, o.errors.size());
  }

  /** Beam logical types (date, time, datetime, micros instant) and the small integer types. */
  @Test
  public void beamTypesWithoutAvro_sameOutcome() throws Exception {
    Schema s =
        Schema.builder()
            .addNullableField("b", Schema.FieldType.BYTE)
            .addNullableField("h", Schema.FieldType.INT16)
            .addNullableField("ok", Schema.FieldType.BOOLEAN)
            .addNullableField("day", Schema.FieldType.logicalType(SqlTypes.DATE))
            .addNullableField("tod", Schema.FieldType.logicalType(SqlTypes.TIME))
            .addNullableField("local", Schema.FieldType.logicalType(SqlTypes.DATETIME))
            .addNullableField("at", Schema.FieldType.logicalType(SqlTypes.TIMESTAMP))
            .build();
    String[] rows = {
      "1,2,true,2026-02-03,14:30:00,2026-02-03T14:30:00,2026-02-03T14:30:00.123456Z",
      "-128,-32768,FALSE,,,,",
      "128,1,yes,2026-02-03,14:30,2026-02-03T14:30:00.5,2026-02-03T14:30:00Z",
      "1,32768,TrUe,+999999999-01-01,25:00,x,2026-02-03T14:30:00.1234567Z",
      "1,1, false ,2026-02-30,14:30:00.000001,2026-02-03T14:30:00.000001,2026-02-03T14:30:00+01:00",
      ",,,,,,",
      " 7 ,\t-3,true,2026-02-03,14:30:00.123456,2026-02-03T14:30:00.123456,",
    };
    TextBatchDiff.assertSame(
        CSV, s, utf8("b,h,ok,day,tod,local,at\n" + String.join("\n", rows) + "\n"), 1 << 20, false);
  }

  /**
   * The one deliberate difference: a Beam TIME or local DATETIME finer than a microsecond, which
   * a Row holds but a column batch (microseconds) cannot, is refused instead of truncated.
   */
  @Test
  public void timeFinerThanAMicrosecond_refusedTyped() throws Exception {
    Schema s =
        Schema.builder().addNullableField("tod", Schema.FieldType.logicalType(SqlTypes.TIME)).build();
    TextBatchDiff.Outcome o =
        TextBatchDiff.batchReader(
            CSV, s, utf8("tod\n14:30:00.1234567\n14:30:00.123456\n"), 1 << 20, 10,
            List.of(TextRange.wholeFile("mem")));
    assertEquals(1, o.rows.size());
    assertEquals(
        List.of(
            RecordError.of(
                "mem", 2, 4, dev.sediment.schemas.ErrorType.TYPE_MISMATCH,
                "column 'tod': '14:30:00.123456700' is finer than a microsecond",
                "14:30:00.1234567")),
        o.errors);
  }

  private static String quote(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }

  /**
   * The split test: a file with quotes, {@code ""} escapes, {@code \r\n}, quoted {@code
   * \r\n}, blank lines and bad records, cut into ranges at every byte position.
   */
  @Test
  public void trickyFile_rangesAtEveryBytePosition_sameRowsAndErrorsAsWhole() throws Exception {
    String text =
        "symbol,ts,date,price,size,note\r\n"
            + "\r\n"
            + "\"A,\"\"x\"\"\",2026-02-03T09:00:00Z,2026-02-03,1,2,\"two\r\nlines, \"\"quoted\"\"\"\r\n"
            + "B,2026-02-03T09:00:00Z,2026-02-03,oops,2,\n"
            + "\n"
            + "C,2026-02-03T09:00:00Z,2026-02-03,3,4,\"\"\"\"\r"
            + "E,2026-02-03T09:00:00Z,2026-02-03,5,6,\"a\nb\rc\r\n\"\r\n"
            + "F,2026-02-03T09:00:00Z,2026-02-03,7,8,x\"\"y\n"
            + "G,2026-02-03T09:00:00Z,2026-02-03,9,10,\"z\" \n"
            + "H,2026-02-03T09:00:00Z,2026-02-03,11,12,last\r\n"
            + "\"D,2026-02-03T09:00:00Z,2026-02-03,1,2,never closed";
    TextBatchDiff.Outcome whole =
        TextBatchDiff.assertSame(CSV, SCHEMA, utf8(text), 1 << 20, true);
    List<String> symbols = new ArrayList<>();
    for (Row r : whole.rows) {
      symbols.add(r.getString("symbol") + "|" + r.getString("note"));
    }
    assertEquals(
        List.of(
            "A,\"x\"|two\r\nlines, \"quoted\"",
            "C|\"",
            "E|a\nb\rc\r\n",
            "F|x\"\"y",
            "G|z",
            "H|last"),
        symbols);
    List<String> errors = new ArrayList<>();
    for (RecordError e : whole.errors) {
      errors.add(e.getLine() + ":" + e.getErrorType());
    }
    assertEquals(List.of("5:TYPE_MISMATCH", "15:MALFORMED_RECORD"), errors);
  }

  /** The straddle test: one boundary inside a quoted field with line breaks. */
  @Test
  public void quotedFieldWithLineBreaks_straddlingABoundary_readOnceAndWhole() throws Exception {
    String head = "symbol,ts,date,price,size,note\n";
    String before = "A,2026-02-03T09:00:00Z,2026-02-03,1,2,\"first\n";
    String text =
        head + before + "second,\n" + "third\"\n" + "B,2026-02-03T09:00:00Z,2026-02-03,3,4,x\n";
    byte[] bytes = utf8(text);
    // A boundary on "second": naively the line would be a record of its own.
    long boundary = head.length() + before.length() + 2;
    List<TextRange> ranges = TextBatchDiff.plan(CSV, bytes, boundary, 1 << 20);
    assertEquals(2, ranges.size());
    assertEquals(0, ranges.get(0).start());
    // The second range starts at B's record, past the whole quoted field.
    long bStart = text.indexOf("B,");
    assertEquals(bStart, ranges.get(0).end());
    assertEquals(bStart, ranges.get(1).start());
    assertEquals(4, ranges.get(1).linesBefore());
    assertEquals(1, ranges.get(1).recordsBefore());
    assertEquals(List.of("symbol", "ts", "date", "price", "size", "note"), ranges.get(1).headerNames());
    TextBatchDiff.Outcome split =
        TextBatchDiff.batchReader(CSV, SCHEMA, bytes, 1 << 20, 100, ranges);
    assertEquals(List.of(), split.errors);
    assertEquals(2, split.rows.size());
    assertEquals("first\nsecond,\nthird", split.rows.get(0).getString("note"));
    assertEquals("B", split.rows.get(1).getString("symbol"));
    assertEquals(List.of(List.of(0L, 31L, 2L), List.of(1L, bStart, 5L)), split.positions);
    TextBatchDiff.assertSame(CSV, SCHEMA, bytes, 1 << 20, true);
  }

  @Test
  public void continuationLimits_recordTooLongAndUnclosedQuotes_sameOutcome() throws Exception {
    String text =
        "symbol,ts,date,price,size,note\n"
            + "A,2026-02-03T09:00:00Z,2026-02-03,1,2,\"" + "x".repeat(60) + "\n"
            + "y".repeat(30) + "\"\n"
            + "B,2026-02-03T09:00:00Z,2026-02-03,1,2,\"ü" + "z".repeat(40) + "\n"
            + "é\"\n"
            + "C,2026-02-03T09:00:00Z,2026-02-03,1,2," + "w".repeat(150) + "\n"
            + "D,2026-02-03T09:00:00Z,2026-02-03,1,2,ok\n";
    for (int max : new int[] {90, 100, 101, 102, 120, 200}) {
      TextBatchDiff.assertSame(CSV, SCHEMA, utf8(text), max, max == 100);
    }
  }

  @Test
  public void brokenHeaders_sameOutcome_wholeAndSplit() throws Exception {
    String row = "A,2026-02-03T09:00:00Z,2026-02-03,1,2\n";
    String[] headers = {
      "\"symbol,ts,date,price,size\n", // never closed
      "symbol,ts,date,\"price\"x,size\n", // does not parse
      "symbol,ts,date,price,size,symbol\n", // twice
      "\uFEFF\uFEFFsymbol,ts,date,price,size\n", // a second BOM is part of the name
      "\uFEFF\n symbol , ts,date,price,size\n", // a lone BOM line is blank; names are trimmed
      "\"symbol\",\"ts\",date,price,\"si\nze\"\n",
    };
    for (String h : headers) {
      TextBatchDiff.assertSame(CSV, SCHEMA, utf8(h + row + row), 1 << 20, true);
    }
  }

  /** A stream that fails part-way: the rows before stay, the rest is one UNREADABLE record. */
  @Test
  public void streamFailsMidway_sameRowsAndUnreadableAsRowParser() throws Exception {
    byte[] good =
        utf8("symbol,ts,date,price,size\nBTC,2026-02-03T09:00:00Z,2026-02-03,1,2\nETH,\"open\n");
    for (TableIO.Format format : TableIO.Format.values()) {
      if (format == TableIO.Format.PARQUET) {
        continue;
      }
      CsvFileParserTest.Collect expected = new CsvFileParserTest.Collect();
      long n =
          format == CSV
              ? new CsvFileParser(SCHEMA, 1 << 20).parse("mem", failing(good), expected)
              : new JsonLinesFileParser(SCHEMA, 1 << 20).parse("mem", failing(good), expected);
      List<Row> rows = new ArrayList<>();
      List<RecordError> errors = new ArrayList<>();
      BatchSink sink =
          new BatchSink() {
            @Override
            public void batch(ColumnBatch b) {
              rows.addAll(BatchRows.of(SCHEMA).toRows(b));
            }

            @Override
            public void error(RecordError e) {
              errors.add(e);
            }
          };
      long m =
          format == CSV
              ? new CsvBatchReader(SCHEMA, 1 << 20).read("mem", failing(good), sink)
              : new JsonLinesBatchReader(SCHEMA, 1 << 20).read("mem", failing(good), sink);
      assertEquals(n, m);
      assertEquals(expected.rows, rows);
      assertEquals(expected.errors, errors);
      assertEquals(
          "UNREADABLE", errors.get(errors.size() - 1).getErrorType());
    }
  }

  private static java.io.InputStream failing(byte[] good) {
    return new java.io.InputStream() {
      int i = 0;

      @Override
      public int read() throws java.io.IOException {
        if (i < good.length) {
          return good[i++];
        }
        throw new java.io.IOException("disk gone");
      }
    };
  }

  @Test
  public void emptyAndHeaderOnlyFiles_noBatches() throws Exception {
    List<ColumnBatch> batches = new ArrayList<>();
    BatchSink sink =
        new BatchSink() {
          @Override
          public void batch(ColumnBatch b) {
            batches.add(b);
          }

          @Override
          public void error(RecordError e) {
            throw new AssertionError(e);
          }
        };
    CsvBatchReader r = new CsvBatchReader(SCHEMA, 1 << 20);
    assertEquals(0, r.read("mem", new ByteArrayInputStream(new byte[0]), sink));
    assertEquals(0, r.read("mem", new ByteArrayInputStream(utf8("symbol,ts,date,price,size\n")), sink));
    assertEquals(List.of(), batches);
  }

  @Test
  public void batches_cutAtMaxRows_keepProvenance() throws Exception {
    StringBuilder sb = new StringBuilder("symbol,ts,date,price,size\n");
    for (int i = 0; i < 10; i++) {
      sb.append(i == 4 ? "X,bad" : "S" + i + ",2026-02-03T09:00:00Z,2026-02-03," + i + "," + i)
          .append('\n');
    }
    List<ColumnBatch> batches = new ArrayList<>();
    List<RecordError> errors = new ArrayList<>();
    long n =
        new CsvBatchReader(SCHEMA, 1 << 20, 4, Long.MAX_VALUE)
            .read(
                "file:/t.csv",
                new ByteArrayInputStream(utf8(sb.toString())),
                new BatchSink() {
                  @Override
                  public void batch(ColumnBatch b) {
                    batches.add(b);
                  }

                  @Override
                  public void error(RecordError e) {
                    errors.add(e);
                  }
                });
    assertEquals(10, n);
    assertEquals(List.of(4, 4, 1), List.of(batches.get(0).rowCount(), batches.get(1).rowCount(),
        batches.get(2).rowCount()));
    assertEquals(1, errors.size());
    assertEquals(6, errors.get(0).getLine());
    ColumnBatch second = batches.get(1);
    // Records 0-3, then the bad record 4 (no row, but counted): the second batch starts at 5.
    assertEquals(List.of(5L, 6L, 7L, 8L),
        List.of(second.rowIndex(0), second.rowIndex(1), second.rowIndex(2), second.rowIndex(3)));
    assertEquals(7, second.line(0));
    assertEquals("S5", BatchRows.of(SCHEMA).toRow(second, 0).getString("symbol"));
    assertEquals("file:/t.csv", second.source(0));
  }

  /** Random files built from tricky pieces, against the row parser, whole and split. */
  @Test
  public void randomFiles_sameOutcome() throws Exception {
    Random rnd = new Random(13);
    String[] symbols = {"A", "\"B,1\"", "\"q\"\"q\"", "\"multi\nline\"", "\"cr\rlf\r\n\"", "é", "x\"y",
      "\"open", "\"z\" ", " s ", "", "\"\""};
    String[] ts = {"2026-02-03T09:00:00Z", "2026-02-03T09:00:00.125Z", "2026-02-03T09:00:00.1255Z",
      "bad", "", "2026-02-03T09:00:00+01:00", "\"2026-02-03T09:00:00Z\"", "1770109200125"};
    String[] dates = {"2026-02-03", "2024-02-29", "2026-02-30", "", "2026-02-03T00:00:00Z"};
    String[] prices = {"1", "1.5", "-0.0", "1e400", "NaN", "abc", "", "0.1", "123456789.123456789",
      "\"2\"", " 3 "};
    String[] sizes = {"1", "-5", "1.5", "9223372036854775808", "", "+7"};
    String[] notes = {"", "n", "\"a,b\"", "\"line\nbreak\"", "\"\"\"\"", "😀", "\"unclosed"};
    String[] ends = {"\n", "\r\n", "\r"};
    for (int file = 0; file < 60; file++) {
      StringBuilder sb = new StringBuilder();
      sb.append(rnd.nextInt(4) == 0 ? "note,size,price,date,ts,symbol" : "symbol,ts,date,price,size,note");
      boolean reordered = sb.charAt(0) == 'n';
      int lines = 1 + rnd.nextInt(8);
      for (int l = 0; l < lines; l++) {
        sb.append(ends[rnd.nextInt(ends.length)]);
        if (rnd.nextInt(8) == 0) {
          continue; // a blank line
        }
        String[] cells = {
          pick(rnd, symbols), pick(rnd, ts), pick(rnd, dates), pick(rnd, prices), pick(rnd, sizes),
          pick(rnd, notes)
        };
        if (reordered) {
          java.util.Collections.reverse(java.util.Arrays.asList(cells));
        }
        int width = rnd.nextInt(10) == 0 ? 5 : 6;
        for (int c = 0; c < width; c++) {
          sb.append(c > 0 ? "," : "").append(cells[c]);
        }
      }
      if (rnd.nextBoolean()) {
        sb.append(ends[rnd.nextInt(ends.length)]);
      }
      byte[] bytes = utf8(sb.toString());
      if (rnd.nextInt(10) == 0) {
        bytes[rnd.nextInt(bytes.length)] = (byte) 0xFF;
      }
      TextBatchDiff.assertSame(CSV, SCHEMA, bytes, rnd.nextBoolean() ? 1 << 20 : 60, file < 30);
    }
  }

  private static String pick(Random rnd, String[] a) {
    return a[rnd.nextInt(a.length)];
  }
}
