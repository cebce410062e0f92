package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.table.AvroTableSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link LakeIO}: deterministic files, and partition values that make no directory. */
public class LakeIOTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String AVRO =
      "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
          + "{\"name\":\"date\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
          + "{\"name\":\"venue\",\"type\":[\"null\",\"string\"]},"
          + "{\"name\":\"n\",\"type\":\"long\"},"
          + "{\"name\":\"price\",\"type\":\"double\"}]}";
  private static final Schema SCHEMA = AvroTableSchema.toBeamSchema(AVRO);
  private static final long DAY = 86_400_000L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** 3,000 rows over 3 dates and 2 venues (one null), with 30 duplicated rows. */
  private static List<Row> rows() {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      long n = i < 30 ? 7 : i;
      out.add(
          Row.withSchema(SCHEMA)
              .addValues(
                  new org.joda.time.Instant(20_487 * DAY + (n % 3) * DAY),
                  n % 2 == 0 ? "xnas" : null,
                  n,
                  n * 0.25)
              .build());
    }
    return out;
  }

  private static Pipeline pipeline(int parallelism) {
    DirectOptions o = PipelineOptionsFactory.create().as(DirectOptions.class);
    o.setTargetParallelism(parallelism);
    o.setBlockOnRun(true);
    return Pipeline.create(o);
  }

  /** Every file below {@code dir} with the SHA-256 of its bytes. */
  private static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(dir.relativize(f).toString(), LakeFiles.sha256(f));
      }
    }
    return out;
  }

  private static long parquetRows(Path dir, Map<String, String> files) throws Exception {
    long rows = 0;
    for (String f : files.keySet()) {
      try (ParquetFileReader r = ParquetFileReader.open(LocalParquetFile.of(dir.resolve(f)))) {
        rows += r.getRecordCount();
      }
    }
    return rows;
  }

  private static long counter(PipelineResult r, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("sediment", name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void writeParquet_fiveRunsInAnyOrderAndParallelism_sameFileNamesAndBytes() throws Exception {
    int[] parallelism = {1, 4, 2, 8, 3};
    Map<String, String> first = null;
    for (int run = 0; run < parallelism.length; run++) {
      List<Row> input = rows();
      Collections.shuffle(input, new Random(run));
      Path dir = tmp.getRoot().toPath().resolve("run-" + run);
      Pipeline p = pipeline(parallelism[run]);
      p.apply(Create.of(input).withRowSchema(SCHEMA))
          .apply(
              LakeIO.writeParquet()
                  .to(dir.toString())
                  .withAvroSchema(AVRO)
                  .partitionBy(List.of("date"))
                  .withShardBytes(4096));
      p.run().waitUntilFinish();
      Map<String, String> files = files(dir);
      if (first == null) {
        first = files;
        assertThat(parquetRows(dir, files), equalTo(3_000L));
        // Each date holds about 32 KB of encoded rows: several shards, named by the count.
        // Each date holds 19 to 24 KB of encoded rows: 4 or 5 shards of at most 4 KiB each.
        List<String> names = new ArrayList<>();
        for (String[] d : new String[][] {{"03", "4"}, {"04", "5"}, {"05", "4"}}) {
          for (int s = 0; s < Integer.parseInt(d[1]); s++) {
            names.add(String.format("date=2026-02-%s/part-%05d-of-0000%s.parquet", d[0], s, d[1]));
          }
        }
        assertThat(new ArrayList<>(files.keySet()), equalTo(names));
      }
      assertThat("run " + run, files, equalTo(first));
    }
  }

  @Test
  public void writeParquet_partitionValueTooLong_quarantinedTyped_othersWritten() throws Exception {
    Path dir = tmp.getRoot().toPath().resolve("processed");
    Path quarantine = tmp.getRoot().toPath().resolve("quarantine");
    List<Row> input = new ArrayList<>(rows().subList(0, 10));
    String longVenue = "v".repeat(300);
    input.add(
        Row.withSchema(SCHEMA).addValues(new org.joda.time.Instant(0), longVenue, 1L, 1.0).build());
    // 246 characters, two of them escaped to %XX: 256 bytes as the directory name "venue=...".
    String escapedTooLong = "a/b:c" + "w".repeat(241);
    input.add(
        Row.withSchema(SCHEMA).addValues(new org.joda.time.Instant(0), escapedTooLong, 2L, 1.0).build());
    String fits = "u".repeat(255 - "venue=".length());
    input.add(Row.withSchema(SCHEMA).addValues(new org.joda.time.Instant(0), fits, 3L, 1.0).build());

    Pipeline p = pipeline(2);
    BadRecordErrorHandler<PDone> handler =
        p.registerBadRecordErrorHandler(LakeIO.quarantine().to(quarantine.toString()));
    p.apply(Create.of(input).withRowSchema(SCHEMA))
        .apply(
            LakeIO.writeParquet()
                .to(dir.toString())
                .withAvroSchema(AVRO)
                .partitionBy(List.of("date", "venue"))
                .withBadRecordErrorHandler(handler));
    handler.close();
    PipelineResult r = p.run();
    r.waitUntilFinish();

    assertThat(counter(r, "records_written"), equalTo(11L));
    assertThat(counter(r, "records_quarantined"), equalTo(2L));
    assertThat(parquetRows(dir, files(dir)), equalTo(11L));
    assertThat(Files.isDirectory(dir.resolve("date=1970-01-01/venue=" + fits)), equalTo(true));
    List<String> lines =
        Files.readAllLines(quarantine.resolve("records-00000-of-00001.jsonl"));
    assertThat(lines.size(), equalTo(2));
    for (String line : lines) {
      JsonNode j = MAPPER.readTree(line);
      assertThat(line, j.path("error_type").asText(), equalTo("PARTITION_VALUE_TOO_LONG"));
      assertThat(line, j.path("message").asText(), containsString("partition column 'venue'"));
      assertThat(line, j.path("message").asText(), containsString("more than the 255 a file system allows"));
    }
    assertThat(lines.get(0), containsString("\"record\":\"{\\\"date\\\":\\\"1970-01-01T00:00:00.000Z\\\",\\\"venue\\\":\\\"a/b:c"));
    assertThat(lines.get(0), containsString("is 256 bytes"));
    assertThat(lines.get(1), containsString("is 306 bytes"));
  }

  @Test
  public void writeParquet_partitionValueTooLong_withoutHandler_failsNamingTheError() {
    Path dir = tmp.getRoot().toPath().resolve("processed");
    Pipeline p = pipeline(1);
    p.apply(
            Create.of(
                    Row.withSchema(SCHEMA)
                        .addValues(new org.joda.time.Instant(0), "v".repeat(300), 1L, 1.0)
                        .build())
                .withRowSchema(SCHEMA))
        .apply(
            LakeIO.writeParquet()
                .to(dir.toString())
                .withAvroSchema(AVRO)
                .partitionBy(List.of("venue")));
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    assertThat(
        String.valueOf(e.getMessage()) + e.getCause(), containsString("PARTITION_VALUE_TOO_LONG"));
  }

  @Test
  public void writeLines_anyOrderAndParallelism_sameFiles() throws Exception {
    Map<String, String> first = null;
    for (int run = 0; run < 3; run++) {
      List<org.apache.beam.sdk.values.KV<String, String>> input = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        input.add(org.apache.beam.sdk.values.KV.of("k" + i, "{\"k\":" + i + ",\"run\":" + 0 + "}"));
      }
      Collections.shuffle(input, new Random(run));
      Path dir = tmp.getRoot().toPath().resolve("lines-" + run);
      Pipeline p = pipeline(run + 1);
      p.apply(Create.of(input))
          .apply(LakeIO.writeLines().to(dir.toString()).withPrefix("violations").withShardBytes(2048));
      p.run().waitUntilFinish();
      Map<String, String> files = files(dir);
      if (first == null) {
        first = files;
        assertThat(files.containsKey("violations-00000-of-00005.jsonl"), equalTo(true));
      }
      assertThat(files, equalTo(first));
    }
  }
}
