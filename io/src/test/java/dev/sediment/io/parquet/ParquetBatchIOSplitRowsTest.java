package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link ParquetBatchIO.Read#withSplitRows}: one large row group read as several row ranges. */
public class ParquetBatchIOSplitRowsTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void oneRowGroup_cutIntoRowRanges_readsEachRowOnceWithItsFileIndex() throws Exception {
    Path f = ParquetBatchIOTest.idNameFile(tmp.getRoot().toPath().resolve("r.parquet"), 5_000, 1 << 20);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add("r.parquet:" + i + ":" + i);
    }
    // 7 ranges of 714 or 715 rows, each read as one batch.
    List<String> runs = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      long a = 5_000L * k / 7;
      long b = 5_000L * (k + 1) / 7;
      runs.add("r.parquet:" + a + ":" + (b - a));
    }
    PCollection<String> got =
        p.apply(ParquetBatchIO.read().from(f.toString()).withSplitRows(777))
            .apply(ParDo.of(new ParquetBatchIOTest.RowsFn()));
    PCollection<String> gotRuns =
        p.apply("Again", ParquetBatchIO.read().from(f.toString()).withSplitRows(777))
            .apply(ParDo.of(new ParquetBatchIOTest.RunsFn()));
    PAssert.that(got).containsInAnyOrder(rows);
    PAssert.that(gotRuns).containsInAnyOrder(runs);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // Two reads of one row group each; a row group cut into ranges counts once.
    assertEquals(2L, ParquetBatchIOTest.counter(result, "row_groups_read"));
    assertEquals(10_000L, ParquetBatchIOTest.counter(result, "records_parsed"));
    assertEquals(0L, ParquetBatchIOTest.counter(result, "records_bad"));
  }

  @Test
  public void sampleByRow_isTheSameWhenTheRowGroupIsCut() throws Exception {
    Path f = ParquetBatchIOTest.idNameFile(tmp.getRoot().toPath().resolve("r.parquet"), 5_000, 1 << 20);
    String source = FileSystems.matchSingleFileSpec(f.toString()).resourceId().toString();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      if (ParquetSample.keepRow(7, source, i, 0.1)) {
        expected.add("r.parquet:" + i + ":" + i);
      }
    }
    assertTrue("kept " + expected.size(), expected.size() > 400 && expected.size() < 600);
    PAssert.that(
            p.apply(ParquetBatchIO.read().from(f.toString()).withSample(0.1, 7).withSplitRows(333))
                .apply(ParDo.of(new ParquetBatchIOTest.RowsFn())))
        .containsInAnyOrder(expected);
    PAssert.that(
            p.apply(
                    "Whole",
                    ParquetBatchIO.read()
                        .from(f.toString())
                        .withSample(0.1, 7)
                        .withSplitRows(Long.MAX_VALUE))
                .apply("RowsWhole", ParDo.of(new ParquetBatchIOTest.RowsFn())))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  public void withSplitRows_refusesZero() {
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> ParquetBatchIO.read().withSplitRows(0));
    assertEquals("splitRows must be > 0, was 0", e.getMessage());
  }
}
