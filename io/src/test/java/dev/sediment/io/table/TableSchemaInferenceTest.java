package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.parquet.LocalParquetFile;
import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TableSchemaInferenceTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private String write(String name, String text) throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f.toString();
  }

  private static String field(String name, String type) {
    return "{\"name\":\"" + name + "\",\"type\":[\"null\"," + type + "],\"default\":null}";
  }

  private static String record(String... fields) {
    return "{\"type\":\"record\",\"name\":\"Inferred\",\"fields\":["
        + String.join(",", fields)
        + "]}";
  }

  private String csv(int maxRecords) throws Exception {
    return TableSchemaInference.inferAvroSchemaJson(
        tmp.getRoot() + "/*.csv", TableIO.Format.CSV, maxRecords);
  }

  @Test
  public void csv_eachColumnGetsTheNarrowestType() throws Exception {
    write(
        "a.csv",
        "flag,n,x,day,ts,us,ns,name,empty,mixed\n"
            + "true,1,1,2026-02-03,2026-02-03T09:00:00Z,2026-02-03T09:00:00.000001Z,"
            + "2026-02-03T09:00:00.000000001Z,\"Smith, J\",,1\n"
            + "FALSE, 2 ,2.5,2026-02-04,2026-02-03T09:00:00.125+01:00,2026-02-03T09:00:00Z,"
            + "2026-02-03T09:00:00Z,\"two\nlines\",,2026-02-03\n"
            + ",-3,1e3,,,,,,,\n");

    assertThat(
        csv(100),
        equalTo(
            record(
                field("flag", "\"boolean\""),
                field("n", "\"long\""),
                field("x", "\"double\""),
                field("day", "{\"type\":\"int\",\"logicalType\":\"date\"}"),
                field("ts", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}"),
                field("us", "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}"),
                field("ns", "\"string\""),
                field("name", "\"string\""),
                field("empty", "\"string\""),
                field("mixed", "\"string\""))));
  }

  @Test
  public void csv_inferredSchema_readsEveryRecordWithTableIO() throws Exception {
    write(
        "a.csv",
        "flag,n,x,day,ts,us,ns,name\n"
            + "true,1,1,2026-02-03,2026-02-03T09:00:00Z,2026-02-03T09:00:00.000001Z,"
            + "2026-02-03T09:00:00.000000001Z,\"Smith, J\"\n"
            + ",,,,,,,\n");
    Schema schema = TableSchemaInference.infer(tmp.getRoot() + "/*.csv", TableIO.Format.CSV, 10);
    BadRecordErrorHandler<PCollection<Long>> handler =
        p.registerBadRecordErrorHandler(new TableIOTest.CountBad());
    PCollection<Row> rows =
        p.apply(
            TableIO.read()
                .from(tmp.getRoot() + "/*.csv")
                .withSchema(schema)
                .withBadRecordErrorHandler(handler));
    handler.close();
    PAssert.that(rows.apply(Count.globally())).containsInAnyOrder(2L);
    PAssert.thatSingleton(handler.getOutput()).isEqualTo(0L);
    p.run().waitUntilFinish();
  }

  @Test
  public void csv_widensLongToDoubleToString_acrossFiles_columnsUnionedInOrder()
      throws Exception {
    write("a.csv", "a,b,c\n1,1,1\n2,2,2\n");
    write("b.csv", "c,d,a,b\n3.5,x,3,3.5\n");
    write("c.csv", "a,b,c,d\n4,4,four,\n");

    assertThat(
        csv(100),
        equalTo(
            record(
                field("a", "\"long\""),
                field("b", "\"double\""),
                field("c", "\"string\""),
                field("d", "\"string\""))));
    // Only the first two records: all of a, b, c are integers, d never seen.
    assertThat(
        csv(2),
        equalTo(
            record(
                field("a", "\"long\""),
                field("b", "\"long\""),
                field("c", "\"long\""))));
  }

  @Test
  public void csv_brokenRecordsAreLeftOut_andTheResultParsesAsABeamSchema() throws Exception {
    write("a.csv", "\uFEFFn,s\n1,a\n1,2,3\nx\"y,b\n2,\"c\"\n");

    assertThat(csv(100), equalTo(record(field("n", "\"long\""), field("s", "\"string\""))));
    Schema beam = TableSchemaInference.infer(tmp.getRoot() + "/*.csv", TableIO.Format.CSV, 100);
    assertThat(
        beam,
        equalTo(
            Schema.builder()
                .addNullableField("n", Schema.FieldType.INT64)
                .addNullableField("s", Schema.FieldType.STRING)
                .build()));
  }

  @Test
  public void jsonl_unionOfKeys_jsonTypesDecide() throws Exception {
    write(
        "a.jsonl",
        "{\"id\":1,\"px\":1,\"ok\":true,\"code\":\"7\",\"t\":\"2026-02-03T09:00:00Z\"}\n"
            + "\n"
            + "not json\n"
            + "{\"px\":2.5,\"id\":2,\"tags\":[\"a\"],\"d\":\"2026-02-03\",\"nil\":null}\n"
            + "{\"id\":3,\"ok\":false,\"d\":null,\"code\":8}\n");
    write("b.jsonl.gz", "");
    try (OutputStream o =
        new GZIPOutputStream(Files.newOutputStream(tmp.getRoot().toPath().resolve("b.jsonl.gz")))) {
      o.write("{\"late\":92233720368547758070}\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(
        TableSchemaInference.inferAvroSchemaJson(
            tmp.getRoot() + "/*.jsonl*", TableIO.Format.JSONL, 100),
        equalTo(
            record(
                field("id", "\"long\""),
                field("px", "\"double\""),
                field("ok", "\"boolean\""),
                field("code", "\"string\""),
                field("t", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}"),
                field("tags", "\"string\""),
                field("d", "{\"type\":\"int\",\"logicalType\":\"date\"}"),
                field("nil", "\"string\""),
                field("late", "\"double\""))));
  }

  @Test
  public void parquet_returnsTheFooterSchema() throws Exception {
    org.apache.avro.Schema s =
        new org.apache.avro.Schema.Parser().parse(TableIOParquetTest.AVRO);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(
                LocalParquetFile.of(tmp.getRoot().toPath().resolve("a.parquet")))
            .withConf(new Configuration(false))
            .withSchema(s)
            .build()) {
      // no rows: the footer still holds the schema
    }
    assertThat(
        TableSchemaInference.inferAvroSchemaJson(
            tmp.getRoot() + "/*.parquet", TableIO.Format.PARQUET, 10),
        equalTo(s.toString()));
  }

  @Test
  public void invalidAvroName_rejectedNamingTheColumn() throws Exception {
    write("a.csv", "ok,price ($)\n1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> csv(10));
    assertThat(e.getMessage(), containsString("column 'price ($)' is not a valid Avro field name"));
  }

  @Test
  public void noMatch_isFileNotFound() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> csv(10));
    assertThat(e.getMessage(), equalTo("no file matches " + tmp.getRoot() + "/*.csv"));
  }
}
