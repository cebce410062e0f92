package dev.sediment.io.lake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RawCopyTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void copyRaw_copiesEachFileExactly_keepingItsPathBelowTheGlobBase() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Files.createDirectories(in.resolve("02"));
    byte[] a = new byte[3 << 20];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (i * 31);
    }
    Files.write(in.resolve("02/a.bin"), a);
    Files.write(in.resolve("b.bin"), new byte[0]);
    String raw = LakeLayout.of(tmp.getRoot().getAbsolutePath()).raw("quakes");
    String glob = in + "/**";
    String base = RawPaths.globBase(glob);

    PCollection<FileIO.ReadableFile> files =
        p.apply(FileIO.match().filepattern(glob)).apply(FileIO.readMatches());
    PCollectionTuple checked =
        files.apply(
            "RefuseEscapingPaths",
            ParDo.of(new RawCopy.RefuseEscapingPathsFn(base, raw, RawCopy.recordErrorCoder(p)))
                .withOutputTags(
                    RawCopy.RefuseEscapingPathsFn.INSIDE,
                    TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    checked
        .get(BadRecordRouter.BAD_RECORD_TAG)
        .setCoder(org.apache.beam.sdk.transforms.errorhandling.BadRecord.getCoder(p));
    PAssert.that(checked.get(BadRecordRouter.BAD_RECORD_TAG)).empty();
    checked
        .get(RawCopy.RefuseEscapingPathsFn.INSIDE)
        .setCoder(ReadableFileCoder.of())
        .apply("CopyRaw", ParDo.of(new RawCopy.CopyRawFn(base, raw)));
    PipelineResult result = p.run();
    result.waitUntilFinish();

    Path rawDir = tmp.getRoot().toPath().resolve("raw/quakes");
    assertThat(Files.readAllBytes(rawDir.resolve("02/a.bin")), equalTo(a));
    assertThat(Files.size(rawDir.resolve("b.bin")), equalTo(0L));
    long copied = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("sediment", "files_copied"))
                    .build())
            .getCounters()) {
      copied += c.getAttempted();
    }
    assertThat(copied, equalTo(2L));
  }
}
