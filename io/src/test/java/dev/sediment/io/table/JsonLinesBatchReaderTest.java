package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.junit.Test;

/**
 * {@link JsonLinesBatchReader} against {@link JsonLinesFileParser} (the spec): the same rows and
 * errors for every input of {@link JsonLinesFileParserTest} and many more, whole, in small batches
 * and split into byte ranges at every position.
 */
public class JsonLinesBatchReaderTest {
  private static final TableIO.Format JSONL = TableIO.Format.JSONL;
  private static final Schema SCHEMA = CsvFileParserTest.SCHEMA;
  private static final String OK = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\"";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void jsonLinesFileParserTestInputs_sameOutcome_wholeAndAtEverySplit() throws Exception {
    String ok2 = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\",\"price\":1";
    String ok3 = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\",\"size\":1";
    String[] inputs = {
      "{\"symbol\":\"BTC\",\"ts\":\"2026-02-03T09:00:00.125Z\",\"date\":\"2026-02-03\","
          + "\"price\":97000.5,\"size\":3}\n\n"
          + "{\"symbol\":\"ETH\",\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\","
          + "\"price\":1,\"size\":2,\"note\":\"hi\"}\n",
      "{\"symbol\":\"A\"," + OK + ",\"price\":\"1\",\"size\":1}\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1,\"size\":1.5}\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1}\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1,\"size\":1,\"x\":0}\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1,\n"
          + "[1,2]\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1,\"size\":1} {}\n"
          + "{\"symbol\":\"A\"," + OK + ",\"price\":1,\"size\":9223372036854775808}\n"
          + "{\"symbol\":\"B\"," + OK + ",\"price\":1,\"size\":1}\n",
      "{\"symbol\":\"A\"," + ok2 + ",\"size\":1}\r"
          + "{\"symbol\":\"B\"," + ok2 + ",\"size\":x}\r"
          + "{\"symbol\":\"C\"," + ok2 + ",\"size\":3}\r\n"
          + "{\"symbol\":\"D\"," + ok2 + ",\"size\":4}",
      "{\"symbol\":\"A\"," + ok3 + ",\"price\":1e400}\n"
          + "{\"symbol\":\"B\"," + ok3 + ",\"price\":1,\"price\":2}\n"
          + "{\"symbol\":\"C\\ud800\"," + ok3 + ",\"price\":1}\n"
          + "{\"symbol\":\"D\"," + ok3 + ",\"price\":1e-400}\n"
          + "{\"symbol\":\"E\\ud83d\\ude00\"," + ok3 + ",\"price\":1.7976931348623157e308}\n",
      "",
      " \t\n\u2003\n\u00a0\n",
    };
    for (String in : inputs) {
      TextBatchDiff.assertSame(JSONL, SCHEMA, utf8(in), 1 << 20, true);
    }
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write(utf8("{\"symbol\":\"A" ));
    bad.write(0xC3);
    bad.write(utf8("\"," + OK + ",\"price\":1,\"size\":1}\n{\"symbol\":\"B\"," + OK
        + ",\"price\":1,\"size\":1}\n" + "x".repeat(300) + "\n"));
    TextBatchDiff.assertSame(JSONL, SCHEMA, bad.toByteArray(), 1 << 20, true);
    TextBatchDiff.assertSame(JSONL, SCHEMA, bad.toByteArray(), 100, true);
  }

  /** Every value kind in every column of ValueConverterTest's schema. */
  @Test
  public void valueConverterValues_eachColumn_sameOutcome() throws Exception {
    Schema s = ValueConverterTest.SCHEMA; // amount,f,d,i,l,day,ts,us,s
    String[] names = {"amount", "f", "d", "i", "l", "day", "ts", "us", "s"};
    String[] good = {"1.5", "1", "1", "1", "1", "\"2026-02-03\"", "\"2026-02-03T00:00:00Z\"", "1",
      "\"x\""};
    String[] values = {
      "0", "-0", "-0.0", "0.0", "1", "-1", "1.5", "1.239", "1e2", "1E-3", "1.230", "12345678901234567890",
      "9223372036854775807", "9223372036854775808", "-9223372036854775808", "2147483647",
      "2147483648", "1e400", "-1e400", "1e-400", "1e39", "-3.5e38", "3.4e38", "1e-50",
      "0.1", "1.7976931348623157e308", "4.9e-324", "9007199254740993", "16777217", "1e22", "1e23",
      "0.000001", "true", "false", "null", "\"\"", "\" \"", "\"1\"", "\"1.5\"", "\"abc\"",
      "\"2026-02-03\"", "\"2026-02-30\"", "\"2026-02-03T09:00:00.125Z\"",
      "\"2026-02-03T09:00:00.1255Z\"", "\"2026-02-03T09:00:00.123456Z\"",
      "\"2026-02-03T09:00:00.1234567Z\"", "\"2026-02-03T09:00:00+00:00\"", "\" 2026-02-03 \"",
      "\"+200000-01-01T00:00:00Z\"", "\"9223372036854775808\"", "\"-1\"", "\"\\ud800\"",
      "\"\\ud83d\\ude00\"", "\"caf\\u00e9\"", "\"tab\\tquote\\\"\"", "\"😀é\"", "{}", "[]",
      "[1]", "{\"a\":1}", "NaN", "01", "1.", ".5", "+1", "-", "\"0x10\"", "\"NaN\"",
    };
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < names.length; c++) {
      for (String v : values) {
        sb.append('{');
        for (int k = 0; k < names.length; k++) {
          sb.append(k > 0 ? "," : "").append('"').append(names[k]).append("\":")
              .append(k == c ? v : good[k]);
        }
        sb.append("}\n");
      }
      // The column absent.
      sb.append('{');
      boolean first = true;
      for (int k = 0; k < names.length; k++) {
        if (k != c) {
          sb.append(first ? "" : ",").append('"').append(names[k]).append("\":").append(good[k]);
          first = false;
        }
      }
      sb.append("}\n");
    }
    TextBatchDiff.Outcome o = TextBatchDiff.assertSame(JSONL, s, utf8(sb.toString()), 1 << 20, false);
    assertEquals("rows", 128, o.rows.size());
    assertEquals("errors", 9 * (values.length + 1) - 128, o.errors.size());
  }

  @Test
  public void beamTypesWithoutAvro_sameOutcome() throws Exception {
    Schema s =
        Schema.builder()
            .addNullableField("b", Schema.FieldType.BYTE)
            .addNullableField("h", Schema.FieldType.INT16)
            .addNullableField("ok", Schema.FieldType.BOOLEAN)
            .addNullableField("day", Schema.FieldType.logicalType(SqlTypes.DATE))
            .addNullableField("at", Schema.FieldType.logicalType(SqlTypes.TIMESTAMP))
            .addNullableField("s", Schema.FieldType.STRING)
            .build();
    String text =
        "{\"b\":1,\"h\":2,\"ok\":true,\"day\":\"2026-02-03\",\"at\":\"2026-02-03T14:30:00.123456Z\",\"s\":\"\"}\n"
            + "{\"b\":128,\"h\":1}\n"
            + "{\"b\":-128,\"h\":-32768,\"ok\":false,\"s\":null}\n"
            + "{\"h\":32768}\n"
            + "{\"ok\":\"true\"}\n"
            + "{\"day\":\"2026-02-30\"}\n"
            + "{\"at\":\"2026-02-03T14:30:00.1234567Z\"}\n"
            + "{\"s\":1}\n"
            + "{}\n"
            + "  {\"b\" : 1 }  \n"
            + "{\"b\":1}//\n"
            + "\uFEFF{\"b\":1}\n";
    TextBatchDiff.assertSame(JSONL, s, utf8(text), 1 << 20, true);
  }

  /** As in CSV: a time finer than a microsecond, which a batch cannot hold, is refused typed. */
  @Test
  public void timeFinerThanAMicrosecond_refusedTyped() throws Exception {
    Schema s =
        Schema.builder().addNullableField("tod", Schema.FieldType.logicalType(SqlTypes.TIME)).build();
    TextBatchDiff.Outcome o =
        TextBatchDiff.batchReader(
            JSONL, s, utf8("{\"tod\":\"14:30:00.1234567\"}\n{\"tod\":\"14:30:00.123456\"}\n"),
            1 << 20, 10, List.of(TextRange.wholeFile("mem")));
    assertEquals(1, o.rows.size());
    assertEquals(
        List.of(
            dev.sediment.schemas.RecordError.of(
                "mem", 1, 0, dev.sediment.schemas.ErrorType.TYPE_MISMATCH,
                "column 'tod': '14:30:00.123456700' is finer than a microsecond",
                "{\"tod\":\"14:30:00.1234567\"}")),
        o.errors);
  }

  @Test
  public void randomFiles_sameOutcome_wholeAndSplit() throws Exception {
    Random rnd = new Random(17);
    String[] keys = {"symbol", "ts", "date", "price", "size", "note", "x"};
    String[][] vals = {
      {"\"A\"", "\"é\"", "\"\"", "1", "null", "\"\\ud800\"", "\"a\\\"b\""},
      {"\"2026-02-03T09:00:00Z\"", "\"2026-02-03T09:00:00.125Z\"", "\"bad\"", "1", "\"\""},
      {"\"2026-02-03\"", "\"2026-02-29\"", "\"2024-02-29\"", "null"},
      {"1", "1.5", "-0.0", "1e400", "\"1\"", "0.1", "123456789.123456789"},
      {"1", "-5", "1.5", "9223372036854775808", "null", "true"},
      {"\"n\"", "null", "2", "\"😀\""},
      {"0"},
    };
    String[] ends = {"\n", "\r\n", "\r"};
    for (int file = 0; file < 60; file++) {
      StringBuilder sb = new StringBuilder();
      int lines = 1 + rnd.nextInt(8);
      for (int l = 0; l < lines; l++) {
        int kind = rnd.nextInt(12);
        if (kind == 0) {
          sb.append(rnd.nextBoolean() ? "" : "  ");
        } else if (kind == 1) {
          sb.append("{\"symbol\":\"A\",");
        } else if (kind == 2) {
          sb.append("[1]");
        } else {
          sb.append('{');
          boolean first = true;
          for (int k = 0; k < keys.length; k++) {
            if (rnd.nextInt(k == 6 ? 12 : 6) != 0) {
              if (k == 6 && rnd.nextInt(6) != 0) {
                continue;
              }
              sb.append(first ? "" : ",").append('"').append(keys[k]).append("\":")
                  .append(vals[k][rnd.nextInt(vals[k].length)]);
              first = false;
            }
          }
          if (rnd.nextInt(15) == 0) {
            sb.append(first ? "" : ",").append("\"size\":2");
          }
          sb.append('}');
        }
        sb.append(ends[rnd.nextInt(ends.length)]);
      }
      byte[] bytes = utf8(sb.toString());
      if (rnd.nextInt(10) == 0) {
        bytes[rnd.nextInt(bytes.length)] = (byte) 0xFF;
      }
      TextBatchDiff.assertSame(JSONL, SCHEMA, bytes, rnd.nextBoolean() ? 1 << 20 : 80, file < 30);
    }
  }

  @Test
  public void rangesStartAtRecordsAfterBlankAndCrLfLines() throws Exception {
    String a = "{\"symbol\":\"A\"," + OK + ",\"price\":1,\"size\":1}";
    byte[] bytes = utf8(a + "\r\n\r\n \n" + a + "\r" + a);
    List<TextRange> ranges = TextBatchDiff.plan(JSONL, bytes, a.length() + 1, 1 << 20);
    // The boundary falls between \r and \n: the next record is the second object, on line 4.
    assertEquals(3, ranges.size());
    assertEquals(a.length() + 6, ranges.get(1).start());
    assertEquals(3, ranges.get(1).linesBefore());
    assertEquals(1, ranges.get(1).recordsBefore());
    assertEquals(2, ranges.get(2).recordsBefore());
    TextBatchDiff.assertSame(JSONL, SCHEMA, bytes, 1 << 20, true);
  }
}
