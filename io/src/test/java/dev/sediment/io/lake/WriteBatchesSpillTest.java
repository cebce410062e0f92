package dev.sediment.io.lake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.parquet.ParquetBatchWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link WriteBatches} spills rows instead of shuffling them: no spill is left, the files are
 * those of one in-memory batch of their rows in order, and overlapping segments are merged.
 */
public class WriteBatchesSpillTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final Schema S =
      Schema.builder()
          .addStringField("day")
          .addInt64Field("seq")
          .addNullableField("px", FieldType.DOUBLE)
          .addNullableField("note", FieldType.STRING)
          .build();

  static final BatchSchema B = BatchRows.of(S).batchSchema();

  static Row row(long i) {
    return Row.withSchema(S)
        .addValues("2026-01-0" + (1 + i % 2), i, i % 7 == 0 ? null : i * 0.25, "note of row " + (i * 7919 % 100_003) + " ".repeat(24))
        .build();
  }

  /** Rows {@code [0, n)} of {@code source}, cut into batches of {@code size}. */
  static List<ColumnBatch> batches(String source, int n, int size) {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      rows.add(row(i));
    }
    ColumnBatch all = BatchRows.of(S).toBatch(rows, source);
    List<ColumnBatch> out = new ArrayList<>();
    for (int i = 0; i < n; i += size) {
      out.add(all.slice(i, Math.min(n, i + size)));
    }
    return out;
  }

  /** Runs the write of {@code input} into {@code out}; returns the pipeline's result. */
  static PipelineResult write(List<ColumnBatch> input, Path out, long shardBytes) {
    return write(input, out, shardBytes, WriteBatches.BLOCK_ROWS);
  }

  static PipelineResult write(List<ColumnBatch> input, Path out, long shardBytes, long blockRows) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(input).withCoder(ColumnBatchCoder.of(B)))
        .apply(
            LakeIO.writeBatches()
                .to(out.toString())
                .withRowSchema(S)
                .partitionBy(List.of("day"))
                .withShardBytes(shardBytes)
                .withBlockRows(blockRows));
    PipelineResult r = p.run();
    r.waitUntilFinish();
    return r;
  }

  static long counter(PipelineResult r, String name) {
    long n = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named("sediment", name)).build())
            .getCounters()) {
      n += c.getAttempted();
    }
    return n;
  }

  /** Every path below {@code dir} (files and directories), relative. */
  static List<String> tree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
    }
  }

  static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String f : tree(dir)) {
      if (Files.isRegularFile(dir.resolve(f))) {
        out.put(f, LakeFiles.sha256(dir.resolve(f)));
      }
    }
    return out;
  }

  /** The file one {@link ParquetBatchWriter#write} of all {@code rows} in one batch gives. */
  static String reference(List<Row> rows, Path file) throws Exception {
    try (ParquetBatchWriter w = ParquetBatchWriter.create(file, B)) {
      w.write(BatchRows.of(S).toBatch(rows, "ref"));
    }
    return LakeFiles.sha256(file);
  }

  static List<Long> seqs(Path file) throws Exception {
    List<Long> out = new ArrayList<>();
    try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(file), "x")) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (Row row : BatchRows.of(S).toRows(b)) {
          out.add(row.getInt64("seq"));
        }
      }
    }
    return out;
  }

  @Test
  public void noSpillIsLeft_rowsCountedAndSpilled() throws Exception {
    Path out = tmp.newFolder("out").toPath();
    PipelineResult r = write(batches("file:/in/a.csv", 5_000, 333), out, 1024, 100);
    List<String> tree = tree(out);
    assertTrue(tree.toString(), tree.stream().noneMatch(f -> f.contains(WriteBatches.SPILL_PREFIX)));
    assertTrue(tree.toString(), tree.contains("day=2026-01-01") && tree.contains("day=2026-01-02"));
    long files = tree.stream().filter(f -> f.endsWith(".parquet")).count();
    assertEquals(files, counter(r, "files_written"));
    assertTrue(String.valueOf(files), files > 2);
    assertEquals(5_000, counter(r, "records_written"));
    assertTrue(counter(r, "write_spilled_bytes") > 5_000 * 8);
    long rows = 0;
    for (String f : tree) {
      if (f.endsWith(".parquet")) {
        rows += seqs(out.resolve(f)).size();
      }
    }
    assertEquals(5_000, rows);
  }

  /**
   * 60,000 rows (several pages per file) cut into batches of 999 rows and of 65,536: both give,
   * per directory, the bytes of one batch of the directory's rows in order.
   */
  @Test
  public void sameBytesAsOneInMemoryBatchOfTheRowsInOrder_howeverBatched() throws Exception {
    int n = 60_000;
    Path a = tmp.newFolder("a").toPath();
    Path b = tmp.newFolder("b").toPath();
    write(batches("file:/in/t.parquet", n, 999), a, 128L << 20);
    write(batches("file:/in/t.parquet", n, 65_536), b, 128L << 20);
    Map<String, String> got = hashes(a);
    assertEquals(got, hashes(b));
    Map<String, String> want = new TreeMap<>();
    for (int day = 1; day <= 2; day++) {
      List<Row> rows = new ArrayList<>();
      for (long i = day - 1; i < n; i += 2) {
        rows.add(row(i));
      }
      want.put(
          "day=2026-01-0" + day + "/part-00000-of-00001.parquet",
          reference(rows, tmp.getRoot().toPath().resolve("ref-" + day + ".parquet")));
    }
    assertEquals(want, got);
  }

  /**
   * 40 batches of one source whose row indexes interleave (batch k holds the rows {@code i = k mod
   * 40}), in reverse order: 40 overlapping segments per file, more than one merge pass.
   */
  @Test
  public void interleavedSegmentsAreMergedInRowOrder() throws Exception {
    int n = 40 * 500;
    ColumnBatch all = batches("file:/in/i.csv", n, n).get(0);
    List<ColumnBatch> input = new ArrayList<>();
    for (int k = 39; k >= 0; k--) {
      int[] idx = new int[n / 40];
      for (int j = 0; j < idx.length; j++) {
        idx[j] = k + 40 * j;
      }
      input.add(all.select(idx, idx.length));
    }
    assertTrue(40 > ShardSpills.FAN_IN * 2);
    Path out = tmp.newFolder("out").toPath();
    write(input, out, 128L << 20);
    assertEquals(
        List.of(
            "day=2026-01-01",
            "day=2026-01-01/part-00000-of-00001.parquet",
            "day=2026-01-02",
            "day=2026-01-02/part-00000-of-00001.parquet"),
        tree(out));
    for (int day = 1; day <= 2; day++) {
      List<Row> rows = new ArrayList<>();
      List<Long> want = new ArrayList<>();
      for (long i = day - 1; i < n; i += 2) {
        rows.add(row(i));
        want.add(i);
      }
      Path f = out.resolve("day=2026-01-0" + day + "/part-00000-of-00001.parquet");
      assertEquals(want, seqs(f));
      assertEquals(reference(rows, tmp.getRoot().toPath().resolve("ref-" + day + ".parquet")), LakeFiles.sha256(f));
    }
  }

  /** Rows that share a source and row index (batches made by hand) are ordered by their values. */
  @Test
  public void rowsThatShareARowIndexAreOrderedByTheirValues() throws Exception {
    ColumnBatch x = BatchRows.of(S).toBatch(List.of(row(4), row(2)), "s");
    ColumnBatch y = BatchRows.of(S).toBatch(List.of(row(0)), "s");
    // x: row indexes 0 and 1 hold seq 4 and 2; y: row index 0 holds seq 0. One directory.
    Path one = tmp.newFolder("one").toPath();
    Path two = tmp.newFolder("two").toPath();
    write(List.of(x, y), one, 128L << 20);
    write(List.of(y, x), two, 128L << 20);
    assertEquals(hashes(one), hashes(two));
    // Row index 0 twice (seq 0 before seq 4: their values' bytes decide), then row index 1.
    assertEquals(List.of(0L, 4L, 2L), seqs(one.resolve("day=2026-01-01/part-00000-of-00001.parquet")));
  }

  @Test
  public void sortedPutsASegmentInRowIndexOrder() {
    ColumnBatch all = batches("s", 10, 10).get(0);
    ColumnBatch shuffled = all.select(new int[] {3, 1, 2, 0, 9, 8, 7, 6, 5, 4}, 10);
    ColumnBatch sorted = ShardSpills.sorted(shuffled);
    List<Long> idx = new ArrayList<>();
    for (int i = 0; i < sorted.rowCount(); i++) {
      idx.add(sorted.rowIndex(i));
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), idx);
    assertEquals(BatchRows.of(S).toRows(all), BatchRows.of(S).toRows(sorted));
    assertTrue(ShardSpills.sorted(all) == all);
  }

  /** A spill directory left in a staged output (a pipeline that stopped) is never published. */
  @Test
  public void commitNeverPublishesASpillDirectory() throws Exception {
    Path lake = tmp.newFolder("lake").toPath();
    LakeCommit commit = LakeCommit.start(lake.toString(), "trades", "run1");
    Path staged = Path.of(commit.stage(lake.resolve("processed/trades").toString()));
    Files.createDirectories(staged.resolve("day=1"));
    Files.writeString(staged.resolve("day=1/part-00000-of-00001.parquet"), "data");
    Path spill = staged.resolve(WriteBatches.SPILL_PREFIX + "abc");
    Files.createDirectories(spill);
    Files.writeString(spill.resolve("x.batches"), "rows");
    commit.commit();
    assertEquals(
        List.of(LakeCommit.SUCCESS, "day=1", "day=1/part-00000-of-00001.parquet"),
        tree(lake.resolve("processed/trades")));
    assertFalse(Files.exists(lake.resolve(LakeCommit.STAGING)));
  }

  /** Spill references sort by source, then first row; their coder round-trips. */
  @Test
  public void referencesSortBySourceThenFirstRow_andRoundTrip() throws Exception {
    List<SpillRef> refs = new ArrayList<>();
    refs.add(new SpillRef("d", "b", 0, 0, 9, 10, 80, "f1", 0, 100));
    refs.add(new SpillRef("d", "a", 0, 10, 19, 10, 80, "f2", 0, 100));
    refs.add(new SpillRef("d", "a", 0, 0, 9, 10, 80, "f3", 100, 100));
    refs.sort(SpillRef.IN_ROW_ORDER);
    assertEquals(
        List.of("f3", "f2", "f1"), refs.stream().map(r -> r.file).collect(Collectors.toList()));
    for (SpillRef r : refs) {
      CoderProperties.coderDecodeEncodeEqual(SpillRef.Coder.of(), r);
    }
  }
}
