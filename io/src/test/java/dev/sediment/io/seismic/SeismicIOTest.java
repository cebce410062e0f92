package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SeismicIOTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  /** Bad records as "error_type@offset" strings. */
  static class Describe extends PTransform<PCollection<BadRecord>, PCollection<String>> {
    @Override
    public PCollection<String> expand(PCollection<BadRecord> input) {
      return input.apply(
          MapElements.into(TypeDescriptors.strings())
              .via(
                  b -> {
                    try {
                      com.fasterxml.jackson.databind.JsonNode j =
                          new com.fasterxml.jackson.databind.ObjectMapper()
                              .readTree(b.getRecord().getHumanReadableJsonRecord());
                      String source = j.get("source").asText();
                      return source.substring(source.lastIndexOf('/') + 1)
                          + " "
                          + j.get("error_type").asText()
                          + "@"
                          + j.get("offset").asLong();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
  }

  private static long counter(PipelineResult r, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(SeismicIO.METRICS_NAMESPACE, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void read_oneFileInSmallRanges_yieldsSeveralSplitsAndEveryTraceOnce() throws Exception {
    TestData.Entry f3 = TestData.entry("segy/segyio/f3.sgy");
    PCollection<GenericRecord> traces =
        p.apply(SeismicIO.read().from(f3.file().toString()).withSplitBytes(16 * 1024));
    List<Long> all = new ArrayList<>();
    for (long i = 0; i < f3.tracesOrRecords(); i++) {
      all.add(i);
    }
    PAssert.that(
            traces.apply(
                MapElements.into(TypeDescriptors.longs()).via(r -> (Long) r.get("trace_index"))))
        .containsInAnyOrder(all);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    long size = Files.size(f3.file());
    long ranges = (size + 16 * 1024 - 1) / (16 * 1024);
    assertThat(ranges, greaterThan(5L));
    assertThat(counter(r, "ranges_read"), equalTo(ranges));
    assertThat(counter(r, "traces_read"), equalTo(f3.tracesOrRecords()));
    assertThat(counter(r, "files_read"), equalTo(1L));
  }

  @Test
  public void read_miniSeedInSmallRanges_everyRecordOnce() throws Exception {
    TestData.Entry e = TestData.entry("mseed2/obspy/CH.BALST..LH_two_channels");
    PCollection<GenericRecord> traces =
        p.apply(SeismicIO.read().from(e.file().toString()).withSplitBytes(10_000));
    PAssert.that(
            traces
                .apply("Offsets", MapElements.into(TypeDescriptors.longs()).via(r -> (Long) r.get("byte_offset")))
                .apply("CountRecords", Count.globally()))
        .containsInAnyOrder(e.tracesOrRecords());
    PAssert.that(
            traces
                .apply(
                    "SampleCounts",
                    MapElements.into(TypeDescriptors.longs())
                        .via(r -> (long) (Integer) r.get("sample_count")))
                .apply("SumSamples", org.apache.beam.sdk.transforms.Sum.longsGlobally()))
        .containsInAnyOrder(e.samplesTotal());
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertThat(counter(r, "ranges_read"), greaterThan(1L));
  }

  @Test
  public void read_garbageAndTruncatedFiles_typedBadRecordsWithOffsets() throws Exception {
    Path dir = tmp.newFolder("in").toPath();
    byte[] garbage = new byte[5000];
    new java.util.Random(42).nextBytes(garbage);
    Files.write(dir.resolve("garbage.bin"), garbage);
    Files.write(dir.resolve("empty.sgy"), new byte[0]);
    // small.sgy: 3600-byte headers, 25 traces of 240 + 50*4 bytes; cut inside the data of trace
    // 24, which is reported at the start of its samples.
    byte[] small = Files.readAllBytes(TestData.entry("segy/segyio/small.sgy").file());
    Files.write(dir.resolve("cut.sgy"), java.util.Arrays.copyOf(small, 3600 + 24 * 440 + 300));
    BadRecordErrorHandler<PCollection<String>> handler =
        p.registerBadRecordErrorHandler(new Describe());
    PCollection<GenericRecord> traces =
        p.apply(SeismicIO.read().from(dir + "/*").withBadRecordErrorHandler(handler));
    handler.close();
    PAssert.that(
            traces.apply(
                MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(r -> KV.of(r.get("format").toString(), (Long) r.get("trace_index")))).apply(Count.globally()))
        .containsInAnyOrder(24L);
    PAssert.that(handler.getOutput())
        .containsInAnyOrder(
            "garbage.bin BAD_MAGIC@0", "empty.sgy BAD_MAGIC@0", "cut.sgy TRUNCATED@" + (3600 + 24 * 440 + 240));
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertThat(counter(r, "records_in"), equalTo(27L));
    assertThat(counter(r, "records_bad"), equalTo(3L));
  }
}
