package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.parquet.HostileParquet;
import dev.sediment.io.parquet.LocalParquetFile;
import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TableIOParquetTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  static final String AVRO =
      "{\"type\":\"record\",\"name\":\"Trade\",\"fields\":["
          + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
          + "{\"name\":\"symbol\",\"type\":\"string\"},"
          + "{\"name\":\"price\",\"type\":[\"null\",\"double\"],\"default\":null}]}";
  static final org.apache.avro.Schema SCHEMA = new org.apache.avro.Schema.Parser().parse(AVRO);

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

  private Path write(String name, org.apache.avro.Schema schema, List<GenericRecord> rows)
      throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(f))
            .withConf(new Configuration(false))
            .withSchema(schema)
            .build()) {
      for (GenericRecord r : rows) {
        w.write(r);
      }
    }
    return f;
  }

  private static GenericRecord trade(long ts, String symbol, Double price) {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("ts", ts);
    r.put("symbol", symbol);
    r.put("price", price);
    return r;
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
  public void format_parse_parquet() {
    assertThat(TableIO.Format.parse("Parquet"), equalTo(TableIO.Format.PARQUET));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TableIO.Format.parse("xml"));
    assertThat(e.getMessage(), equalTo("unknown format 'xml'; use csv, jsonl or parquet"));
  }

  @Test
  public void parquetAvroSchema_firstFileInNameOrder() throws Exception {
    org.apache.avro.Schema other =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}");
    GenericData.Record r = new GenericData.Record(other);
    r.put("x", 1L);
    write("b.parquet", other, List.of(r));
    write("a.parquet", SCHEMA, List.of(trade(1, "X", 1.0)));

    assertThat(
        TableIO.parquetAvroSchema(tmp.getRoot() + "/*.parquet"), equalTo(SCHEMA.toString()));
    assertThrows(
        FileNotFoundException.class,
        () -> TableIO.parquetAvroSchema(tmp.getRoot() + "/*.none"));
  }

  @Test
  public void read_parquet_schemaFromFooter_badFilesToHandler_othersRead() throws Exception {
    write("a.parquet", SCHEMA, List.of(trade(1000, "BTC", 1.5), trade(2000, "ETH", null)));
    write("b.parquet", SCHEMA, List.of(trade(3000, "SOL", 3.0)));
    // Same columns, but price is a string: the whole file is one TYPE_MISMATCH.
    org.apache.avro.Schema wrongType =
        new org.apache.avro.Schema.Parser().parse(AVRO.replace("\"double\"", "\"string\""));
    GenericData.Record w = new GenericData.Record(wrongType);
    w.put("ts", 4000L);
    w.put("symbol", "X");
    w.put("price", "4");
    write("c.parquet", wrongType, List.of(w));
    // An extra column: HEADER_MISMATCH.
    org.apache.avro.Schema extra =
        new org.apache.avro.Schema.Parser()
            .parse(AVRO.replace("]}", ",{\"name\":\"side\",\"type\":\"string\"}]}"));
    GenericData.Record x = new GenericData.Record(extra);
    x.put("ts", 5000L);
    x.put("symbol", "Y");
    x.put("price", 5.0);
    x.put("side", "buy");
    write("d.parquet", extra, List.of(x));
    Files.write(tmp.getRoot().toPath().resolve("e.parquet"), "not parquet at all".getBytes());

    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new Describe());
    PCollection<Row> rows =
        p.apply(
            TableIO.read()
                .from(tmp.getRoot() + "/*.parquet")
                .withFormat(TableIO.Format.PARQUET)
                .withBadRecordErrorHandler(handler));
    handler.close();

    PAssert.that(
            rows.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        r ->
                            r.getDateTime("ts").getMillis()
                                + ":"
                                + r.getString("symbol")
                                + ":"
                                + r.getDouble("price"))))
        .containsInAnyOrder("1000:BTC:1.5", "2000:ETH:null", "3000:SOL:3.0");
    PAssert.that(handler.getOutput())
        .containsInAnyOrder(
            "TYPE_MISMATCH c.parquet 0", "HEADER_MISMATCH d.parquet 0", "CORRUPT_FOOTER e.parquet 0");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, "records_in"), equalTo(6L));
    assertThat(counter(result, "records_parsed"), equalTo(3L));
    assertThat(counter(result, "records_bad"), equalTo(3L));
    assertThat(counter(result, "files_read"), equalTo(5L));
  }

  @Test
  public void read_parquet_withSchema_nullInRequiredColumnIsMissingValueOfItsRow()
      throws Exception {
    write("a.parquet", SCHEMA, List.of(trade(1000, "BTC", 1.5), trade(2000, "ETH", null)));
    Schema required =
        AvroTableSchema.toBeamSchema(AVRO.replace("[\"null\",\"double\"],\"default\":null", "\"double\""));
    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new Describe());
    PCollection<Row> rows =
        p.apply(
            TableIO.read()
                .from(tmp.getRoot() + "/*.parquet")
                .withFormat(TableIO.Format.PARQUET)
                .withSchema(required)
                .withBadRecordErrorHandler(handler));
    handler.close();

    PAssert.that(rows)
        .containsInAnyOrder(
            Row.withSchema(required).addValues(new Instant(1000), "BTC", 1.5).build());
    PAssert.that(handler.getOutput()).containsInAnyOrder("MISSING_VALUE a.parquet 2");
    p.run().waitUntilFinish();
  }

  @Test
  public void read_parquet_dateAndMicros_asTheTextFormatsGiveThem() throws Exception {
    String avro =
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
            + "{\"name\":\"us\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}]}";
    org.apache.avro.Schema s = new org.apache.avro.Schema.Parser().parse(avro);
    GenericData.Record r = new GenericData.Record(s);
    r.put("day", 20_487); // 2026-02-03
    r.put("us", 1_770_109_200_000_001L);
    write("a.parquet", s, List.of(r));
    // The same values through CSV, with the same schema, must give the same row.
    Files.writeString(
        tmp.getRoot().toPath().resolve("a.csv"), "day,us\n2026-02-03,2026-02-03T09:00:00.000001Z\n");
    Schema schema = AvroTableSchema.toBeamSchema(avro);

    PCollection<Row> fromParquet =
        p.apply(
            "Parquet",
            TableIO.read()
                .from(tmp.getRoot() + "/*.parquet")
                .withFormat(TableIO.Format.PARQUET)
                .withSchema(schema));
    PCollection<Row> fromCsv =
        p.apply("Csv", TableIO.read().from(tmp.getRoot() + "/*.csv").withSchema(schema));

    Row expected =
        Row.withSchema(schema)
            .addValues(new Instant(20_487L * 86_400_000L), 1_770_109_200_000_001L)
            .build();
    PAssert.that(fromParquet).containsInAnyOrder(expected);
    PAssert.that(fromCsv).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  public void read_parquet_noMatch_failsNamingTheGlob() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.apply(
                    TableIO.read()
                        .from(tmp.getRoot() + "/*.parquet")
                        .withFormat(TableIO.Format.PARQUET)));
    assertThat(e.getMessage(), containsString("no file matches " + tmp.getRoot() + "/*.parquet"));
    p.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void read_parquet_lyingFooters_eachOneCorruptFooter_goodFileRead() throws Exception {
    Path dir = tmp.getRoot().toPath();
    byte[] valid = HostileParquet.valid(dir, 3);
    Files.write(dir.resolve("a.parquet"), valid);
    Files.write(dir.resolve("b-tiny.parquet"), HostileParquet.tinyLyingFooter());
    Files.write(dir.resolve("c-schema.parquet"), HostileParquet.lyingSchemaCount(valid));
    Files.write(
        dir.resolve("d-cut.parquet"),
        HostileParquet.truncatedFooter(valid, HostileParquet.footer(valid).length / 2));
    Files.write(dir.resolve("e-long.parquet"), HostileParquet.footerLongerThanFile(valid));
    Files.write(
        dir.resolve("f-chunk.parquet"),
        HostileParquet.editFooter(
            valid,
            m ->
                m.getRow_groups()
                    .get(0)
                    .getColumns()
                    .get(0)
                    .getMeta_data()
                    .setTotal_compressed_size(1L << 40)));

    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new Describe());
    PCollection<Row> rows =
        p.apply(
            TableIO.read()
                .from(dir + "/*.parquet")
                .withFormat(TableIO.Format.PARQUET)
                .withSchema(AvroTableSchema.toBeamSchema(HostileParquet.AVRO))
                .withBadRecordErrorHandler(handler));
    handler.close();

    PAssert.that(
            rows.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(r -> r.getInt64("id") + ":" + r.getString("name"))))
        .containsInAnyOrder("0:n0", "1:n1", "2:n2");
    PAssert.that(handler.getOutput())
        .containsInAnyOrder(
            "CORRUPT_FOOTER b-tiny.parquet 0",
            "CORRUPT_FOOTER c-schema.parquet 0",
            "CORRUPT_FOOTER d-cut.parquet 0",
            "CORRUPT_FOOTER e-long.parquet 0",
            "CORRUPT_FOOTER f-chunk.parquet 0");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, "records_in"), equalTo(8L));
    assertThat(counter(result, "records_bad"), equalTo(5L));
  }

  @Test
  public void parse_lyingFooter_errorNamesOffsetAndProblem() throws Exception {
    Path f = tmp.getRoot().toPath().resolve("tiny.parquet");
    Files.write(f, HostileParquet.tinyLyingFooter());
    CsvFileParserTest.Collect c = new CsvFileParserTest.Collect();
    long n =
        new ParquetFileParser(AvroTableSchema.toBeamSchema(HostileParquet.AVRO))
            .parse(f.toString(), LocalParquetFile.of(f), c);
    assertThat(n, equalTo(1L));
    assertThat(c.errors.get(0).getErrorType(), equalTo("CORRUPT_FOOTER"));
    assertThat(c.errors.get(0).getOffset(), equalTo(15L));
    assertThat(
        c.errors.get(0).getMessage(),
        equalTo(
            "the Parquet footer is corrupt at byte 15: a list declares 2147483647 schema"
                + " elements, more than 1000000"));
  }

  @Test
  public void parse_lyingPageHeaderInSecondRowGroup_firstGroupKeptThenOneCorruptPage()
      throws Exception {
    Path dir = tmp.getRoot().toPath();
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
    long page = HostileParquet.pages(lying, 1, "name").get(0).offset;
    Path f = dir.resolve("page.parquet");
    Files.write(f, lying);
    long firstGroup;
    try (org.apache.parquet.hadoop.ParquetFileReader r =
        org.apache.parquet.hadoop.ParquetFileReader.open(LocalParquetFile.of(f))) {
      firstGroup = r.getRowGroups().get(0).getRowCount();
    }
    CsvFileParserTest.Collect c = new CsvFileParserTest.Collect();
    long n =
        new ParquetFileParser(AvroTableSchema.toBeamSchema(HostileParquet.AVRO))
            .parse(f.toString(), LocalParquetFile.of(f), c);
    assertThat(n, equalTo(firstGroup + 1));
    assertThat((long) c.rows.size(), equalTo(firstGroup));
    assertThat(c.errors.size(), equalTo(1));
    assertThat(c.errors.get(0).getErrorType(), equalTo("CORRUPT_PAGE"));
    assertThat(c.errors.get(0).getLine(), equalTo(firstGroup + 1));
    assertThat(c.errors.get(0).getOffset(), equalTo(page));
    assertThat(
        c.errors.get(0).getMessage(),
        org.hamcrest.Matchers.startsWith(
            "a Parquet page in column 'name' is corrupt at byte "
                + page
                + ": the page declares 2147483647 uncompressed bytes from "));
    assertThat(
        c.errors.get(0).getMessage(),
        org.hamcrest.Matchers.endsWith("; the rows from here on are not read"));
  }

  @Test
  public void parse_widerDecimalThanSchema_rowErrorsNotRounded() throws Exception {
    String wide =
        "{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"amount\",\"type\":"
            + "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":3}}]}";
    org.apache.avro.Schema s = new org.apache.avro.Schema.Parser().parse(wide);
    org.apache.avro.Conversions.DecimalConversion dc = new org.apache.avro.Conversions.DecimalConversion();
    List<GenericRecord> recs = new java.util.ArrayList<>();
    for (String v : new String[] {"1.230", "1.239", "123456789.000"}) {
      GenericData.Record r = new GenericData.Record(s);
      java.math.BigDecimal d = new java.math.BigDecimal(v);
      r.put("amount", dc.toBytes(d, null, s.getField("amount").schema().getLogicalType()));
      recs.add(r);
    }
    Path f = write("dec.parquet", s, recs);
    Schema narrow = AvroTableSchema.toBeamSchema(wide.replace("12", "10").replace("\"scale\":3", "\"scale\":2"));
    CsvFileParserTest.Collect c = new CsvFileParserTest.Collect();
    long n = new ParquetFileParser(narrow).parse(f.toString(), LocalParquetFile.of(f), c);
    assertThat(n, equalTo(3L));
    assertThat(c.errorSummaries(), contains("2:TYPE_MISMATCH", "3:VALUE_OUT_OF_RANGE"));
    assertThat(c.rows.get(0).getDecimal("amount"), equalTo(new java.math.BigDecimal("1.23")));
  }
}
