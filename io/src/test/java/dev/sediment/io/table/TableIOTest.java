package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TableIOTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  /** Counts bad records; the count is the handler's output. */
  static class CountBad extends PTransform<PCollection<BadRecord>, PCollection<Long>> {
    @Override
    public PCollection<Long> expand(PCollection<BadRecord> input) {
      return input.apply(Count.globally());
    }
  }

  private String write(String name, String text) throws Exception {
    File f = tmp.newFile(name);
    Files.writeString(f.toPath(), text, StandardCharsets.UTF_8);
    return f.getAbsolutePath();
  }

  @Test
  public void read_csvFiles_rowsAndBadRecordsToHandler() throws Exception {
    write("a.csv", "symbol,ts,date,price,size\nBTC,2026-02-03T09:00:00Z,2026-02-03,1.5,2\n"
        + "BTC,2026-02-03T09:00:00Z,2026-02-03,oops,2\n");
    write("b.csv", "size,price,date,ts,symbol\n4,3.0,2026-02-04,2026-02-04T00:00:00Z,ETH\n");
    BadRecordErrorHandler<PCollection<Long>> handler =
        p.registerBadRecordErrorHandler(new CountBad());
    PCollection<Row> rows =
        p.apply(
            TableIO.read()
                .from(tmp.getRoot() + "/*.csv")
                .withSchema(CsvFileParserTest.SCHEMA)
                .withBadRecordErrorHandler(handler));
    handler.close();
    PAssert.that(rows.apply(MapElements.into(TypeDescriptors.strings())
            .via(r -> r.getString("symbol") + ":" + r.getDouble("price") + ":" + r.getInt64("size"))))
        .containsInAnyOrder("BTC:1.5:2", "ETH:3.0:4");
    PAssert.thatSingleton(handler.getOutput()).isEqualTo(1L);
    p.run().waitUntilFinish();
  }

  @Test
  public void read_withoutHandler_firstBadRecordFailsWithItsReason() throws Exception {
    write("a.jsonl", "{\"symbol\":1}\n");
    Pipeline pipeline = Pipeline.create();
    pipeline.apply(
        TableIO.read()
            .from(tmp.getRoot() + "/*.jsonl")
            .withFormat(TableIO.Format.JSONL)
            .withSchema(CsvFileParserTest.SCHEMA));
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertThat(String.valueOf(e.getMessage()), containsString("\"error_type\" : \"MISSING_VALUE\""));
    assertThat(String.valueOf(e.getMessage()), containsString("column 'ts' is empty"));
  }

  @Test
  public void withSchema_unsupportedType_rejectedNamingTheColumn() {
    org.apache.beam.sdk.schemas.Schema s =
        org.apache.beam.sdk.schemas.Schema.builder()
            .addArrayField("tags", org.apache.beam.sdk.schemas.Schema.FieldType.STRING)
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TableIO.read().withSchema(s));
    assertThat(e.getMessage(), containsString("column 'tags'"));
  }

  @Test
  public void format_parse_unknown_rejected() {
    assertThrows(IllegalArgumentException.class, () -> TableIO.Format.parse("xml"));
  }
}
