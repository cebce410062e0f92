package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
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

  private static List<SeismicTrace> readAll(Path f) throws Exception {
    List<SeismicTrace> out = new ArrayList<>();
    try (java.nio.channels.SeekableByteChannel ch = TestData.open(f)) {
      SeismicFormat format = SeismicFiles.detect(ch, f.toString());
      try (TraceReader r = SeismicFiles.open(format, TestData.open(f), f.toString())) {
        for (SeismicTrace t; (t = r.next()) != null; ) {
          out.add(t);
        }
      }
    }
    return out;
  }

  @Test
  public void write_eachWritableFormat_filesReadBackWithTheSameSamples() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Path segyIn = Files.createDirectories(in.resolve("segy"));
    Path timedIn = Files.createDirectories(in.resolve("timed"));
    Files.copy(TestData.entry("segy/segyio/small.sgy").file(), segyIn.resolve("small.sgy"));
    for (String f : List.of("mseed2/obspy/two_channels.mseed", "sac/obspy/seism.sac")) {
      Path src = TestData.entry(f).file();
      Files.copy(src, timedIn.resolve(src.getFileName()));
    }
    Path out = tmp.newFolder("out").toPath();
    // SEG-Y traces carry no start time here: they go to SEG-Y and SAC; timed ones everywhere.
    PCollection<GenericRecord> segy = p.apply("ReadSegy", SeismicIO.read().from(segyIn + "/*"));
    PCollection<GenericRecord> timed = p.apply("ReadTimed", SeismicIO.read().from(timedIn + "/*"));
    PCollection<String> segyFiles =
        segy.apply("SegyAsSegy", SeismicIO.write().to(out.resolve("segy").toString()).withFormat(SeismicFormat.SEGY));
    segy.apply("SegyAsSac", SeismicIO.write().to(out.resolve("sac").toString()).withFormat(SeismicFormat.SAC));
    timed.apply("AsSegy", SeismicIO.write().to(out.resolve("segy").toString()).withFormat(SeismicFormat.SEGY));
    timed.apply("AsMiniSeed2", SeismicIO.write().to(out.resolve("mseed2").toString()).withFormat(SeismicFormat.MSEED2));
    timed.apply("AsMiniSeed3", SeismicIO.write().to(out.resolve("mseed3").toString()).withFormat(SeismicFormat.MSEED3));
    PCollection<String> sac =
        timed.apply("AsSac", SeismicIO.write().to(out.resolve("sac").toString()).withFormat(SeismicFormat.SAC));
    PAssert.that(sac.apply("CountSac", Count.globally())).containsInAnyOrder(2L + 1L);
    PAssert.that(segyFiles).containsInAnyOrder(out.resolve("segy/small.sgy").toString());
    p.run().waitUntilFinish();

    // SEG-Y read and written again is the same file, byte for byte.
    assertThat(
        Files.readAllBytes(out.resolve("segy/small.sgy")),
        equalTo(Files.readAllBytes(segyIn.resolve("small.sgy"))));
    Map<String, List<String>> targets =
        Map.of(
            "small.sgy", List.of("segy/small.sgy"),
            "two_channels.mseed",
                List.of("segy/two_channels.sgy", "mseed2/two_channels.mseed", "mseed3/two_channels.ms3"),
            "seism.sac", List.of("segy/seism.sgy", "mseed2/seism.mseed", "mseed3/seism.ms3"));
    for (Map.Entry<String, List<String>> e : targets.entrySet()) {
      String source = e.getKey();
      Path dir = source.endsWith(".sgy") ? segyIn : timedIn;
      List<SeismicTrace> original = readAll(dir.resolve(source));
      for (String written : e.getValue()) {
        assertThat(source + " as " + written, samples(readAll(out.resolve(written))), equalTo(samples(original)));
      }
      String base = source.substring(0, source.lastIndexOf('.'));
      List<double[]> sacBack = new ArrayList<>();
      for (int i = 0; i < original.size(); i++) {
        String name = base + (original.size() == 1 ? "" : "." + i) + ".sac";
        for (SeismicTrace t : readAll(out.resolve("sac").resolve(name))) {
          sacBack.add(t.samples());
        }
      }
      assertThat(source + " as SAC", flatten(sacBack), equalTo(samples(original)));
    }
  }

  @Test
  public void write_seg2_isRejectedBeforeAnythingRuns() {
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> SeismicIO.write().withFormat(SeismicFormat.SEG2));
    assertThat(e.getMessage(), equalTo("SEG-2 can not be written, only read"));
    p.enableAbandonedNodeEnforcement(false);
  }

  /** A source file's records, read in file order, then shuffled with a fixed seed. */
  private static List<GenericRecord> scrambledRecords(Path file, String source) throws Exception {
    List<GenericRecord> ordered = new ArrayList<>();
    try (java.nio.channels.SeekableByteChannel ch = TestData.open(file)) {
      SeismicFormat format = SeismicFiles.detect(ch, file.toString());
      try (TraceReader r = SeismicFiles.open(format, TestData.open(file), file.toString())) {
        for (SeismicTrace t; (t = r.next()) != null; ) {
          ordered.add(TraceRecords.toRecord(t, source, r.fileHeaders()));
        }
      }
    }
    List<GenericRecord> scrambled = new ArrayList<>(ordered);
    java.util.Collections.shuffle(scrambled, new java.util.Random(7));
    assertThat(offsets(scrambled), not(equalTo(offsets(ordered))));
    return scrambled;
  }

  private static List<Long> offsets(List<GenericRecord> records) {
    List<Long> out = new ArrayList<>();
    for (GenericRecord r : records) {
      out.add((Long) r.get("byte_offset"));
    }
    return out;
  }

  /** Applies WriteFileFn, as Write does after grouping, to one source file's records. */
  private PCollection<String> writeFile(
      String step, String source, List<GenericRecord> records, SeismicIO.WriteFileFn fn) {
    return p.apply(
            "Create" + step,
            Create.of(KV.of(source, (Iterable<GenericRecord>) records))
                .withCoder(
                    KvCoder.of(
                        StringUtf8Coder.of(), IterableCoder.of(AvroCoder.of(TraceRecords.SCHEMA)))))
        .apply(step, ParDo.of(fn));
  }

  private static long counter(PipelineResult r, String step, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(SeismicIO.METRICS_NAMESPACE, name))
                    .addStep(step)
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  private static List<List<Double>> samplesPerTrace(List<SeismicTrace> traces) {
    List<List<Double>> out = new ArrayList<>();
    for (SeismicTrace t : traces) {
      out.add(flatten(List.of(t.samples())));
    }
    return out;
  }

  @Test
  public void writeFile_scrambledRecordsSpilledToManyRuns_fileOrderAndSameBytesAsInMemory()
      throws Exception {
    // A one-byte sort limit spills every record as a run of its own. small.sgy: 25 runs; f3.sgy:
    // 414 runs, merged in passes of 64 to 7; the miniSEED file: 611 records, merged to 10.
    List<String> files =
        List.of("segy/segyio/small.sgy", "segy/segyio/f3.sgy", "mseed2/obspy/CH.BALST..LH_two_channels");
    List<String> names = List.of("small.sgy", "f3.sgy", "balst.mseed");
    List<SeismicFormat> formats = List.of(SeismicFormat.SEGY, SeismicFormat.SEGY, SeismicFormat.MSEED2);
    List<String> written = List.of("small.sgy", "f3.sgy", "balst.mseed");
    List<Long> runs = List.of(25L, 7L, 10L);
    Path out = tmp.newFolder("out").toPath();
    List<Path> local = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      local.add(tmp.newFolder("local" + i).toPath());
      String source = "file:///survey/raw/" + names.get(i);
      PCollection<String> outputs =
          writeFile(
              "Write" + i,
              source,
              scrambledRecords(TestData.entry(files.get(i)).file(), source),
              new SeismicIO.WriteFileFn(out.toString(), formats.get(i), 1, local.get(i).toString()));
      PAssert.that("Output" + i, outputs).containsInAnyOrder(out.resolve(written.get(i)).toString());
    }
    PipelineResult r = p.run();
    r.waitUntilFinish();

    for (int i = 0; i < files.size(); i++) {
      Path original = TestData.entry(files.get(i)).file();
      Path got = out.resolve(written.get(i));
      // The same file as writing the traces in file order from memory.
      List<SeismicTrace> inOrder = readAll(original);
      Map<String, String> fileHeaders;
      try (TraceReader reader =
          SeismicFiles.open(formats.get(i), TestData.open(original), original.toString())) {
        fileHeaders = reader.fileHeaders();
      }
      Path ref = tmp.newFolder("ref" + i).toPath();
      String base = written.get(i).substring(0, written.get(i).lastIndexOf('.'));
      List<Path> refFiles = SeismicFiles.write(formats.get(i), inOrder, fileHeaders, ref, base);
      assertThat(files.get(i), Files.readAllBytes(got), equalTo(Files.readAllBytes(refFiles.get(0))));
      List<SeismicTrace> back = readAll(got);
      if (formats.get(i) == SeismicFormat.SEGY) {
        assertThat(files.get(i), Files.readAllBytes(got), equalTo(Files.readAllBytes(original)));
        assertThat(files.get(i), samplesPerTrace(back), equalTo(samplesPerTrace(inOrder)));
      } else {
        // miniSEED records may be cut differently when written; the samples keep their order.
        assertThat(files.get(i), samples(back), equalTo(samples(inOrder)));
      }
      assertThat(files.get(i), counter(r, "Write" + i, "write_sort_runs_spilled"), equalTo(runs.get(i)));
      assertThat(files.get(i), counter(r, "Write" + i, "traces_written"), equalTo((long) inOrder.size()));
      assertThat(files.get(i), counter(r, "Write" + i, "files_written"), equalTo(1L));
      try (java.util.stream.Stream<Path> left = Files.list(local.get(i))) {
        assertThat(files.get(i) + " leaves local files", left.count(), equalTo(0L));
      }
    }
  }

  @Test
  public void writeFile_sacOfScrambledSpilledRecords_oneFilePerTraceNamedInFileOrder()
      throws Exception {
    Path small = TestData.entry("segy/segyio/small.sgy").file();
    Path out = tmp.newFolder("out").toPath();
    Path local = tmp.newFolder("local").toPath();
    String source = "file:///survey/raw/small.sgy";
    PCollection<String> outputs =
        writeFile(
            "WriteSac",
            source,
            scrambledRecords(small, source),
            new SeismicIO.WriteFileFn(out.toString(), SeismicFormat.SAC, 1, local.toString()));
    List<SeismicTrace> inOrder = readAll(small);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < inOrder.size(); i++) {
      expected.add(out.resolve("small." + i + ".sac").toString());
    }
    PAssert.that(outputs).containsInAnyOrder(expected);
    PipelineResult r = p.run();
    r.waitUntilFinish();

    assertThat(inOrder.size(), equalTo(25));
    Path ref = tmp.newFolder("ref").toPath();
    List<Path> refFiles = SeismicFiles.write(SeismicFormat.SAC, inOrder, Map.of(), ref, "small");
    for (int i = 0; i < inOrder.size(); i++) {
      Path got = out.resolve("small." + i + ".sac");
      assertThat(refFiles.get(i).getFileName().toString(), equalTo("small." + i + ".sac"));
      assertThat(got.toString(), Files.readAllBytes(got), equalTo(Files.readAllBytes(refFiles.get(i))));
      List<SeismicTrace> back = readAll(got);
      assertThat(got.toString(), samplesPerTrace(back), equalTo(samplesPerTrace(List.of(inOrder.get(i)))));
    }
    assertThat(counter(r, "WriteSac", "write_sort_runs_spilled"), equalTo(25L));
    assertThat(counter(r, "WriteSac", "traces_written"), equalTo(25L));
    assertThat(counter(r, "WriteSac", "files_written"), equalTo(25L));
    try (java.util.stream.Stream<Path> left = Files.list(local)) {
      assertThat(left.count(), equalTo(0L));
    }
  }

  @Test
  public void writeFile_sourceKeysThatLookLikePaths_writeOneFileInsideTheDirectory()
      throws Exception {
    // Object keys may end in '..' or hold backslashes; the output stays one file in `out`.
    Path small = TestData.entry("segy/segyio/small.sgy").file();
    Path out = tmp.newFolder("a", "b", "out").toPath();
    Path local = tmp.newFolder("local2").toPath();
    String[] sources = {"s3://b/in/..", "s3://b/in/..\\..\\evil.sgy", "s3://b/in/a\0b.sgy"};
    String[] expected = {"..sgy", ".._.._evil.sgy", "a_b.sgy"};
    for (int i = 0; i < sources.length; i++) {
      PCollection<String> outputs =
          writeFile(
              "Write" + i,
              sources[i],
              scrambledRecords(small, sources[i]),
              new SeismicIO.WriteFileFn(out.toString(), SeismicFormat.SEGY, 1 << 20, local.toString()));
      PAssert.that(outputs).containsInAnyOrder(out.resolve(expected[i]).toString());
    }
    p.run().waitUntilFinish();
    try (java.util.stream.Stream<Path> all = Files.walk(tmp.getRoot().toPath().resolve("a"))) {
      assertThat(
          all.filter(Files::isRegularFile)
              .map(f -> out.relativize(f).toString())
              .sorted()
              .collect(java.util.stream.Collectors.toList()),
          equalTo(List.of(".._.._evil.sgy", "..sgy", "a_b.sgy")));
    }
  }

  @Test
  public void writeFileSortKey_unsignedByteOrderIsByteOffsetThenTraceIndex() {
    long[][] inOrder = {
      {Long.MIN_VALUE, 0}, {-1, 5}, {0, -1}, {0, 0}, {0, 1}, {3600, Long.MIN_VALUE}, {3600, -1},
      {3600, Long.MAX_VALUE}, {4040, 0}, {Long.MAX_VALUE, 0}
    };
    List<GenericRecord> records = new ArrayList<>();
    for (long[] k : inOrder) {
      org.apache.avro.generic.GenericData.Record r =
          new org.apache.avro.generic.GenericData.Record(TraceRecords.SCHEMA);
      r.put("byte_offset", k[0]);
      r.put("trace_index", k[1]);
      records.add(r);
    }
    List<GenericRecord> sorted = new ArrayList<>(records);
    java.util.Collections.reverse(sorted);
    sorted.sort(
        (a, b) ->
            java.util.Arrays.compareUnsigned(
                SeismicIO.WriteFileFn.sortKey(a), SeismicIO.WriteFileFn.sortKey(b)));
    assertThat(sorted, equalTo(records));
    p.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void seismicFilesWrite_countNotTheNumberOfTraces_fails() throws Exception {
    List<SeismicTrace> traces = readAll(TestData.entry("segy/segyio/small.sgy").file());
    Path dir = tmp.newFolder("out").toPath();
    IllegalArgumentException fewer =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> SeismicFiles.write(SeismicFormat.SAC, traces.iterator(), 26, Map.of(), dir, "a"));
    assertThat(fewer.getMessage(), equalTo("count was 26 but the traces held only 25"));
    IllegalArgumentException more =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> SeismicFiles.write(SeismicFormat.SEGY, traces.iterator(), 24, Map.of(), dir, "b"));
    assertThat(more.getMessage(), equalTo("count was 24 but the traces hold more"));
    p.enableAbandonedNodeEnforcement(false);
  }

  private static List<Double> samples(List<SeismicTrace> traces) {
    List<double[]> all = new ArrayList<>();
    for (SeismicTrace t : traces) {
      all.add(t.samples());
    }
    return flatten(all);
  }

  private static List<Double> flatten(List<double[]> arrays) {
    List<Double> out = new ArrayList<>();
    for (double[] a : arrays) {
      for (double v : a) {
        out.add(v);
      }
    }
    return out;
  }
}
