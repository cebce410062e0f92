package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.LongColumn;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link ParquetBatchIO#read()} on the DirectRunner. */
public class ParquetBatchIOTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  static final BatchSchema ID_NAME =
      BatchSchema.of(
          BatchField.of("id", ColumnType.INT64, false), BatchField.of("name", ColumnType.STRING, false));

  /** {@code rows} rows: id = row index, name = "n" + id % 7; row groups of about rowGroupBytes. */
  static Path idNameFile(Path file, int rows, long rowGroupBytes) throws Exception {
    ColumnBatch.Builder b = ColumnBatch.builder(ID_NAME, Math.max(1, rows), Long.MAX_VALUE);
    b.source("test");
    for (int i = 0; i < rows; i++) {
      ((LongColumn.Builder) b.column(0)).append(i);
      ((BinaryColumn.Builder) b.column(1)).appendString("n" + i % 7);
      b.endRow(i, -1, -1);
    }
    try (ParquetBatchWriter w =
        ParquetBatchWriter.create(
            file, ID_NAME, ParquetBatchWriter.Options.defaults().withRowGroupBytes(rowGroupBytes))) {
      w.write(b.build());
    }
    return file;
  }

  /** Each row as "file-name:rowIndex:id". */
  static class RowsFn extends DoFn<ColumnBatch, String> {
    @ProcessElement
    public void process(@Element ColumnBatch b, OutputReceiver<String> out) {
      LongColumn id = (LongColumn) b.column("id");
      for (int i = 0; i < b.rowCount(); i++) {
        out.output(new File(b.source(i)).getName() + ":" + b.rowIndex(i) + ":" + id.get(i));
      }
    }
  }

  /**
   * Each batch as "file-name:firstRowIndex:rows", after checking that its row indexes run on from
   * the first and that each row's id (written as its row index) matches.
   */
  static class RunsFn extends DoFn<ColumnBatch, String> {
    @ProcessElement
    public void process(@Element ColumnBatch b, OutputReceiver<String> out) {
      LongColumn id = (LongColumn) b.column("id");
      for (int i = 0; i < b.rowCount(); i++) {
        if (b.rowIndex(i) != b.rowIndex(0) + i || id.get(i) != b.rowIndex(i)) {
          throw new AssertionError("row " + i + " of " + b + " has index " + b.rowIndex(i));
        }
      }
      out.output(new File(b.source(0)).getName() + ":" + b.rowIndex(0) + ":" + b.rowCount());
    }
  }

  static void assertTiles(List<long[]> runs, long rows) {
    runs.sort((x, y) -> Long.compare(x[0], y[0]));
    long next = 0;
    for (long[] r : runs) {
      assertEquals("run starting at " + r[0], next, r[0]);
      next += r[1];
    }
    assertEquals(rows, next);
  }

  /** Bad records as "ERROR_TYPE file line". */
  static class Describe extends PTransform<PCollection<BadRecord>, PCollection<String>> {
    @Override
    public PCollection<String> expand(PCollection<BadRecord> input) {
      return input.apply(
          MapElements.into(TypeDescriptors.strings())
              .via(
                  b -> {
                    try {
                      JsonNode e =
                          new ObjectMapper().readTree(b.getRecord().getHumanReadableJsonRecord());
                      return e.get("error_type").asText()
                          + " "
                          + new File(e.get("source").asText()).getName()
                          + " "
                          + e.get("line").asLong();
                    } catch (Exception x) {
                      throw new IllegalStateException(x);
                    }
                  }));
    }
  }

  private static long rowGroups(Path f) throws Exception {
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(f), "x")) {
      return r.rowGroupCount();
    }
  }

  @Test
  public void read_multiRowGroupFiles_giveEveryRowOnceWithItsRowIndex() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path a = idNameFile(dir.resolve("a.parquet"), 30_000, 16 << 10);
    idNameFile(dir.resolve("b.parquet"), 1_000, 16 << 10);
    assertTrue("row groups of a: " + rowGroups(a), rowGroups(a) >= 4);

    PCollection<ColumnBatch> batches =
        p.apply(ParquetBatchIO.read().from(dir + "/*.parquet").withSplitBytes(1));
    PAssert.that(batches.apply(ParDo.of(new RunsFn())))
        .satisfies(
            runs -> {
              // The runs of each file tile its rows exactly: every row once, in its place.
              List<long[]> runsA = new ArrayList<>();
              List<long[]> runsB = new ArrayList<>();
              for (String r : runs) {
                String[] x = r.split(":");
                (x[0].equals("a.parquet") ? runsA : runsB)
                    .add(new long[] {Long.parseLong(x[1]), Long.parseLong(x[2])});
              }
              assertTiles(runsA, 30_000);
              assertTiles(runsB, 1_000);
              assertTrue("batches of a: " + runsA.size(), runsA.size() >= 4);
              return null;
            });
    PAssert.that(
            batches
                .apply("Schemas", MapElements.into(TypeDescriptors.strings()).via(b -> b.schema().toString()))
                .apply("DistinctSchemas", Distinct.create()))
        .containsInAnyOrder(ID_NAME.toString());
    p.run().waitUntilFinish();
  }

  static void exampleFile(Path f, String schema) throws Exception {
    MessageType t = MessageTypeParser.parseMessageType(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(LocalParquetFile.of(f))
            .withType(t)
            .withConf(new Configuration(false))
            .build()) {
      Group g = new SimpleGroupFactory(t).newGroup();
      g.append("id", 1L);
      w.write(g);
    }
  }

  @Test
  public void read_badFiles_areTypedBadRecords_andTheOtherRowsAreRead() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path good = idNameFile(dir.resolve("a-good.parquet"), 100, 1 << 20);
    byte[] bytes = Files.readAllBytes(good);
    Files.write(dir.resolve("b-cut.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
    byte[] valid =
        HostileParquet.written(
            dir,
            20_000,
            org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY,
            org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_1_0,
            16 << 10);
    byte[] lying =
        HostileParquet.editPageHeader(
            valid, 1, "name", 0, h -> h.setUncompressed_page_size(Integer.MAX_VALUE));
    Path page = dir.resolve("c-page.parquet");
    Files.write(page, lying);
    exampleFile(dir.resolve("d-unsigned.parquet"), "message m { required int64 id (INTEGER(64,false)); }");
    exampleFile(dir.resolve("e-missing.parquet"), "message m { required int64 id; }");
    long firstGroup;
    long secondGroup;
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(page), "x")) {
      firstGroup = r.rowCount(0);
      secondGroup = r.rowCount(1);
    }

    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new Describe());
    PCollection<ColumnBatch> batches =
        p.apply(
            ParquetBatchIO.read()
                .from(dir + "/*.parquet")
                .withSplitBytes(1)
                .withBadRecordErrorHandler(handler));
    handler.close();
    long lost = secondGroup;
    PAssert.that(batches.apply(ParDo.of(new RunsFn())))
        .satisfies(
            runs -> {
              long goodRows = 0;
              long pageRows = 0;
              for (String r : runs) {
                String[] x = r.split(":");
                if (x[0].equals("a-good.parquet")) {
                  goodRows += Long.parseLong(x[2]);
                } else {
                  assertEquals("c-page.parquet", x[0]);
                  pageRows += Long.parseLong(x[2]);
                }
              }
              assertEquals(100L, goodRows);
              // Only the row group with the lying page is lost, and it is one bad record.
              assertEquals(20_000L - lost, pageRows);
              return null;
            });
    PAssert.that(handler.getOutput())
        .containsInAnyOrder(
            "CORRUPT_FOOTER b-cut.parquet 0",
            "CORRUPT_PAGE c-page.parquet " + (firstGroup + 1),
            "TYPE_MISMATCH d-unsigned.parquet 0",
            "HEADER_MISMATCH e-missing.parquet 0");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // Counts add up: every row read, plus one bad record per file or range not read.
    long parsed = 100 + 20_000 - secondGroup;
    assertEquals(5L, counter(result, "files_read"));
    assertEquals(4L, counter(result, "records_bad"));
    assertEquals(parsed, counter(result, "records_parsed"));
    assertEquals(parsed + 4, counter(result, "records_in"));
  }

  @Test
  public void read_withSchema_readsOnlyItsColumns_asDeclared() throws Exception {
    Path dir = tmp.getRoot().toPath();
    idNameFile(dir.resolve("a.parquet"), 2_500, 16 << 10);
    BatchSchema idOnly = BatchSchema.of(BatchField.of("id", ColumnType.INT64, true));
    PCollection<ColumnBatch> batches =
        p.apply(ParquetBatchIO.read().from(dir + "/*.parquet").withSchema(idOnly));
    PAssert.that(batches.apply(ParDo.of(new RunsFn())))
        .satisfies(
            runs -> {
              List<long[]> tiles = new ArrayList<>();
              for (String r : runs) {
                String[] x = r.split(":");
                tiles.add(new long[] {Long.parseLong(x[1]), Long.parseLong(x[2])});
              }
              assertTiles(tiles, 2_500);
              return null;
            });
    PAssert.that(
            batches.apply(
                MapElements.into(TypeDescriptors.strings()).via(b -> b.schema().toString())))
        .satisfies(
            schemas -> {
              for (String s : schemas) {
                assertEquals(idOnly.toString(), s);
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void read_withoutHandler_stopsOnTheFirstBadFile() throws Exception {
    Path dir = tmp.getRoot().toPath();
    idNameFile(dir.resolve("a.parquet"), 10, 1 << 20);
    Files.write(dir.resolve("b.parquet"), new byte[] {1, 2, 3});
    p.apply(ParquetBatchIO.read().from(dir + "/*.parquet"));
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    assertTrue(
        e.getMessage(),
        e.getMessage()
            .contains(
                "b.parquet: corrupt Parquet footer at byte 0: the file has 3 bytes, too few for"
                    + " Parquet (at least 12)"));
  }

  @Test
  public void sample_manyRowGroups_readsTheHashedRowGroupsWhole() throws Exception {
    Path dir = tmp.getRoot().toPath();
    // A row group per 1,024-row chunk: 40 row groups.
    Path f = idNameFile(dir.resolve("s.parquet"), 40 * 1024, 1);
    assertEquals(40L, rowGroups(f));
    String source = FileSystems.matchSingleFileSpec(f.toString()).resourceId().toString();
    List<String> expected = new ArrayList<>();
    int kept = 0;
    for (int g = 0; g < 40; g++) {
      if (ParquetSample.keepRowGroup(7, source, g, 0.1)) {
        kept++;
        for (int i = g * 1024; i < (g + 1) * 1024; i++) {
          expected.add("s.parquet:" + i + ":" + i);
        }
      }
    }
    assertTrue("kept " + kept, kept > 0 && kept < 40);
    PCollection<String> rows =
        p.apply(ParquetBatchIO.read().from(f.toString()).withSample(0.1, 7))
            .apply(ParDo.of(new RowsFn()));
    PAssert.that(rows).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // The other row groups are never fetched.
    assertEquals(40L - kept, counter(result, "row_groups_skipped"));
    assertEquals((long) kept, counter(result, "row_groups_read"));
  }

  static long counter(PipelineResult result, String name) {
    MetricQueryResults m =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ParquetBatchIO.METRICS_NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : m.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void sample_fewRowGroups_fallsBackToHashedRows() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path f = idNameFile(dir.resolve("r.parquet"), 5_000, 1 << 20);
    assertEquals(1L, rowGroups(f));
    String source = FileSystems.matchSingleFileSpec(f.toString()).resourceId().toString();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      if (ParquetSample.keepRow(7, source, i, 0.1)) {
        expected.add("r.parquet:" + i + ":" + i);
      }
    }
    assertTrue("kept " + expected.size(), expected.size() > 400 && expected.size() < 600);
    PCollection<String> rows =
        p.apply(ParquetBatchIO.read().from(f.toString()).withSample(0.1, 7))
            .apply(ParDo.of(new RowsFn()));
    PAssert.that(rows).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  public void withSample_refusesFractionsOutsideZeroToOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ParquetBatchIO.read().withSample(0, 1));
    assertEquals("fraction must be in (0, 1], was 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ParquetBatchIO.read().withSample(1.5, 1));
  }
}
