package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link TextBatchIO} on the DirectRunner: the same rows and bad records as {@link TableIO}. */
public class TextBatchIOTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema SCHEMA = CsvFileParserTest.SCHEMA;

  /** Rows as "source|rowIndex|line|symbol|note|size". */
  static class RowStringsFn extends DoFn<ColumnBatch, String> {
    private final Schema schema;

    RowStringsFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element ColumnBatch b, OutputReceiver<String> out) {
      List<Row> rows = BatchRows.of(schema).toRows(b);
      for (int i = 0; i < rows.size(); i++) {
        out.output(rowString(b.source(i), b.rowIndex(i), b.line(i), rows.get(i)));
      }
    }
  }

  static String rowString(String source, long index, long line, Row r) {
    return new File(source).getName() + "|" + index + "|" + line + "|" + r.getString("symbol") + "|"
        + r.getString("note") + "|" + r.getInt64("size");
  }

  /** Bad records as "file|line|type". */
  static class BadStrings extends PTransform<PCollection<BadRecord>, PCollection<String>> {
    @Override
    public PCollection<String> expand(PCollection<BadRecord> input) {
      return input.apply(
          MapElements.into(TypeDescriptors.strings())
              .via(b -> {
                String json = b.getRecord().getHumanReadableJsonRecord();
                return json.replaceAll("(?s).*\"source\" : \"[^\"]*/([^\"/]*)\".*\"line\" : (\\d+).*"
                    + "\"error_type\" : \"([A-Z_]+)\".*", "$1|$2|$3");
              }));
    }
  }

  private File write(String name, byte[] bytes) throws Exception {
    File f = tmp.newFile(name);
    Files.write(f.toPath(), bytes);
    return f;
  }

  /** What the row parser makes of the file, as the strings above. */
  private static void expected(
      TableIO.Format format, File f, List<String> rows, List<String> errors) throws Exception {
    TextBatchDiff.Outcome o =
        TextBatchDiff.rowParser(format, SCHEMA, Files.readAllBytes(f.toPath()), 1 << 20);
    TextBatchDiff.Outcome b =
        TextBatchDiff.batchReader(format, SCHEMA, Files.readAllBytes(f.toPath()), 1 << 20, 1000,
            List.of(TextRange.wholeFile("mem")));
    for (int i = 0; i < o.rows.size(); i++) {
      rows.add(rowString(f.getPath(), b.positions.get(i).get(0), b.positions.get(i).get(2),
          o.rows.get(i)));
    }
    for (RecordError e : o.errors) {
      errors.add(f.getName() + "|" + e.getLine() + "|" + e.getErrorType());
    }
  }

  @Test
  public void read_multiRangeCsvJsonlAndGzip_sameRowsAndBadRecordsAsTableIO() throws Exception {
    StringBuilder csv = new StringBuilder("symbol,ts,date,price,size,note\r\n");
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      String note = i % 7 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : i % 5 == 0 ? "" : "n" + i;
      String price = i % 31 == 0 ? "oops" : String.valueOf(i * 1.5);
      csv.append("S").append(i).append(",2026-02-03T09:00:00.125Z,2026-02-03,").append(price)
          .append(',').append(i).append(',').append(note).append(i % 2 == 0 ? "\n" : "\r\n");
      if (i % 13 == 0) {
        csv.append("\n");
      }
      jsonl.append("{\"symbol\":\"J").append(i).append("\",\"ts\":\"2026-02-03T09:00:00Z\",")
          .append("\"date\":\"2026-02-03\",\"price\":").append(i % 29 == 0 ? "\"x\"" : "1.25")
          .append(",\"size\":").append(i).append(i % 3 == 0 ? ",\"note\":\"é\"}" : "}")
          .append(i % 2 == 0 ? "\n" : "\r");
    }
    File a = write("a.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    File z = tmp.newFile("z.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(z.toPath()))) {
      out.write("symbol,ts,date,price,size\nZ,2026-02-03T09:00:00Z,2026-02-03,1,7\nbad\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    File j = write("j.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8));
    long rangeBytes = 1000;
    byte[] aBytes = Files.readAllBytes(a.toPath());
    List<TextRange> aRanges = TextBatchDiff.plan(TableIO.Format.CSV, aBytes, rangeBytes, 1 << 20);
    assertTrue("several ranges: " + aRanges.size(), aRanges.size() >= 8);

    List<String> rows = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    expected(TableIO.Format.CSV, a, rows, errors);
    rows.add("z.csv.gz|0|2|Z|null|7");
    errors.add("z.csv.gz|3|MALFORMED_RECORD");
    List<String> jsonRows = new ArrayList<>();
    List<String> jsonErrors = new ArrayList<>();
    expected(TableIO.Format.JSONL, j, jsonRows, jsonErrors);
    assertEquals(
        (long) rows.size() + errors.size() + jsonRows.size() + jsonErrors.size(), 200 + 2 + 200);

    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new BadStrings());
    PCollection<ColumnBatch> csvBatches =
        p.apply(
            "ReadCsv",
            TextBatchIO.read()
                .from(tmp.getRoot() + "/*.csv*")
                .withSchema(SCHEMA)
                .withRangeBytes(rangeBytes)
                .withBadRecordErrorHandler(handler));
    PCollection<ColumnBatch> jsonBatches =
        p.apply(
            "ReadJsonl",
            TextBatchIO.read()
                .from(tmp.getRoot() + "/*.jsonl")
                .withFormat(TableIO.Format.JSONL)
                .withSchema(SCHEMA)
                .withRangeBytes(rangeBytes)
                .withBadRecordErrorHandler(handler));
    handler.close();
    PAssert.that(csvBatches.apply("CsvRows", ParDo.of(new RowStringsFn(SCHEMA))))
        .containsInAnyOrder(rows);
    PAssert.that(jsonBatches.apply("JsonRows", ParDo.of(new RowStringsFn(SCHEMA))))
        .containsInAnyOrder(jsonRows);
    // One batch per range with rows, plus the gzip file read whole.
    PAssert.thatSingleton(csvBatches.apply("CountCsv", Count.globally()))
        .isEqualTo((long) aRanges.size() + 1);
    List<String> allErrors = new ArrayList<>(errors);
    allErrors.addAll(jsonErrors);
    PAssert.that(handler.getOutput()).containsInAnyOrder(allErrors);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(402, counter(result, "records_in"));
    assertEquals(rows.size() + jsonRows.size(), counter(result, "records_parsed"));
    assertEquals(allErrors.size(), counter(result, "records_bad"));
    assertEquals(3, counter(result, "files_read"));
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults q =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(TableIO.METRICS_NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void read_withoutHandler_firstBadRecordFailsWithItsReason() throws Exception {
    write("a.jsonl", "{\"symbol\":1}\n".getBytes(StandardCharsets.UTF_8));
    Pipeline pipeline = Pipeline.create();
    pipeline.apply(
        TextBatchIO.read()
            .from(tmp.getRoot() + "/*.jsonl")
            .withFormat(TableIO.Format.JSONL)
            .withSchema(SCHEMA));
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertThat(String.valueOf(e.getMessage()), containsString("\"error_type\" : \"MISSING_VALUE\""));
    assertThat(String.valueOf(e.getMessage()), containsString("column 'ts' is empty"));
  }

  @Test
  public void withSettings_badValues_rejected() {
    assertThrows(IllegalArgumentException.class, () -> TextBatchIO.read().withRangeBytes(0));
    assertThrows(IllegalArgumentException.class, () -> TextBatchIO.read().withMaxRecordBytes(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> TextBatchIO.read().withFormat(TableIO.Format.PARQUET));
    Schema s = Schema.builder().addArrayField("tags", Schema.FieldType.STRING).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextBatchIO.read().withSchema(s));
    assertThat(e.getMessage(), containsString("column 'tags'"));
  }

  @Test
  public void textRangeCoder_roundTrips() throws Exception {
    byte[] bytes =
        "symbol,ts,date,price,size\nA,x,y,1,2\nB,x,y,1,2\n".getBytes(StandardCharsets.UTF_8);
    List<TextRange> ranges =
        TextRangePlanner.plan("f", bytes.length, false, TableIO.Format.CSV, 10, 1 << 20,
            () -> new ByteArrayInputStream(bytes));
    assertEquals(3, ranges.size());
    List<TextRange> all = new ArrayList<>(ranges);
    all.add(TextRange.wholeFile("g"));
    for (TextRange r : all) {
      org.apache.beam.sdk.testing.CoderProperties.coderDecodeEncodeEqual(TextRangeCoder.of(), r);
    }
  }
}
