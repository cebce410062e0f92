package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.ColumnBatch;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link TextBatchIO.Read#withSample}: a large file is sampled by byte range (only the chosen
 * ranges are parsed), a small one by row; the same seed picks the same rows.
 */
public class TextBatchSampleTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final Set<String> SEEN = java.util.Collections.synchronizedSet(new TreeSet<>());

  static final class CollectFn extends DoFn<ColumnBatch, Void> {
    @ProcessElement
    public void process(@Element ColumnBatch b) {
      for (int i = 0; i < b.rowCount(); i++) {
        SEEN.add(new File(b.source(i)).getName() + ":" + b.rowIndex(i));
      }
    }
  }

  static File csv(File dir, String name, int rows) throws Exception {
    StringBuilder sb = new StringBuilder("ts,date,symbol,price,size,note\n");
    for (int i = 0; i < rows; i++) {
      sb.append("2026-02-03T14:30:00.000Z,2026-02-03,SYM").append(i % 7).append(",1.5,").append(i)
          .append(",\"a note, with a comma, row ").append(i).append("\"\n");
    }
    File f = new File(dir, name);
    Files.write(f.toPath(), sb.toString().getBytes(StandardCharsets.UTF_8));
    return f;
  }

  static Set<String> read(String glob, double fraction, long seed) {
    SEEN.clear();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(
            TextBatchIO.read()
                .from(glob)
                .withFormat(TableIO.Format.CSV)
                .withSchema(CsvFileParserTest.SCHEMA)
                .withSample(fraction, seed))
        .apply(ParDo.of(new CollectFn()));
    p.run().waitUntilFinish();
    return new TreeSet<>(SEEN);
  }

  /** The rows of the ranges {@link TextBatchIO.PlanRangesFn} keeps, computed independently. */
  static Set<String> expectedByRange(File f, int rows, double fraction, long seed) throws Exception {
    long size = f.length();
    long rangeBytes = Math.max(1L << 16, (long) (size * fraction / 8));
    List<TextRange> ranges =
        TextRangePlanner.plan(
            f.toString(), size, false, TableIO.Format.CSV, rangeBytes, 8 << 20,
            () -> Files.newInputStream(f.toPath()));
    assertTrue(
        "the file must give enough ranges: " + ranges.size(),
        ranges.size() >= Math.ceil(TextBatchIO.RANGES_PER_SAMPLED_RANGE / fraction));
    Set<String> out = new TreeSet<>();
    for (int r = 0; r < ranges.size(); r++) {
      TextRange range = ranges.get(r);
      if (TextBatchIO.Sample.keeps(seed, range.file(), range.start(), fraction)) {
        long first = range.recordsBefore();
        long next = r + 1 < ranges.size() ? ranges.get(r + 1).recordsBefore() : rows;
        for (long i = first; i < next; i++) {
          out.add(f.getName() + ":" + i);
        }
      }
    }
    return out;
  }

  @Test
  public void largeFile_sampledByRange_onlyChosenRangesRead_sameSeedSameRows() throws Exception {
    File dir = tmp.newFolder("big");
    int rows = 120_000;
    File f = csv(dir, "big.csv", rows);
    Set<String> want = expectedByRange(f, rows, 0.1, 7);
    Set<String> got = read(dir + "/*.csv", 0.1, 7);
    assertEquals(want, got);
    assertTrue("about 10 %: " + got.size(), got.size() > 0 && got.size() < rows / 4);
    assertEquals(got, read(dir + "/*.csv", 0.1, 7));
    assertNotEquals(got, read(dir + "/*.csv", 0.1, 8));
  }

  @Test
  public void smallFile_sampledByRow() throws Exception {
    File dir = tmp.newFolder("small");
    int rows = 200;
    File f = csv(dir, "small.csv", rows);
    Set<String> want = new TreeSet<>();
    for (int i = 0; i < rows; i++) {
      if (TextBatchIO.Sample.keeps(3, f.toString(), i, 0.25)) {
        want.add("small.csv:" + i);
      }
    }
    Set<String> got = read(dir + "/*.csv", 0.25, 3);
    assertEquals(want, got);
    assertTrue(got.size() > 20 && got.size() < 90);
    List<String> all = new ArrayList<>(read(dir + "/*.csv", 1.0, 3));
    assertEquals(rows, all.size());
  }
}
