package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.io.parquet.ParquetBatchWriter;
import dev.sediment.io.spread.WorkerKeys;
import dev.sediment.schemas.RecordError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes {@link ColumnBatch}es as hive-partitioned Parquet under a dataset directory, straight
 * from the vectors ({@link ParquetBatchWriter}); made by {@link LakeIO#writeBatches()}.
 *
 * <pre>{@code
 * batches.apply("WriteProcessed",
 *     LakeIO.writeBatches()
 *         .to("lake/processed/trades")
 *         .withRowSchema(schema)
 *         .partitionBy(List.of("date"))
 *         .withBadRecordErrorHandler(quarantine));
 * }</pre>
 *
 * <p>Deterministic files, whatever the runner, parallelism or bundling: each partition directory
 * gets {@code ceil(bytes / shardBytes)} files {@code DIR/k=v/.../part-SSSSS-of-NNNNN.parquet}
 * (bytes of the rows' values, {@link ColumnBatch#rowBytes()}; at least one file, named as {@link
 * LakeIO#writeParquet()} names them). Each block of 65,536 consecutive rows of a source goes to the
 * shard given by the hash of (source, block), and each file holds its rows in (source, row index)
 * order, the order of the input files. Splitting a batch by directory keeps rows as vectors: no record object per row.
 * A file's bytes depend on its rows alone, not on how they were cut into batches. The files are
 * dealt out to the workers that write them in turn ({@link WorkerKeys}), not left to where their
 * names happen to hash.
 *
 * <p>Bounded memory on every runner: rows never go through the shuffle. Each bundle splits its
 * batches into segments (the rows of one directory, source and block) and appends them,
 * {@link ColumnBatchCoder}-encoded, to one spill file of its own in the run's hidden spill
 * directory {@code DIR/.spill-UUID/} (beside the output, so every worker reaches it: local, {@code
 * s3://}, {@code gs://}); only a {@link SpillRef} per segment (file, offset, length, source, first
 * and last row index, rows, bytes) is grouped by shard. A shard's writer reads its segments back
 * in (source, row index) order, one at a time, or merges those that overlap with at most {@value
 * ShardSpills#FAN_IN} in memory ({@link ShardSpills#writeInOrder}). Spill file names are random
 * per bundle attempt and only the references name rows: a retried bundle writes a new file and its
 * failed attempt's file is never read. The spill directory is deleted once every shard is written
 * (a shard may be written again by a retry until then); a run that stops before leaves it in
 * {@code DIR}, where {@link LakeCommit} deletes it before anything is published (and {@link
 * LakeCommit#recover} with the rest of an unfinished run). Spark, Hive, Trino and DuckDB skip
 * names starting with {@code .} meanwhile.
 *
 * <p>Counters: {@code records_written} (rows spilled for writing), {@code write_spilled_bytes},
 * {@code files_written}.
 *
 * <p>A row whose partition directory cannot be made (a {@code col=value} segment over {@value
 * HivePartition#MAX_SEGMENT_BYTES} bytes) goes to the bad-record handler as {@code
 * PARTITION_VALUE_TOO_LONG}, as with {@link LakeIO#writeParquet()}.
 */
@AutoValue
public abstract class WriteBatches extends PTransform<PCollection<ColumnBatch>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /**
   * Row groups of the files written: 32 MiB, so the writer of a file holds at most that many bytes
   * of its pages (with the writer's default of 128 MiB a whole 128 MiB shard was held, two at once
   * on two workers), and readers can share a file out by row group. A 10 M-row {@code validate}:
   * 8.0 to 8.5 s and 395 to 462 MB with 128 MiB, 7.1 to 7.4 s and 381 to 409 MB with 32 MiB.
   */
  static final long ROW_GROUP_BYTES = 32L << 20;

  /** Rows of one source that go to the same file (see {@link AssignShardFn}). */
  static final long BLOCK_ROWS = 65_536;

  /** Keys of the shard grouping: (file name, {@link WorkerKeys#salt salt}). */
  static final KvCoder<String, Integer> SHARD_KEY_CODER =
      KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());

  /** The name prefix of the hidden directory, below the output directory, where a run spills. */
  static final String SPILL_PREFIX = ".spill-";

  abstract @Nullable String getDirectory();

  abstract @Nullable Schema getRowSchema();

  abstract List<String> getPartitionColumns();

  abstract long getShardBytes();

  abstract long getBlockRows();

  abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

  abstract Builder toBuilder();

  static WriteBatches create() {
    return new AutoValue_WriteBatches.Builder()
        .setPartitionColumns(List.of())
        .setShardBytes(LakeIO.DEFAULT_SHARD_BYTES)
        .setBlockRows(BLOCK_ROWS)
        .build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setDirectory(String directory);

    abstract Builder setRowSchema(Schema schema);

    abstract Builder setPartitionColumns(List<String> columns);

    abstract Builder setShardBytes(long bytes);

    abstract Builder setBlockRows(long rows);

    abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

    abstract WriteBatches build();
  }

  /** The dataset directory (local, s3://, gs://); required. */
  public WriteBatches to(String directory) {
    checkArgument(directory != null && !directory.isEmpty(), "directory is empty");
    return toBuilder().setDirectory(directory).build();
  }

  /**
   * The Beam schema of the rows ({@link BatchRows#of}); required. Partition directories name
   * values as {@link HivePartition} does for such rows.
   */
  public WriteBatches withRowSchema(Schema schema) {
    checkArgument(schema != null, "schema can not be null");
    return toBuilder().setRowSchema(schema).build();
  }

  /** Partition columns, outermost first; none by default. */
  public WriteBatches partitionBy(List<String> columns) {
    checkArgument(columns != null, "columns can not be null");
    HivePartition.by(columns);
    return toBuilder().setPartitionColumns(List.copyOf(columns)).build();
  }

  /** Column bytes per file, at least 1024; default 128 MiB. */
  public WriteBatches withShardBytes(long shardBytes) {
    checkArgument(shardBytes >= 1024, "shardBytes must be at least 1024, not %s", shardBytes);
    return toBuilder().setShardBytes(shardBytes).build();
  }

  /** Rows of a source that go to one file together; tests make it small. */
  WriteBatches withBlockRows(long rows) {
    checkArgument(rows >= 1, "rows must be at least 1, not %s", rows);
    return toBuilder().setBlockRows(rows).build();
  }

  /** Where rows whose partition directory cannot be made go; without it they fail the run. */
  public WriteBatches withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgument(handler != null, "handler can not be null");
    return toBuilder().setBadRecordErrorHandler(handler).build();
  }

  @Override
  public PCollection<String> expand(PCollection<ColumnBatch> input) {
    Staged staged = staged(input.getPipeline());
    PCollectionTuple spilled =
        input.apply("SpillByPartition", BatchStages.of(List.of(staged.stage())).asParDo());
    ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
    if (handler != null) {
      handler.addErrorCollection(spilled.get(BadRecordRouter.BAD_RECORD_TAG));
    }
    return staged.finish(spilled);
  }

  /**
   * This write cut in two: a {@link BatchStage} that spills each batch where it is made (run it
   * inside the reading step, {@code TableBatchIO.read().through(stages)}, or on its own), and
   * {@link Staged#finish}, which writes the files from what the stage spilled. With a bad-record
   * handler, rows whose partition directory cannot be made are the stage's side output {@link
   * BadRecordRouter#BAD_RECORD_TAG} (the fused step hands them to its own handler).
   */
  public Staged staged(Pipeline pipeline) {
    String dir = getDirectory();
    Schema rowSchema = getRowSchema();
    checkArgument(dir != null, "LakeIO.writeBatches() needs to(directory)");
    checkArgument(rowSchema != null, "LakeIO.writeBatches() needs withRowSchema(schema)");
    HivePartition partition = HivePartition.by(getPartitionColumns());
    partition.checkAgainst(rowSchema);
    Coder<RecordError> errorCoder;
    try {
      errorCoder = pipeline.getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
    // One spill directory per pipeline (the name is fixed here, when the pipeline is built, so
    // every worker writes to and reads from the same one).
    String spillDir =
        LakeFiles.child(LakeFiles.dir(dir), SPILL_PREFIX + UUID.randomUUID() + "/").toString();
    SpillStage stage =
        new SpillStage(
            rowSchema,
            partition,
            getBadRecordErrorHandler() != null,
            errorCoder,
            BadRecord.getCoder(pipeline),
            spillDir,
            getBlockRows());
    return new Staged(stage, dir, spillDir, BatchRows.of(rowSchema).batchSchema(), getShardBytes());
  }

  /** A {@link WriteBatches} cut in two: see {@link #staged}. */
  public static final class Staged {
    private final SpillStage stage;
    private final String dir;
    private final String spillDir;
    private final BatchSchema schema;
    private final long shardBytes;

    private Staged(
        SpillStage stage, String dir, String spillDir, BatchSchema schema, long shardBytes) {
      this.stage = stage;
      this.dir = dir;
      this.spillDir = spillDir;
      this.schema = schema;
      this.shardBytes = shardBytes;
    }

    /** The stage that spills each batch; it passes nothing on. */
    public BatchStage stage() {
      return stage;
    }

    /**
     * Writes the files from what {@link #stage} spilled: {@code stageOutputs} is the output of the
     * step that ran it. Returns the files written.
     */
    public PCollection<String> finish(PCollectionTuple stageOutputs) {
      return stageOutputs.get(SpillStage.REFS).apply("WriteShards", new WriteShards(this));
    }
  }

  /** From the spilled segments' references to the files: group by shard, write, clean up. */
  private static final class WriteShards
      extends PTransform<PCollection<SpillRef>, PCollection<String>> {
    private final Staged staged;

    WriteShards(Staged staged) {
      this.staged = staged;
    }

    @Override
    public PCollection<String> expand(PCollection<SpillRef> refs) {
      PCollectionView<Map<String, Long>> sizes =
          refs.apply("SegmentBytes", ParDo.of(new BytesFn()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
              .apply("BytesPerDirectory", Sum.longsPerKey())
              .apply("SizesView", View.asMap());
      PCollection<String> files =
          refs.apply(
                  "AssignShard",
                  ParDo.of(new AssignShardFn(staged.shardBytes, sizes)).withSideInputs(sizes))
              .setCoder(KvCoder.of(SHARD_KEY_CODER, SpillRef.Coder.of()))
              .apply("GroupByShard", GroupByKey.create())
              .apply(
                  "WriteShard",
                  ParDo.of(new WriteShardFn(staged.dir, staged.spillDir, staged.schema)))
              .setCoder(StringUtf8Coder.of());
      files
          .apply("AllShardsWritten", Count.globally())
          .apply("DeleteSpills", ParDo.of(new DeleteSpillsFn(staged.spillDir)));
      return files;
    }
  }

  /** The rows of {@code batch} by their directory {@code pathOf[row]} (null: left out), in row order. */
  static LinkedHashMap<String, ColumnBatch> byDirectory(ColumnBatch batch, @Nullable String[] pathOf) {
    int n = batch.rowCount();
    LinkedHashMap<String, Integer> ids = new LinkedHashMap<>();
    int[] idOf = new int[n];
    int[] counts = new int[8];
    String last = null;
    int lastId = -1;
    for (int i = 0; i < n; i++) {
      String path = pathOf[i];
      if (path == null) {
        idOf[i] = -1;
        continue;
      }
      if (!path.equals(last)) {
        Integer id = ids.get(path);
        if (id == null) {
          id = ids.size();
          ids.put(path, id);
          if (id == counts.length) {
            counts = Arrays.copyOf(counts, 2 * id);
          }
        }
        last = path;
        lastId = id;
      }
      idOf[i] = lastId;
      counts[lastId]++;
    }
    LinkedHashMap<String, ColumnBatch> out = new LinkedHashMap<>();
    if (ids.size() == 1 && counts[0] == n) {
      out.put(ids.keySet().iterator().next(), batch);
      return out;
    }
    int[][] rowsOf = new int[ids.size()][];
    for (int id = 0; id < rowsOf.length; id++) {
      rowsOf[id] = new int[counts[id]];
    }
    int[] filled = new int[rowsOf.length];
    for (int i = 0; i < n; i++) {
      int id = idOf[i];
      if (id >= 0) {
        rowsOf[id][filled[id]++] = i;
      }
    }
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      int[] rows = rowsOf[e.getValue()];
      out.put(e.getKey(), batch.select(rows, rows.length));
    }
    return out;
  }

  /**
   * Splits each batch by partition directory and, within one, by (source, block of {@code
   * blockRows} row indexes): the unit that {@link AssignShardFn} places. Each such segment is put in
   * row order and appended to the bundle's spill file; only its {@link SpillRef} is output ({@link
   * #REFS}). Passes nothing on.
   */
  static final class SpillStage extends BatchStage {
    private static final long serialVersionUID = 1L;
    static final TupleTag<SpillRef> REFS = new TupleTag<SpillRef>("spilled") {};
    private final Schema schema;
    private final HivePartition partition;
    private final boolean recording;
    private final Coder<RecordError> errorCoder;
    private final Coder<BadRecord> badRecordCoder;
    private final String spillDir;
    private final long blockRows;
    private transient BadRecordRouter router;
    private transient Counter written;
    private transient Counter spilledBytes;
    private transient BatchPartitions partitions;
    private transient ColumnBatchCoder coder;
    private transient ShardSpills.@Nullable Spiller spiller;

    SpillStage(
        Schema schema,
        HivePartition partition,
        boolean recording,
        Coder<RecordError> errorCoder,
        Coder<BadRecord> badRecordCoder,
        String spillDir,
        long blockRows) {
      this.schema = schema;
      this.partition = partition;
      this.recording = recording;
      this.errorCoder = errorCoder;
      this.badRecordCoder = badRecordCoder;
      this.spillDir = spillDir;
      this.blockRows = blockRows;
    }

    @Override
    public List<SideOutput<?>> sideOutputs() {
      return recording
          ? List.of(
              SideOutput.of(REFS, SpillRef.Coder.of()),
              SideOutput.of(BadRecordRouter.BAD_RECORD_TAG, badRecordCoder))
          : List.of(SideOutput.of(REFS, SpillRef.Coder.of()));
    }

    @Override
    public void setup() {
      router = recording ? BadRecordRouter.RECORDING_ROUTER : BadRecordRouter.THROWING_ROUTER;
      written = Metrics.counter("sediment", "records_written");
      spilledBytes = Metrics.counter("sediment", "write_spilled_bytes");
      partitions = new BatchPartitions(schema, partition);
      coder = ColumnBatchCoder.of(BatchRows.of(schema).batchSchema());
    }

    @Override
    public void startBundle() {
      spiller = new ShardSpills.Spiller(LakeFiles.dir(spillDir), coder);
    }

    @Override
    public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out)
        throws Exception {
      int n = batch.rowCount();
      if (n == 0) {
        return null;
      }
      if (!partitions.partitioned()) {
        spill("", batch, out);
        return null;
      }
      List<RecordError> invalid = new ArrayList<>();
      String[] pathOf = partitions.paths(batch, invalid);
      for (RecordError e : invalid) {
        router.route(out, e, errorCoder, null, e.getErrorType() + ": " + e.getMessage());
      }
      for (Map.Entry<String, ColumnBatch> e : byDirectory(batch, pathOf).entrySet()) {
        spill(e.getKey(), e.getValue(), out);
      }
      return null;
    }

    private void spill(String directory, ColumnBatch rows, DoFn.MultiOutputReceiver out)
        throws IOException {
      ShardSpills.Spiller s = spiller;
      if (s == null) {
        s = new ShardSpills.Spiller(LakeFiles.dir(spillDir), coder);
        spiller = s;
      }
      for (ColumnBatch seg : segments(rows, blockRows)) {
        ColumnBatch segment = ShardSpills.sorted(seg);
        long block = Math.floorDiv(segment.rowIndex(0), blockRows);
        SpillRef ref = s.spill(directory, block, segment);
        spilledBytes.inc(ref.length);
        out.get(REFS).output(ref);
      }
      written.inc(rows.rowCount());
    }

    @Override
    public void finishBundle(DoFn<?, ?>.FinishBundleContext c) throws IOException {
      ShardSpills.Spiller s = spiller;
      spiller = null;
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void teardown() throws IOException {
      finishBundle(null);
    }
  }

  /**
   * The rows of {@code b} by (source, block of {@code blockRows} row indexes), in order of first
   * appearance; slices where they are runs, which they are unless a batch interleaves sources.
   */
  static List<ColumnBatch> segments(ColumnBatch b, long blockRows) {
    int n = b.rowCount();
    List<int[]> runs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean repeated = false;
    int start = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n
          || b.sourceId(i) != b.sourceId(start)
          || block(b, i, blockRows) != block(b, start, blockRows)) {
        String key = b.sourceId(start) + "/" + block(b, start, blockRows);
        runs.add(new int[] {start, i});
        keys.add(key);
        repeated |= !seen.add(key);
        start = i;
      }
    }
    List<ColumnBatch> out = new ArrayList<>();
    if (!repeated) {
      for (int[] run : runs) {
        out.add(run[0] == 0 && run[1] == n ? b : b.slice(run[0], run[1]));
      }
      return out;
    }
    LinkedHashMap<String, List<int[]>> byKey = new LinkedHashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      byKey.computeIfAbsent(keys.get(r), x -> new ArrayList<>()).add(runs.get(r));
    }
    for (List<int[]> parts : byKey.values()) {
      int k = 0;
      for (int[] run : parts) {
        k += run[1] - run[0];
      }
      int[] idx = new int[k];
      int j = 0;
      for (int[] run : parts) {
        for (int i = run[0]; i < run[1]; i++) {
          idx[j++] = i;
        }
      }
      out.add(b.select(idx, k));
    }
    return out;
  }

  private static long block(ColumnBatch b, int row, long blockRows) {
    return Math.floorDiv(b.rowIndex(row), blockRows);
  }

  static final class BytesFn extends DoFn<SpillRef, KV<String, Long>> {
    @ProcessElement
    public void process(@Element SpillRef r, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(r.directory, r.rowBytes));
    }
  }

  /**
   * Keys segments by their file: rows {@code [k * BLOCK_ROWS, (k + 1) * BLOCK_ROWS)} of a source go
   * to the shard given by the hash of (source, k), so the assignment does not depend on how rows
   * were cut into batches, and rows stay together in long runs.
   *
   * <p>The key is (file name, salt): the salt ({@link WorkerKeys#salt}) deals the files out to the
   * workers that write them in turn, in the order of their directories (sorted) and shard numbers,
   * where the file names alone may all hash to one worker (Flink at parallelism 2 put all five
   * shards of a 10 M-row run on one). Names and bytes of the files do not depend on it.
   */
  static final class AssignShardFn extends DoFn<SpillRef, KV<KV<String, Integer>, SpillRef>> {
    private final long shardBytes;
    private final PCollectionView<Map<String, Long>> sizes;
    private transient @Nullable Map<String, Long> placedSizes;
    private transient Map<String, Integer> firstFile;
    private transient Map<String, KV<String, Integer>> keys;

    AssignShardFn(long shardBytes, PCollectionView<Map<String, Long>> sizes) {
      this.shardBytes = shardBytes;
      this.sizes = sizes;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      SpillRef r = c.element();
      Map<String, Long> bytesOf = c.sideInput(sizes);
      // Runners hand out the same map while they cache the side input; a new one is placed again.
      if (bytesOf != placedSizes) {
        firstFile = firstFiles(bytesOf, shardBytes);
        keys = new HashMap<>();
        placedSizes = bytesOf;
      }
      Long bytes = bytesOf.get(r.directory);
      int count = ShardedFiles.shards(bytes == null ? 0 : bytes, shardBytes);
      String key = r.source + "\n" + r.block;
      int shard =
          Math.floorMod(Hashing.murmur3_32_fixed().hashString(key, StandardCharsets.UTF_8).asInt(), count);
      String file = ShardedFiles.fileName(r.directory, "part", shard, count, ".parquet");
      KV<String, Integer> shardKey = keys.get(file);
      if (shardKey == null) {
        Integer first = firstFile.get(r.directory);
        shardKey = shardKey(file, (first == null ? 0 : first) + shard);
        keys.put(file, shardKey);
      }
      c.output(KV.of(shardKey, r));
    }
  }

  /**
   * The number, among all files of the write, of each directory's first file: directories in
   * sorted order, each with {@link ShardedFiles#shards} files.
   */
  static Map<String, Integer> firstFiles(Map<String, Long> bytesOf, long shardBytes) {
    Map<String, Integer> first = new HashMap<>();
    int next = 0;
    for (String dir : new TreeMap<>(bytesOf).keySet()) {
      first.put(dir, next);
      next = (next + ShardedFiles.shards(bytesOf.get(dir), shardBytes)) % WorkerKeys.CYCLE;
    }
    return first;
  }

  /** The grouping key of the {@code n}-th file of the write: its name and the salt that places it. */
  static KV<String, Integer> shardKey(String file, long n) throws IOException {
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    SHARD_KEY_CODER.getKeyCoder().encode(file, prefix);
    return KV.of(file, WorkerKeys.salt(prefix.toByteArray(), n));
  }

  /**
   * Reads one shard's segments back in (source, row index) order ({@link
   * ShardSpills#writeInOrder}) and writes them as one Parquet file, published whole.
   *
   * <p>The spill files stay until every shard is written ({@link DeleteSpillsFn}): a runner may run
   * this step again for a shard after it succeeded once (a retried bundle, a lost worker), and the
   * second attempt must find the same segments.
   */
  static final class WriteShardFn extends DoFn<KV<KV<String, Integer>, Iterable<SpillRef>>, String> {
    private final String directory;
    private final String spillDir;
    private final BatchSchema schema;
    private final Counter files = Metrics.counter("sediment", "files_written");

    WriteShardFn(String directory, String spillDir, BatchSchema schema) {
      this.directory = directory;
      this.spillDir = spillDir;
      this.schema = schema;
    }

    @ProcessElement
    public void process(
        @Element KV<KV<String, Integer>, Iterable<SpillRef>> shard, OutputReceiver<String> out)
        throws IOException {
      List<SpillRef> refs = new ArrayList<>();
      for (SpillRef r : shard.getValue()) {
        refs.add(r);
      }
      ResourceId dest = LakeFiles.child(LakeFiles.dir(directory), shard.getKey().getKey());
      Path tmp;
      if (LakeFiles.isLocal(dest)) {
        Path target = LakeFiles.localPath(dest);
        Files.createDirectories(target.getParent());
        tmp = LakeFiles.temporarySibling(target);
      } else {
        tmp = Files.createTempFile("sediment-shard-", ".parquet");
        Files.delete(tmp);
      }
      try {
        try (ParquetBatchWriter w =
            ParquetBatchWriter.create(
                tmp, schema, ParquetBatchWriter.Options.defaults().withRowGroupBytes(ROW_GROUP_BYTES))) {
          ShardSpills.writeInOrder(refs, ColumnBatchCoder.of(schema), LakeFiles.dir(spillDir), w);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        LakeFiles.publish(tmp, dest);
      } finally {
        Files.deleteIfExists(tmp);
      }
      files.inc();
      out.output(dest.toString());
    }
  }

  /** Deletes the run's spill directory once every shard is written. */
  static final class DeleteSpillsFn extends DoFn<Long, Void> {
    private final String spillDir;

    DeleteSpillsFn(String spillDir) {
      this.spillDir = spillDir;
    }

    @ProcessElement
    public void process(@Element Long shardsWritten) throws IOException {
      LakeFiles.deleteRecursively(LakeFiles.dir(spillDir));
    }
  }

  /**
   * Deletes what {@link WriteBatches} left in {@code dir} when a run stopped before it finished:
   * the hidden {@code .spill-*} directories directly below it.
   */
  static void deleteSpills(ResourceId dir) throws IOException {
    if (LakeFiles.isLocal(dir)) {
      Path d = LakeFiles.localPath(dir);
      if (!Files.isDirectory(d)) {
        return;
      }
      List<Path> spills;
      try (Stream<Path> s = Files.list(d)) {
        spills =
            s.filter(p -> p.getFileName().toString().startsWith(SPILL_PREFIX))
                .collect(Collectors.toList());
      }
      for (Path p : spills) {
        LakeFiles.deleteRecursively(LakeFiles.dir(p));
      }
      return;
    }
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : LakeFiles.listRecursively(dir)) {
      if (LakeFiles.relative(dir, m.resourceId()).startsWith(SPILL_PREFIX)) {
        files.add(m.resourceId());
      }
    }
    if (!files.isEmpty()) {
      FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }
}
