package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.io.lake.LakeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link Compact#sortedMerge()} on typed requests and results, and their coders. */
public class CompactTransformTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;

  private static final CompactResult RESULT =
      CompactResult.of(
          "exchange=x/symbol=s",
          DAY,
          CompactJob.Status.WRITTEN,
          7,
          4,
          3,
          1,
          0,
          1234,
          List.of("/t/exchange=x/symbol=s/date=20260203/data.parquet", "/t/QUARANTINE/x/_rows.parquet"));

  @Test
  public void coders_roundTripDeterministically_andAreTheDefaults() throws Exception {
    CompactRequest req = CompactRequest.of("exchange=x/symbol=s", DAY).withUndatedNullKeys(false);
    CoderProperties.coderDecodeEncodeEqual(CompactRequestCoder.of(), req);
    CoderProperties.coderDeterministic(CompactRequestCoder.of(), req, CompactRequest.of("exchange=x/symbol=s", DAY).withUndatedNullKeys(false));
    CoderProperties.coderDecodeEncodeEqual(CompactResultCoder.of(), RESULT);
    CoderProperties.coderDecodeEncodeEqual(
        CompactResultCoder.of(),
        CompactResult.of("", LocalDate.of(1969, 12, 31), CompactJob.Status.UNCHANGED, 0, 9, 0, 0, 0, 0, List.of()));
    CoderProperties.coderSerializable(CompactResultCoder.of());
    CompactResultCoder.of().verifyDeterministic();
    Coder<CompactResult> inferred = p.getCoderRegistry().getCoder(CompactResult.class);
    assertThat(inferred, equalTo((Coder<CompactResult>) CompactResultCoder.of()));
    Coder<CompactRequest> inferredReq = p.getCoderRegistry().getCoder(CompactRequest.class);
    assertThat(inferredReq, equalTo((Coder<CompactRequest>) CompactRequestCoder.of()));
  }

  @Test
  public void line_isTheOldStatusLine_plusQuarantinedRows() {
    assertThat(RESULT.line(), equalTo("WRITTEN exchange=x/symbol=s date=20260203 rows=4 quarantined=1 quarantined_rows=3"));
    assertThat(
        CompactResult.of("", DAY, CompactJob.Status.NO_ROWS, 0, 0, 0, 0, 0, 0, List.of()).line(),
        equalTo("NO_ROWS . date=20260203 rows=0 quarantined=0"));
  }

  @Test
  public void sortedMerge_requestsIn_typedResultsOut_withExactCounts() throws Exception {
    Path spool = tmp.newFolder("spool").toPath();
    Path part = spool.resolve("symbol=s");
    Files.createDirectories(part);
    Path a = part.resolve("2026-02-03_00-00-00.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT * FROM (VALUES ("
              + (D0 + 5) + "::BIGINT, 0::BIGINT, 1.0::DOUBLE), (NULL, 1, 2.0), ("
              + (D0 + 2) + ", 2, 3.0), (" + (D0 + PartitionCompactor.NANOS_PER_DAY + 1)
              + ", 3, 4.0)) t(ts_event, seq, bid_px)) TO '" + a + "' (FORMAT parquet)");
    }
    Path bad = part.resolve("2026-02-03_01-00-00.parquet");
    Files.write(bad, new byte[] {1, 2, 3});
    Path target = tmp.newFolder("target").toPath();
    String dataUri = LakeFiles.dir(target) + "symbol=s/date=20260203/data.parquet";
    String quarantine = LakeFiles.dir(target) + "QUARANTINE/symbol=s/date=20260203/";

    PCollection<CompactResult> out =
        p.apply(
                Create.of(
                    CompactRequest.of("symbol=s", DAY),
                    CompactRequest.of("symbol=s", DAY.plusDays(1)).withUndatedNullKeys(false),
                    CompactRequest.of("symbol=s", DAY.plusDays(2)).withUndatedNullKeys(false)))
            .apply(Compact.sortedMerge().from(spool.toString()).to(target.toString()));
    assertThat(out.getCoder(), equalTo((Coder<CompactResult>) CompactResultCoder.of()));
    PAssert.that(out).satisfies(new Check(dataUri, quarantine, target.toString()));
    p.run().waitUntilFinish();
  }

  /** Checks the results against the files the run wrote. */
  private static final class Check implements SerializableFunction<Iterable<CompactResult>, Void> {
    private final String dataUri;
    private final String quarantine;
    private final String target;

    Check(String dataUri, String quarantine, String target) {
      this.dataUri = dataUri;
      this.quarantine = quarantine;
      this.target = target;
    }

    @Override
    public Void apply(Iterable<CompactResult> results) {
      List<CompactResult> all = new ArrayList<>();
      results.forEach(all::add);
      all.sort(java.util.Comparator.comparing(CompactResult::date));
      long bytes;
      try {
        bytes = Files.size(Path.of(target, "symbol=s/date=20260203/data.parquet"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      assertThat(
          all,
          equalTo(
              List.of(
                  CompactResult.of(
                      "symbol=s", DAY, CompactJob.Status.WRITTEN, 3, 2, 1, 1, 0, bytes,
                      List.of(dataUri, quarantine + "2026-02-03_01-00-00.parquet", quarantine + "_rows.parquet")),
                  CompactResult.of(
                      "symbol=s", DAY.plusDays(1), CompactJob.Status.WRITTEN, 1, 1, 0, 1, 0,
                      sizeOf(target, "symbol=s/date=20260204/data.parquet"),
                      List.of(
                          dataUri.replace("20260203", "20260204"),
                          quarantine.replace("20260203", "20260204") + "2026-02-03_01-00-00.parquet")),
                  CompactResult.of(
                      "symbol=s", DAY.plusDays(2), CompactJob.Status.NO_ROWS, 0, 0, 0, 1, 0, 0,
                      List.of(quarantine.replace("20260203", "20260205") + "2026-02-03_01-00-00.parquet")))));
      return null;
    }

    private static long sizeOf(String root, String rel) {
      try {
        return Files.size(Path.of(root, rel));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
