package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.parquet.HostileParquet;
import dev.sediment.io.parquet.LocalParquetFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hostile inputs of the table path (issue 12) through the bundled jar: {@code ingest-table} and
 * {@code validate} over small directories of CSV, JSON-lines and Parquet files that once lost rows
 * (CR-only line ends), failed the whole job (a decimal with more scale than its column, a lying
 * Parquet footer's OutOfMemoryError) or changed values silently (1e400 into a double, 1e39 into a
 * float, a duplicate JSON key, a lone surrogate), plus hostile inputs that already passed (NUL
 * bytes, invalid UTF-8, a header naming a {@code ../x} column). Every run must finish with exit 0,
 * count every record (in = written + quarantined) and quarantine each bad one with its type.
 */
public class HostileTableInputIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String AVRO =
      "{\"type\":\"record\",\"name\":\"H\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
          + "\"precision\":10,\"scale\":2}},"
          + "{\"name\":\"f\",\"type\":\"float\"},"
          + "{\"name\":\"d\",\"type\":\"double\"},"
          + "{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  private static Path root;
  private static Path schema;
  private static Path rules;

  private static final String HEADER = "id,amount,f,d,name\n";

  @BeforeClass
  public static void writeInputs() throws Exception {
    root = TMP.getRoot().toPath();
    schema = Files.writeString(root.resolve("h.avsc"), AVRO);
    rules = Files.writeString(root.resolve("h.rules.yaml"), "columns:\n  id:\n    - {rule: not_null}\n");

    Path csv = Files.createDirectories(root.resolve("csv"));
    // Lost every row before: CR-only line ends.
    Files.writeString(csv.resolve("cr-only.csv"), HEADER.replace('\n', '\r') + "1,1.00,1,1,a\r2,2.50,2,2,b\r3,3,3,3,c\r");
    // Failed the whole job at write time: scale 3 into decimal(10,2); and too many digits.
    Files.writeString(csv.resolve("decimal.csv"), HEADER + "4,1.239,1,1,x\n5,123456789.00,1,1,x\n6,1.2,1,1,x\n");
    // Became infinities or 0 before; NaN is kept as written.
    Files.writeString(csv.resolve("numbers.csv"), HEADER + "7,1,1e39,1,x\n8,1,1,1e400,x\n9,1,1,NaN,x\n10,1,1,-1e-400,x\n");
    // Already passing: a NUL inside a string is kept; inside a number it is not a number.
    Files.writeString(csv.resolve("nul.csv"), HEADER + "11,1,1,1,a\u0000b\n1\u00002,1,1,1,x\n");
    // Already passing: invalid UTF-8 (a lone lead byte) is an ENCODING error of its line.
    ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
    utf8.writeBytes((HEADER + "12,1,1,1,").getBytes(StandardCharsets.UTF_8));
    utf8.write(0xC3);
    utf8.writeBytes("x\n13,1,1,1,ok\n".getBytes(StandardCharsets.UTF_8));
    Files.write(csv.resolve("utf8.csv"), utf8.toByteArray());
    // Already passing: a header naming a column "../x" is a header mismatch, never a path.
    Files.writeString(csv.resolve("traversal.csv"), "id,amount,f,d,../x\n14,1,1,1,y\n");

    Path jsonl = Files.createDirectories(root.resolve("jsonl"));
    String ok = "\"amount\":1.5,\"f\":1";
    Files.writeString(
        jsonl.resolve("values.jsonl"),
        "{\"id\":1," + ok + ",\"d\":1e400}\n"
            + "{\"id\":2,\"amount\":1.5,\"f\":1e39,\"d\":1}\n"
            + "{\"id\":3," + ok + ",\"d\":1,\"d\":2}\n"
            + "{\"id\":4," + ok + ",\"d\":1,\"name\":\"\\ud800\"}\n"
            + "{\"id\":5,\"amount\":1.239,\"f\":1,\"d\":1}\n"
            + "{\"id\":6," + ok + ",\"d\":1,\"name\":\"ok \\ud83d\\ude00\"}\n");
    Files.writeString(
        jsonl.resolve("cr.jsonl"), "{\"id\":7," + ok + ",\"d\":1}\r{\"id\":8," + ok + ",\"d\":2}\r");

    Path parquet = Files.createDirectories(root.resolve("parquet"));
    byte[] good = goodParquet(root.resolve("good.tmp"));
    Files.write(parquet.resolve("good.parquet"), good);
    Files.write(parquet.resolve("lying.parquet"), tinyLyingFooter());
    Files.write(parquet.resolve("long-footer.parquet"), footerLongerThanFile(good));
    Files.write(parquet.resolve("truncated.parquet"), Arrays.copyOf(good, good.length - 3));
    // Made parquet-java allocate 2^31-1 bytes for one page (OutOfMemoryError): a Snappy page whose
    // header declares uncompressed_page_size 2^31-1.
    byte[] snappy = goodParquet(root.resolve("snappy.tmp"), CompressionCodecName.SNAPPY);
    Files.write(
        parquet.resolve("lying-page.parquet"),
        HostileParquet.editPageHeader(
            snappy, 0, "name", 0, h -> h.setUncompressed_page_size(Integer.MAX_VALUE)));
  }

  /** Two rows of the schema, written by parquet-avro. */
  private static byte[] goodParquet(Path f) throws IOException {
    return goodParquet(f, CompressionCodecName.UNCOMPRESSED);
  }

  private static byte[] goodParquet(Path f, CompressionCodecName codec) throws IOException {
    Schema s = new Schema.Parser().parse(AVRO);
    Conversions.DecimalConversion dc = new Conversions.DecimalConversion();
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(f))
            .withSchema(s)
            .withCompressionCodec(codec)
            .build()) {
      for (int i = 1; i <= 2; i++) {
        GenericData.Record r = new GenericData.Record(s);
        r.put("id", (long) i);
        Schema amount = s.getField("amount").schema();
        r.put("amount", dc.toBytes(new BigDecimal(i + ".25"), amount, amount.getLogicalType()));
        r.put("f", 1f);
        r.put("d", 2.0);
        r.put("name", "p" + i);
        w.write(r);
      }
    }
    return Files.readAllBytes(f);
  }

  /**
   * 101 bytes: magic, a footer that is a version field and a schema list declaring 2^31-1
   * elements (list header 0xFC + varint), zero padding, the footer length and the magic. It made
   * parquet-java ask for an array of 2^31-1 elements (OutOfMemoryError).
   */
  static byte[] tinyLyingFooter() {
    byte[] footer = new byte[81];
    byte[] head = {0x15, 0x02, 0x19, (byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    System.arraycopy(head, 0, footer, 0, head.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0, 0, 0, 0, 0});
    out.writeBytes(footer);
    out.writeBytes(new byte[] {81, 0, 0, 0, 'P', 'A', 'R', '1'});
    return out.toByteArray();
  }

  /** {@code file} with its footer length field declaring more bytes than the file has. */
  static byte[] footerLongerThanFile(byte[] file) {
    byte[] b = file.clone();
    int n = file.length + 1000;
    b[b.length - 8] = (byte) n;
    b[b.length - 7] = (byte) (n >>> 8);
    b[b.length - 6] = (byte) (n >>> 16);
    b[b.length - 5] = (byte) (n >>> 24);
    return b;
  }

  /** The error types of every quarantine line under LAKE/quarantine/DATASET, counted. */
  private static Map<String, Integer> quarantined(Path lake, String dataset) throws IOException {
    Map<String, Integer> types = new TreeMap<>();
    Path dir = lake.resolve("quarantine").resolve(dataset);
    if (!Files.isDirectory(dir)) {
      return types;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .collect(Collectors.toList());
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank()) {
          JsonNode n = MAPPER.readTree(line);
          types.merge(n.get("error_type").asText(), 1, Integer::sum);
        }
      }
    }
    return types;
  }

  private static Sediment.Result ingest(String dataset, String format, String glob) throws Exception {
    return Sediment.run(root, ingestArgs(dataset, format, glob));
  }

  private static String[] ingestArgs(String dataset, String format, String glob) {
    return new String[] {
      "ingest-table",
      "--input=" + root.resolve(glob),
      "--format=" + format,
      "--schema=" + schema,
      "--dataset=" + dataset,
      "--lake=" + root.resolve("lake")
    };
  }

  private static String[] validateArgs(String dataset, String format, String glob) {
    return new String[] {
      "validate",
      "--rules=" + rules,
      "--input=" + root.resolve(glob),
      "--format=" + format,
      "--schema=" + schema,
      "--dataset=" + dataset,
      "--lake=" + root.resolve("lake"),
      "--runId=" + dataset
    };
  }

  private static Sediment.Result validate(String dataset, String format, String glob)
      throws Exception {
    return Sediment.run(root, validateArgs(dataset, format, glob));
  }

  /**
   * Runs in a 128 MiB heap: a lying footer or page header must be refused before anything of its
   * declared size (2^31-1 bytes or elements) is allocated.
   */
  private static Sediment.Result small(String... args) throws Exception {
    try (Sediment.Running r = Sediment.start(root, Map.of(), List.of("-Xmx128m"), args)) {
      return r.await(10, java.util.concurrent.TimeUnit.MINUTES);
    }
  }

  @Test
  public void ingestTable_hostileCsv_everyRecordCountedAndTyped() throws Exception {
    Sediment.Result r = ingest("csv", "csv", "csv/*.csv");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.stdout, containsString("15 records in, 7 written, 8 quarantined, from 6 files"));
    assertThat(
        quarantined(root.resolve("lake"), "csv"),
        equalTo(
            Map.of(
                "TYPE_MISMATCH", 2, "VALUE_OUT_OF_RANGE", 4, "ENCODING", 1, "HEADER_MISMATCH", 1)));
  }

  @Test
  public void ingestTable_hostileJsonLines_everyRecordCountedAndTyped() throws Exception {
    Sediment.Result r = ingest("jsonl", "jsonl", "jsonl/*.jsonl");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.stdout, containsString("8 records in, 3 written, 5 quarantined, from 2 files"));
    assertThat(
        quarantined(root.resolve("lake"), "jsonl"),
        equalTo(
            Map.of(
                "VALUE_OUT_OF_RANGE", 2, "MALFORMED_RECORD", 1, "ENCODING", 1, "TYPE_MISMATCH", 1)));
  }

  @Test
  public void ingestTable_lyingParquetFootersAndPage_corruptFooterOrPageAndRunFinishes()
      throws Exception {
    Sediment.Result r = small(ingestArgs("parquet", "parquet", "parquet/*.parquet"));
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.stdout, containsString("6 records in, 2 written, 4 quarantined, from 5 files"));
    assertThat(
        quarantined(root.resolve("lake"), "parquet"),
        equalTo(Map.of("CORRUPT_FOOTER", 3, "CORRUPT_PAGE", 1)));
  }

  @Test
  public void validate_lyingParquetFootersAndPageAndCrOnlyCsv_counted() throws Exception {
    Sediment.Result p = small(validateArgs("vparquet", "parquet", "parquet/*.parquet"));
    assertThat(p.toString(), p.exitCode, equalTo(0));
    assertThat(
        p.stdout,
        containsString("6 records in, 2 valid, 4 quarantined (4 unparsed, 0 breaking error rules)"));
    assertThat(
        quarantined(root.resolve("lake"), "vparquet"),
        equalTo(Map.of("CORRUPT_FOOTER", 3, "CORRUPT_PAGE", 1)));

    Sediment.Result c = validate("vcsv", "csv", "csv/cr-only.csv");
    assertThat(c.toString(), c.exitCode, equalTo(0));
    assertThat(
        c.stdout,
        containsString("3 records in, 3 valid, 0 quarantined (0 unparsed, 0 breaking error rules)"));
  }
}
