package dev.sediment.io.lake;

import static org.junit.Assert.assertEquals;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link WriteBatches}: partitioned, ordered by (source, row index), the same bytes however batched. */
public class WriteBatchesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final Schema S =
      Schema.builder()
          .addStringField("day")
          .addInt64Field("seq")
          .addNullableField("px", FieldType.DOUBLE)
          .addNullableField("note", FieldType.STRING)
          .build();

  static List<Row> rows(String source, int n) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String day = i == 7 ? "x".repeat(300) : "2026-01-0" + (1 + i % 3);
      out.add(Row.withSchema(S).addValues(day, (long) i, i % 5 == 0 ? null : i * 0.5, source + i).build());
    }
    return out;
  }

  /** The rows of {@code source} cut into batches of {@code size} rows. */
  static List<ColumnBatch> batches(String source, List<Row> rows, int size) {
    BatchRows conv = BatchRows.of(S);
    List<ColumnBatch> out = new ArrayList<>();
    ColumnBatch all = conv.toBatch(rows, source);
    for (int i = 0; i < rows.size(); i += size) {
      out.add(all.slice(i, Math.min(rows.size(), i + size)));
    }
    return out;
  }

  /** Runs the write; returns relative file name -> sha256, and the bad records' count. */
  Map<String, String> write(Path out, int scale, int batchSize, long shardBytes) throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    List<ColumnBatch> input = new ArrayList<>();
    input.addAll(batches("file:/in/b.csv", rows("b", 40 * scale), batchSize));
    input.addAll(batches("file:/in/a.csv", rows("a", 30 * scale), batchSize));
    BadRecordErrorHandler<?> handler =
        p.registerBadRecordErrorHandler(new CountBad(out.resolve("bad.txt").toString()));
    p.apply(Create.of(input).withCoder(ColumnBatchCoder.of(BatchRows.of(S).batchSchema())))
        .apply(
            LakeIO.writeBatches()
                .to(out.resolve("data").toString())
                .withRowSchema(S)
                .partitionBy(List.of("day"))
                .withShardBytes(shardBytes)
                .withBlockRows(16)
                .withBadRecordErrorHandler(handler));
    handler.close();
    p.run().waitUntilFinish();
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out.resolve("data"))) {
      for (Path f : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        files.put(
            out.resolve("data").relativize(f).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return files;
  }

  /** Writes the number of bad records to a file. */
  static final class CountBad
      extends org.apache.beam.sdk.transforms.PTransform<
          org.apache.beam.sdk.values.PCollection<BadRecord>, org.apache.beam.sdk.values.PCollection<Long>> {
    private final String file;

    CountBad(String file) {
      this.file = file;
    }

    @Override
    public org.apache.beam.sdk.values.PCollection<Long> expand(
        org.apache.beam.sdk.values.PCollection<BadRecord> input) {
      org.apache.beam.sdk.values.PCollection<Long> n =
          input.apply(org.apache.beam.sdk.transforms.Count.globally());
      n.apply(
          org.apache.beam.sdk.transforms.ParDo.of(
              new org.apache.beam.sdk.transforms.DoFn<Long, Void>() {
                @ProcessElement
                public void process(@Element Long count) throws java.io.IOException {
                  Files.writeString(Path.of(file), count + "\n");
                }
              }));
      return n;
    }
  }

  @Test
  public void sameFilesHoweverBatched_rowsInSourceOrder_badPartitionsRouted() throws Exception {
    Path a = tmp.newFolder("a").toPath();
    Path b = tmp.newFolder("b").toPath();
    Map<String, String> one = write(a, 1, 64, 128L << 20);
    Map<String, String> two = write(b, 1, 3, 128L << 20);
    assertEquals(
        List.of(
            "day=2026-01-01/part-00000-of-00001.parquet",
            "day=2026-01-02/part-00000-of-00001.parquet",
            "day=2026-01-03/part-00000-of-00001.parquet"),
        new ArrayList<>(one.keySet()));
    assertEquals(one, two);
    // Rows of 2026-01-02 (i % 3 == 1), source a before b, then row order; row 7 of each went bad.
    List<String> notes = new ArrayList<>();
    try (ParquetBatchReader r =
        ParquetBatchReader.open(
            LocalParquetFile.of(a.resolve("data/day=2026-01-02/part-00000-of-00001.parquet")), "x")) {
      for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
        for (Row row : BatchRows.of(S).toRows(batch)) {
          notes.add(row.getString("note"));
        }
      }
    }
    List<String> want = new ArrayList<>();
    for (String src : List.of("a", "b")) {
      for (int i = 1; i < (src.equals("a") ? 30 : 40); i += 3) {
        if (i != 7) {
          want.add(src + i);
        }
      }
    }
    assertEquals(want, notes);
    assertEquals("2", Files.readString(a.resolve("bad.txt")).trim());
  }

  @Test
  public void smallShardsSplitADirectoryIntoSeveralFiles_deterministically() throws Exception {
    Map<String, String> one = write(tmp.newFolder("a").toPath(), 10, 7, 1024);
    Map<String, String> two = write(tmp.newFolder("b").toPath(), 10, 64, 1024);
    assertEquals(one, two);
    // About 8 KiB of column data per day: several files each, named of-0000N alike.
    for (String day : List.of("2026-01-01", "2026-01-02", "2026-01-03")) {
      List<String> names =
          one.keySet().stream().filter(f -> f.startsWith("day=" + day + "/")).collect(Collectors.toList());
      org.junit.Assert.assertTrue(names.toString(), names.size() >= 2);
      String of = names.get(0).substring(names.get(0).indexOf("-of-"));
      for (String f : names) {
        assertEquals(of, f.substring(f.indexOf("-of-")));
      }
    }
  }
}
