package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class JsonLinesFileParserTest {

  static CsvFileParserTest.Collect parse(String text) throws Exception {
    CsvFileParserTest.Collect c = new CsvFileParserTest.Collect();
    long n =
        new JsonLinesFileParser(CsvFileParserTest.SCHEMA, 1 << 20)
            .parse("mem.jsonl", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), c);
    assertThat(n, equalTo((long) (c.rows.size() + c.errors.size())));
    return c;
  }

  @Test
  public void parse_goodLines_typedRows() throws Exception {
    CsvFileParserTest.Collect c =
        parse(
            "{\"symbol\":\"BTC\",\"ts\":\"2026-02-03T09:00:00.125Z\",\"date\":\"2026-02-03\","
                + "\"price\":97000.5,\"size\":3}\n\n"
                + "{\"symbol\":\"ETH\",\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\","
                + "\"price\":1,\"size\":2,\"note\":\"hi\"}\n");
    assertThat(c.errorSummaries(), equalTo(java.util.List.of()));
    Row r = c.rows.get(0);
    assertThat(r.getDateTime("ts").getMillis(), equalTo(1770109200125L));
    assertThat(r.getDouble("price"), equalTo(97000.5));
    assertThat(r.getString("note"), equalTo(null));
    assertThat(c.rows.get(1).getString("note"), equalTo("hi"));
  }

  @Test
  public void parse_eachBadKind_typedErrorWithLine() throws Exception {
    String ok = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\"";
    CsvFileParserTest.Collect c =
        parse(
            "{\"symbol\":\"A\"," + ok + ",\"price\":\"1\",\"size\":1}\n" // 1 string for double
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1,\"size\":1.5}\n" // 2 not integral
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1}\n" // 3 missing size
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1,\"size\":1,\"x\":0}\n" // 4 unknown
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1,\n" // 5 truncated
                + "[1,2]\n" // 6 not an object
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1,\"size\":1} {}\n" // 7 trailing
                + "{\"symbol\":\"A\"," + ok + ",\"price\":1,\"size\":9223372036854775808}\n" // 8
                + "{\"symbol\":\"B\"," + ok + ",\"price\":1,\"size\":1}\n");
    assertThat(
        c.errorSummaries(),
        contains(
            "1:TYPE_MISMATCH",
            "2:TYPE_MISMATCH",
            "3:MISSING_VALUE",
            "4:UNKNOWN_FIELD",
            "5:MALFORMED_RECORD",
            "6:MALFORMED_RECORD",
            "7:MALFORMED_RECORD",
            "8:VALUE_OUT_OF_RANGE"));
    assertThat(c.rows.size(), equalTo(1));
    assertThat(c.rows.get(0).getString("symbol"), equalTo("B"));
  }

  @Test
  public void parse_crOnlyLineEnds_everyLineARecord() throws Exception {
    String ok = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\",\"price\":1";
    CsvFileParserTest.Collect c =
        parse(
            "{\"symbol\":\"A\"," + ok + ",\"size\":1}\r"
                + "{\"symbol\":\"B\"," + ok + ",\"size\":x}\r"
                + "{\"symbol\":\"C\"," + ok + ",\"size\":3}\r\n"
                + "{\"symbol\":\"D\"," + ok + ",\"size\":4}");
    assertThat(c.rows.size(), equalTo(3));
    assertThat(c.rows.get(2).getString("symbol"), equalTo("D"));
    assertThat(c.errorSummaries(), contains("2:MALFORMED_RECORD"));
    assertThat(c.errors.get(0).getOffset(), equalTo(82L));
  }

  @Test
  public void parse_valuesThatWouldChange_quarantinedTyped_othersUnchanged() throws Exception {
    String ok = "\"ts\":\"2026-02-03T09:00:00Z\",\"date\":\"2026-02-03\",\"size\":1";
    CsvFileParserTest.Collect c =
        parse(
            "{\"symbol\":\"A\"," + ok + ",\"price\":1e400}\n" // 1 double overflow
                + "{\"symbol\":\"B\"," + ok + ",\"price\":1,\"price\":2}\n" // 2 dup key
                + "{\"symbol\":\"C\\ud800\"," + ok + ",\"price\":1}\n" // 3 lone surrogate
                + "{\"symbol\":\"D\"," + ok + ",\"price\":1e-400}\n" // 4 underflow
                + "{\"symbol\":\"E\\ud83d\\ude00\"," + ok + ",\"price\":1.7976931348623157e308}\n");
    assertThat(
        c.errorSummaries(),
        contains("1:VALUE_OUT_OF_RANGE", "2:MALFORMED_RECORD", "3:ENCODING", "4:VALUE_OUT_OF_RANGE"));
    assertThat(
        c.errors.get(1).getMessage(),
        equalTo("key 'price' appears twice in the object; keep one value upstream"));
    assertThat(c.rows.size(), equalTo(1));
    assertThat(c.rows.get(0).getString("symbol"), equalTo("E\ud83d\ude00"));
    assertThat(c.rows.get(0).getDouble("price"), equalTo(Double.MAX_VALUE));
  }
}
