package dev.sediment.transforms.compact;

import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.CanonicalFooter;
import dev.sediment.io.parquet.LocalParquetFile;
import dev.sediment.io.parquet.ParquetBatchReader;
import dev.sediment.io.parquet.ResourceParquetFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.SynchronousQueue;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Compacts the spool files of one partition and one UTC date into a single {@code data.parquet}
 * in total order of {@link RecordOrder}, with bounded memory:
 *
 * <ol>
 *   <li>Each file's footer is read: its schema (the partition's schema is the one most files
 *       share, ties: the smallest schema text; other files are rejected as {@code
 *       SCHEMA_MISMATCH}, unreadable footers as {@code CORRUPT_FOOTER}), the size of its largest
 *       row group and the statistics of the first sort key. A file whose statistics prove it holds
 *       no row of the date is not read at all.
 *   <li>Files are merged straight from Parquet while the row groups their readers hold fit in a
 *       quarter of the heap ({@link Settings#withReaderMemory}) and in half of {@code
 *       maxOpenRuns}; the others are first read once into spilled Avro runs: a sorted file
 *       becomes one run as it streams, an unsorted one is cut into sorted runs of at most {@code
 *       maxRowsInMemory} rows. When there are more runs than {@code maxOpenRuns}, groups of
 *       spilled runs are merged into longer ones first, so no more than {@code maxOpenRuns}
 *       readers are ever open.
 *   <li>Every run is decoded by its own thread a batch ahead of the merge, so decoding and
 *       encoding use two cores. A file merged straight that turns out unsorted is spilled and the
 *       merge starts again; a file that fails to read is rejected with a typed {@link
 *       CompactError} and the merge starts again without it.
 *   <li>Rows of other dates are skipped (a row belongs to the UTC date of its first sort key,
 *       nanoseconds since the epoch). The merge is written to a local file with fixed writer
 *       settings, its footer made canonical ({@link CanonicalFooter}), forced to disk, read back
 *       and checked (row count, order) and hashed. Publishing it (atomic rename, or one upload to
 *       an object store) is {@link CompactJob}'s part.
 * </ol>
 *
 * <p>A partition of flat columns ({@link BatchOrder#of}) goes through all of this as column
 * batches ({@link ColumnarMerge}): runs spill as encoded batches rather than Avro, the merge moves
 * (batch, row) positions, and the merged rows are gathered into batches that Sediment's page
 * encoders write ({@link MergedRowsWriter}): the same rows in the same order, schema and footer
 * metadata as the record path writes, in other pages.
 *
 * <p>Inputs are files of any Beam file system (local, {@code s3://}, {@code gs://}); they are
 * read at random positions, as Parquet needs, without being copied.
 *
 * <p>The bytes depend only on the rows: not on file names, listing order, run boundaries, memory
 * settings or the JVM.
 */
public final class PartitionCompactor {
  static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final int BATCH = 1024;

  /**
   * Row group size of every file compaction writes: 32 MiB, since the writer holds a row group's
   * pages until it ends (20 M rows at -Xmx256m: 10.1-11.9 s with 64 MiB, 9.4 s with 32 MiB).
   */
  static final long ROW_GROUP_BYTES = 32L << 20;

  /** Page size of every file compaction writes. */
  static final int PAGE_BYTES = 1 << 20;

  /** Settings; all have defaults. */
  public static final class Settings {
    List<String> sortKeys = List.of("ts_event", "seq");
    boolean dedupe;
    int maxRowsInMemory = 200_000;
    int maxOpenRuns = 64;
    long readerMemory = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
    boolean undatedNullKeys = true;
    boolean columnar = true;

    /**
     * Whether partitions of flat rows are merged as column batches ({@link ColumnarMerge});
     * default true. The record path writes the same rows in the same order under the same schema
     * (in other pages); tests compare the two.
     */
    Settings withColumnar(boolean value) {
      columnar = value;
      return this;
    }

    public Settings withSortKeys(List<String> keys) {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("sortKeys is empty");
      }
      sortKeys = List.copyOf(keys);
      return this;
    }

    public Settings withDedupe(boolean value) {
      dedupe = value;
      return this;
    }

    public Settings withMaxRowsInMemory(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("maxRowsInMemory must be >= 1, was " + rows);
      }
      maxRowsInMemory = rows;
      return this;
    }

    public Settings withMaxOpenRuns(int runs) {
      if (runs < 2) {
        throw new IllegalArgumentException("maxOpenRuns must be >= 2, was " + runs);
      }
      maxOpenRuns = runs;
      return this;
    }

    /**
     * Whether this compaction also quarantines the null-sort-key rows of files whose names carry
     * no date (to {@code date=unknown}); default true. One task per partition of a run should, so
     * each such row is quarantined once ({@link NullKeyRows}).
     */
    public Settings withUndatedNullKeys(boolean value) {
      undatedNullKeys = value;
      return this;
    }

    /**
     * Bytes of compressed row groups that Parquet readers merged straight from the spool may
     * hold at once; default a quarter of the heap. 0 spills every file first.
     */
    public Settings withReaderMemory(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("readerMemory must be >= 0, was " + bytes);
      }
      readerMemory = bytes;
      return this;
    }
  }

  /** A file left out, and why. */
  public static final class Rejection {
    public final ResourceId file;
    public final CompactError type;
    public final String message;

    Rejection(ResourceId file, CompactError type, String message) {
      this.file = file;
      this.type = type;
      this.message = message;
    }

    /** The file's name, without its directory. */
    public String name() {
      return file.getFilename();
    }
  }

  /** What a compaction wrote. {@code rowCount == 0} means no file was written. */
  public static final class Result {
    public long rowCount;
    public long sortKeyMin;
    public long sortKeyMax;
    public String sha256;
    public String schemaJson;
    public long duplicatesDropped;
    /** The most input readers (spool files and spilled runs) that were open at once. */
    public int peakOpenReaders;
    /** Files merged straight from Parquet, and files first spilled to sorted runs. */
    public int filesMergedDirectly;
    public int filesSpilled;
    /** Wall milliseconds of each phase: footers, spilling, merge and write, read-back and hash. */
    public long millisFooters;
    public long millisSpill;
    public long millisMerge;
    public long millisVerify;
    public final List<ResourceId> sourceFiles = new ArrayList<>();
    public final List<Rejection> rejected = new ArrayList<>();
    /** Rows of the date read from the files that went in (before duplicates were dropped). */
    public long rowsRead;
    /** Rows quarantined because a sort key is null, over all of {@link #quarantinedRows}. */
    public long rowsQuarantined;
    /** The null-sort-key rows, one local Parquet file per quarantine date directory. */
    final List<NullKeyRows.Group> quarantinedRows = new ArrayList<>();
  }

  private final Settings settings;

  public PartitionCompactor(Settings settings) {
    this.settings = settings;
  }

  /** A file that failed while the merge read it. */
  static final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int run;

    RunFailed(int run, Throwable cause) {
      super(cause);
      this.run = run;
    }
  }

  /**
   * Compacts the rows of {@code date} in {@code inputs} into the local file {@code output}
   * (created or overwritten; give it a temporary name), using {@code workDir} for spill files.
   * No file is written when no row is of the date.
   */
  public Result compact(
      List<MatchResult.Metadata> inputs, LocalDate date, Path output, Path workDir)
      throws IOException {
    Result result = new Result();
    // Directories are made now, not later: once a shutdown hook removed the work directory of a
    // task still running, nothing below may create it again (WorkDirs).
    Files.createDirectories(workDir);
    Files.createDirectories(output.toAbsolutePath().getParent());
    List<ResourceId> files = new ArrayList<>();
    Map<ResourceId, InputFile> in = new HashMap<>();
    for (MatchResult.Metadata m : inputs) {
      files.add(m.resourceId());
      in.put(m.resourceId(), ResourceParquetFile.of(m.resourceId(), m.sizeBytes()));
    }
    files.sort(Comparator.comparing(ResourceId::toString));
    String keyName = settings.sortKeys.get(0);
    long dayStart = date.toEpochDay() * NANOS_PER_DAY;

    long t0 = System.nanoTime();
    // 1. Footers: the partition's schema is the most common one.
    Map<ResourceId, SpoolFileCheck.Footer> footers = new HashMap<>();
    Map<String, Integer> votes = new HashMap<>();
    Map<ResourceId, String> shapes = new HashMap<>();
    for (ResourceId f : files) {
      try {
        SpoolFileCheck.Footer ft = SpoolFileCheck.footer(in.get(f), keyName);
        footers.put(f, ft);
        String shape = NullableColumns.key(ft.schema);
        shapes.put(f, shape);
        votes.merge(shape, 1, Integer::sum);
      } catch (SpoolFileCheck.Rejected e) {
        result.rejected.add(new Rejection(f, e.type, e.getMessage()));
      }
    }
    if (footers.isEmpty()) {
      return result;
    }
    String chosen =
        votes.entrySet().stream()
            .max(
                Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
            .orElseThrow()
            .getKey();
    List<Schema> sameShape = new ArrayList<>();
    for (ResourceId f : files) {
      if (chosen.equals(shapes.get(f))) {
        sameShape.add(footers.get(f).schema);
      }
    }
    Schema schema = NullableColumns.merge(sameShape);
    String chosenShape = chosen;
    chosen = schema.toString();
    RecordOrder order;
    try {
      order = RecordOrder.of(schema, settings.sortKeys);
    } catch (IllegalArgumentException e) {
      for (ResourceId f : footers.keySet()) {
        result.rejected.add(new Rejection(f, CompactError.SCHEMA_MISMATCH, e.getMessage()));
      }
      result.rejected.sort(Comparator.comparing(r -> r.file.toString()));
      return result;
    }
    result.schemaJson = chosen;
    int key = schema.getField(keyName).pos();
    List<MessageType> parquetSchemas = new ArrayList<>();
    for (ResourceId f : files) {
      if (chosenShape.equals(shapes.get(f))) {
        parquetSchemas.add(footers.get(f).parquetSchema);
      }
    }

    BatchOrder batchOrder =
        settings.columnar ? BatchOrder.of(schema, settings.sortKeys, parquetSchemas) : null;

    // 2. Which files to read, and how: straight from Parquet while their readers fit.
    List<ResourceId> direct = new ArrayList<>();
    List<ResourceId> toSpill = new ArrayList<>();
    long readerBytes = 0;
    for (ResourceId f : files) {
      SpoolFileCheck.Footer ft = footers.get(f);
      if (ft == null) {
        continue;
      }
      if (!shapes.get(f).equals(chosenShape)) {
        result.rejected.add(
            new Rejection(
                f,
                CompactError.SCHEMA_MISMATCH,
                "the file's schema differs from the partition's: " + ft.schema + " is not " + chosen));
        continue;
      }
      // A file whose rows all lie on other dates is still read by the task that quarantines its
      // null-key rows, when its statistics allow a null key.
      if (!ft.mayHold(dayStart, dayStart + NANOS_PER_DAY)
          && !(ft.mayHoldNull(settings.sortKeys)
              && NullKeyRows.dateOf(f, date, settings.undatedNullKeys) != null)) {
        continue;
      }
      // Batches stream a page per column ({@link ColumnarRuns.FileRows}); records hold row groups.
      long cost = batchOrder != null ? streamingBytes(in.get(f), ft) : ft.maxRowGroupBytes;
      if (direct.size() < settings.maxOpenRuns / 2
          && readerBytes + cost <= settings.readerMemory) {
        direct.add(f);
        readerBytes += cost;
      } else {
        toSpill.add(f);
      }
    }

    result.millisFooters = (System.nanoTime() - t0) / 1_000_000;
    Map<ResourceId, Long> rowsOf = new HashMap<>();
    Path spill = Files.createDirectory(workDir.resolve("spill-" + UUID.randomUUID()));
    NullKeyRows nullRows = new NullKeyRows(schema, spill, date, settings.undatedNullKeys);
    try {
      if (batchOrder != null) {
        mergeColumnar(
            new ColumnarMerge(settings, batchOrder, spill),
            direct, toSpill, in, footers, dayStart, output, rowsOf, result, nullRows, parquetSchemas, t0);
      } else {
        mergeRecords(
            direct, toSpill, in, footers, schema, order, key, dayStart, spill, output, rowsOf, result,
            nullRows, parquetSchemas, t0);
      }
      java.util.Set<ResourceId> rejectedFiles = new java.util.HashSet<>();
      result.rejected.forEach(r -> rejectedFiles.add(r.file));
      boolean kept = false;
      try {
        for (NullKeyRows.Group g : nullRows.finish(rejectedFiles, workDir, parquetSchemas)) {
          result.quarantinedRows.add(g);
          result.rowsQuarantined += g.rows;
        }
        kept = true;
      } finally {
        if (!kept) {
          for (NullKeyRows.Group g : result.quarantinedRows) {
            Files.deleteIfExists(g.file);
          }
          result.quarantinedRows.clear();
        }
      }
    } finally {
      deleteTree(spill);
    }
    result.filesMergedDirectly = direct.size();
    result.rejected.sort(Comparator.comparing(r -> r.file.toString()));
    for (ResourceId f : files) {
      if (rowsOf.getOrDefault(f, 0L) > 0) {
        result.sourceFiles.add(f);
        result.rowsRead += rowsOf.get(f);
      }
    }
    if (result.rowCount == 0) {
      Files.deleteIfExists(output);
      return result;
    }

    // 5. Canonical footer, read back, hash.
    boolean done = false;
    long t2 = System.nanoTime();
    try {
      CanonicalFooter.sortEncodings(output);
      if (batchOrder != null) {
        new ColumnarMerge(settings, batchOrder, workDir).verify(output, result.rowCount, settings.readerMemory);
      } else {
        verify(output, order, result.rowCount);
      }
      result.sha256 = LakeFiles.sha256(output);
      result.millisVerify = (System.nanoTime() - t2) / 1_000_000;
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(output);
      }
    }
    return result;
  }

  /**
   * What reading {@code file} as streamed batches holds at most ({@link
   * ParquetBatchReader#streamingBytes}, over its row groups), or its largest row group if its page
   * headers cannot be read here (the merge then rejects it with the reason).
   */
  private static long streamingBytes(InputFile file, SpoolFileCheck.Footer ft) {
    try (ParquetBatchReader r = ParquetBatchReader.open(file, file.toString())) {
      long most = 0;
      for (int g = 0; g < r.rowGroupCount(); g++) {
        most = Math.max(most, r.streamingBytes(g));
      }
      return most;
    } catch (IOException | RuntimeException e) {
      return ft.maxRowGroupBytes;
    }
  }

  /** Steps 3 and 4 over Avro records: spill what does not fit, then merge and write. */
  private void mergeRecords(
      List<ResourceId> direct,
      List<ResourceId> toSpill,
      Map<ResourceId, InputFile> in,
      Map<ResourceId, SpoolFileCheck.Footer> footers,
      Schema schema,
      RecordOrder order,
      int key,
      long dayStart,
      Path spill,
      Path output,
      Map<ResourceId, Long> rowsOf,
      Result result,
      NullKeyRows nullRows,
      List<MessageType> parquetSchemas,
      long t0)
      throws IOException {
    // 3. Spill what does not fit, one file at a time.
    List<RunSource> spilled = new ArrayList<>();
    for (ResourceId f : toSpill) {
      spillFile(f, in.get(f), schema, order, key, unitOf(footers, f), dayStart, spill, spilled, rowsOf, result, nullRows);
    }
    long t1 = System.nanoTime();
    result.millisSpill = (t1 - t0) / 1_000_000 - result.millisFooters;
    // 4. Merge; a straight file that proves unsorted is spilled, one that fails is rejected.
    while (true) {
      int room = Math.max(1, settings.maxOpenRuns - direct.size());
      spilled = shrink(spilled, room, schema, order, spill, result);
      List<RunSource> runs = new ArrayList<>();
      for (ResourceId f : direct) {
        runs.add(new ParquetRun(f, in.get(f), order, key, unitOf(footers, f), dayStart, nullRows));
      }
      runs.addAll(spilled);
      Map<ResourceId, Long> counted = new HashMap<>();
      try {
        write(runs, schema, order, output, result, key, counted, parquetSchemas);
        rowsOf.putAll(counted);
        break;
      } catch (RunFailed e) {
        Files.deleteIfExists(output);
        ResourceId f = ((ParquetRun) runs.get(e.run)).file;
        direct.remove(f);
        if (e.getCause() instanceof UnsortedRunException) {
          spillFile(f, in.get(f), schema, order, key, unitOf(footers, f), dayStart, spill, spilled, rowsOf, result, nullRows);
        } else {
          nullRows.drop(f);
          SpoolFileCheck.Rejected r = SpoolFileCheck.classify(e.getCause());
          result.rejected.add(new Rejection(f, r.type, r.getMessage()));
        }
      }
    }
    result.millisMerge = (System.nanoTime() - t1) / 1_000_000;
  }

  /** Steps 3 and 4 over column batches ({@link ColumnarMerge}), with the same outcomes. */
  private void mergeColumnar(
      ColumnarMerge m,
      List<ResourceId> direct,
      List<ResourceId> toSpill,
      Map<ResourceId, InputFile> in,
      Map<ResourceId, SpoolFileCheck.Footer> footers,
      long dayStart,
      Path output,
      Map<ResourceId, Long> rowsOf,
      Result result,
      NullKeyRows nullRows,
      List<MessageType> parquetSchemas,
      long t0)
      throws IOException {
    // 3. Spill what does not fit, one file at a time.
    List<ColumnarRuns.Run> spilled = new ArrayList<>();
    spillColumnar(m, toSpill, in, footers, dayStart, spilled, rowsOf, result, nullRows);
    long t1 = System.nanoTime();
    result.millisSpill = (t1 - t0) / 1_000_000 - result.millisFooters;
    // 4. Merge; a straight file that proves unsorted is spilled, one that fails is rejected.
    while (true) {
      int room = Math.max(1, settings.maxOpenRuns - direct.size());
      spilled = m.shrink(spilled, room, result);
      List<ColumnarRuns.Run> runs = new ArrayList<>();
      long batchBytes = ColumnarMerge.batchBytes(direct.size() + spilled.size());
      for (ResourceId f : direct) {
        runs.add(
            new ColumnarRuns.ParquetRun(
                f, in.get(f), m.order(), unitOf(footers, f), dayStart, nullRows, batchBytes));
      }
      runs.addAll(spilled);
      Map<ResourceId, Long> counted = new HashMap<>();
      try {
        m.write(runs, output, result, counted, parquetSchemas);
        rowsOf.putAll(counted);
        break;
      } catch (RunFailed e) {
        Files.deleteIfExists(output);
        ResourceId f = ((ColumnarRuns.ParquetRun) runs.get(e.run)).file;
        direct.remove(f);
        if (e.getCause() instanceof UnsortedRunException) {
          spillColumnar(m, List.of(f), in, footers, dayStart, spilled, rowsOf, result, nullRows);
        } else {
          nullRows.drop(f);
          SpoolFileCheck.Rejected r = ColumnarMerge.classify(in.get(f), e.getCause());
          result.rejected.add(new Rejection(f, r.type, r.getMessage()));
        }
      }
    }
    result.millisMerge = (System.nanoTime() - t1) / 1_000_000;
  }

  /** A pool of {@code threads} daemon threads named {@code name}. */
  static java.util.concurrent.ExecutorService daemonThreads(int threads, String name) {
    return java.util.concurrent.Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Spills {@code files} one at a time into sorted runs ({@link ColumnarMerge#spillFile}); a row
   * group larger than the reader memory is fetched in windows. A file that fails to read is
   * rejected with a typed error and its runs dropped.
   */
  private void spillColumnar(
      ColumnarMerge m,
      List<ResourceId> files,
      Map<ResourceId, InputFile> in,
      Map<ResourceId, SpoolFileCheck.Footer> footers,
      long dayStart,
      List<ColumnarRuns.Run> runs,
      Map<ResourceId, Long> rowsOf,
      Result result,
      NullKeyRows nullRows)
      throws IOException {
    for (ResourceId f : files) {
      long rows;
      try {
        rows = m.spillFile(f, in.get(f), unitOf(footers, f), dayStart, nullRows, runs);
      } catch (IOException | RuntimeException e) {
        nullRows.drop(f);
        SpoolFileCheck.Rejected r = ColumnarMerge.classify(in.get(f), e);
        result.rejected.add(new Rejection(f, r.type, r.getMessage()));
        continue;
      }
      rowsOf.put(f, rows);
      result.filesSpilled++;
    }
  }

  private static long unitOf(Map<ResourceId, SpoolFileCheck.Footer> footers, ResourceId f) {
    return footers.get(f).keyNanosPerUnit;
  }

  /**
   * Whether the row's first sort key, in nanoseconds since the epoch ({@code nanosPerUnit} from
   * the key's TIMESTAMP unit), falls on the day starting at {@code dayStart}. A row with a null
   * sort key is on no date: it goes to {@code nulls}, row {@code row} of its file, when this
   * compaction quarantines the file's null-key rows ({@code nulls} not null), and is skipped
   * otherwise (another task of the run quarantines it).
   */
  private static boolean onDate(
      GenericRecord r,
      RecordOrder order,
      int key,
      long nanosPerUnit,
      long dayStart,
      long row,
      NullKeyRows.@Nullable Sink nulls)
      throws IOException {
    String nullKey = order.nullKey(r);
    if (nullKey != null) {
      if (nulls != null) {
        nulls.add(r, row, nullKey);
      }
      return false;
    }
    long ts = SpoolFileCheck.toNanos(((Number) r.get(key)).longValue(), nanosPerUnit);
    return ts >= dayStart && ts - dayStart < NANOS_PER_DAY;
  }

  /**
   * Reads the rows of the date in {@code file} once into sorted Avro runs: one run while the rows
   * come in order, then runs of at most {@code maxRowsInMemory} rows sorted in memory. A file
   * that fails to read is rejected and its runs dropped.
   */
  private void spillFile(
      ResourceId id,
      InputFile file,
      Schema schema,
      RecordOrder order,
      int key,
      long nanosPerUnit,
      long dayStart,
      Path spill,
      List<RunSource> runs,
      Map<ResourceId, Long> rowsOf,
      Result result,
      NullKeyRows nullRows)
      throws IOException {
    List<AvroRun> mine = new ArrayList<>();
    long rows = 0;
    NullKeyRows.Sink nulls = nullRows.open(id);
    try (AvroParquetRows r = SpoolFileCheck.open(file)) {
      AvroRunWriter streaming = new AvroRunWriter(schema, spill);
      mine.add(streaming.run);
      List<GenericRecord> buf = null;
      GenericRecord prev = null;
      long row = 0;
      try {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          if (!onDate(rec, order, key, nanosPerUnit, dayStart, row++, nulls)) {
            continue;
          }
          rows++;
          if (buf == null) {
            if (prev == null || order.compare(prev, rec) <= 0) {
              streaming.append(rec);
              prev = rec;
              continue;
            }
            buf = new ArrayList<>();
          }
          buf.add(rec);
          if (buf.size() >= settings.maxRowsInMemory) {
            mine.add(spillSorted(buf, schema, order, spill));
            buf.clear();
          }
        }
      } finally {
        streaming.close();
        if (nulls != null) {
          nulls.close();
        }
      }
      if (buf != null && !buf.isEmpty()) {
        mine.add(spillSorted(buf, schema, order, spill));
      }
    } catch (IOException | RuntimeException e) {
      for (AvroRun run : mine) {
        Files.deleteIfExists(run.file);
      }
      nullRows.drop(id);
      SpoolFileCheck.Rejected r = SpoolFileCheck.classify(e);
      result.rejected.add(new Rejection(id, r.type, r.getMessage()));
      return;
    }
    rowsOf.put(id, rows);
    result.filesSpilled++;
    runs.addAll(mine);
  }

  /** Merges groups of spilled runs until at most {@code room} are left. */
  private List<RunSource> shrink(
      List<RunSource> runs, int room, Schema schema, RecordOrder order, Path spill, Result result)
      throws IOException {
    while (runs.size() > room) {
      List<RunSource> next = new ArrayList<>();
      int fanIn = settings.maxOpenRuns;
      for (int i = 0; i < runs.size(); i += fanIn) {
        List<RunSource> group = runs.subList(i, Math.min(runs.size(), i + fanIn));
        next.add(group.size() == 1 ? group.get(0) : mergeToSpill(group, schema, order, spill, result));
      }
      runs = next;
    }
    return runs;
  }

  private void write(
      List<RunSource> runs,
      Schema schema,
      RecordOrder order,
      Path tmp,
      Result result,
      int key,
      Map<ResourceId, Long> counted,
      List<MessageType> parquetSchemas)
      throws IOException {
    List<CloseableIterator> its = new ArrayList<>();
    result.rowCount = 0;
    try {
      for (int i = 0; i < runs.size(); i++) {
        its.add(new Prefetch(runs.get(i), i));
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      KWayMerge<GenericRecord> merge;
      try {
        merge = new KWayMerge<>(its, order, settings.dedupe);
      } catch (UnsortedRunException e) {
        throw new RunFailed(e.run(), e);
      }
      try (ParquetWriter<GenericRecord> w = writer(tmp, schema, parquetSchemas)) {
        boolean first = true;
        while (merge.hasNext()) {
          GenericRecord r = merge.next();
          long k = ((Number) r.get(key)).longValue();
          if (first) {
            result.sortKeyMin = k;
            first = false;
          }
          result.sortKeyMax = k;
          w.write(r);
          result.rowCount++;
        }
      } catch (UnsortedRunException e) {
        throw new RunFailed(e.run(), e);
      }
      result.duplicatesDropped = merge.duplicatesDropped();
      for (int i = 0; i < runs.size(); i++) {
        if (runs.get(i) instanceof ParquetRun) {
          counted.put(((ParquetRun) runs.get(i)).file, ((Prefetch) its.get(i)).delivered);
        }
      }
    } finally {
      closeAll(its);
    }
  }

  private static void closeAll(List<CloseableIterator> its) throws IOException {
    IOException first = null;
    for (CloseableIterator it : its) {
      try {
        it.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Fixed writer settings. With {@link CanonicalFooter#sortEncodings} applied after closing, the
   * same rows give the same bytes in every JVM.
   */
  public static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
    return writer(file, schema, List.of());
  }

  /**
   * {@link #writer(Path, Schema)}, with the TIMESTAMP annotations the INT64 columns have in
   * {@code inputs}, the Parquet schemas of the spool files ({@link TimestampColumns}).
   */
  static ParquetWriter<GenericRecord> writer(Path file, Schema schema, List<MessageType> inputs)
      throws IOException {
    return configure(new AnnotatedWriter(LocalParquetFile.of(file), schema, inputs)).build();
  }

  /** The fixed settings of every file compaction writes, on {@code b}. */
  static <T, B extends ParquetWriter.Builder<T, B>> B configure(B b) {
    return b.withConf(new Configuration(false))
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize(ROW_GROUP_BYTES)
        .withPageSize(PAGE_BYTES)
        .withDictionaryEncoding(true);
  }

  /** The Parquet schema of {@code schema}: Avro's conversion with the inputs' TIMESTAMP annotations. */
  static MessageType parquetSchema(Configuration conf, Schema schema, List<MessageType> inputs) {
    return TimestampColumns.restore(new AvroSchemaConverter(conf).convert(schema), inputs);
  }

  /**
   * AvroParquetWriter's builder, with the Parquet schema given rather than converted from Avro,
   * so annotations Avro cannot express survive. Without inputs, it writes what
   * AvroParquetWriter writes.
   */
  private static final class AnnotatedWriter
      extends ParquetWriter.Builder<GenericRecord, AnnotatedWriter> {
    private final Schema schema;
    private final List<MessageType> inputs;

    AnnotatedWriter(org.apache.parquet.io.OutputFile file, Schema schema, List<MessageType> inputs) {
      super(file);
      this.schema = schema;
      this.inputs = inputs;
    }

    @Override
    protected AnnotatedWriter self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
      return new AvroWriteSupport<>(parquetSchema(conf, schema, inputs), schema, null);
    }
  }

  /**
   * Reads {@code file} back and checks its row count and order. Row groups are shared between
   * up to two threads when their readers fit in the reader memory; each checks the order within
   * its row groups, and the borders between row groups are checked at the end.
   */
  private void verify(Path file, RecordOrder order, long expectedRows) throws IOException {
    InputFile in = LocalParquetFile.of(file);
    SpoolFileCheck.Footer footer;
    try {
      footer = SpoolFileCheck.footer(in, "");
    } catch (SpoolFileCheck.Rejected e) {
      throw new IOException(file + " does not read back: " + e.getMessage(), e);
    }
    int groups = footer.ranges.size();
    long perReader = Math.max(1, footer.maxRowGroupBytes);
    int threads =
        (int) Math.max(1, Math.min(Math.min(2, groups), settings.readerMemory / perReader));
    long[] counts = new long[groups];
    GenericRecord[] firsts = new GenericRecord[groups];
    GenericRecord[] lasts = new GenericRecord[groups];
    List<java.util.concurrent.Future<Void>> parts = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = daemonThreads(threads, "sediment-compact-verify");
    try {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        int stride = threads;
        parts.add(
            pool.submit(
                () -> {
                  try (AvroParquetRows r = SpoolFileCheck.open(in).onlyRowGroups(stride, offset)) {
                    GenericRecord rec;
                    GenericRecord prev = null;
                    int prevGroup = -1;
                    while ((rec = r.read()) != null) {
                      int g = r.rowGroup();
                      if (g != prevGroup) {
                        firsts[g] = rec;
                        prev = null;
                        prevGroup = g;
                      }
                      if (prev != null && order.compare(prev, rec) > 0) {
                        throw new IOException(
                            file + " read back out of order in row group " + g + " at row " + counts[g]);
                      }
                      counts[g]++;
                      lasts[g] = rec;
                      prev = rec;
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<Void> f : parts) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          throw c instanceof IOException
              ? (IOException) c
              : new IOException(file + " does not read back: " + SpoolFileCheck.text(c), c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while reading back " + file);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    long rows = 0;
    for (int g = 0; g < groups; g++) {
      rows += counts[g];
      if (g > 0 && lasts[g - 1] != null && firsts[g] != null && order.compare(lasts[g - 1], firsts[g]) > 0) {
        throw new IOException(file + " read back out of order between row groups " + (g - 1) + " and " + g);
      }
    }
    if (rows != expectedRows) {
      throw new IOException(file + " read back " + rows + " rows, " + expectedRows + " written");
    }
  }

  private static AvroRun spillSorted(
      List<GenericRecord> buf, Schema schema, RecordOrder order, Path spill) throws IOException {
    buf.sort(order);
    AvroRunWriter w = new AvroRunWriter(schema, spill);
    try {
      for (GenericRecord r : buf) {
        w.append(r);
      }
    } finally {
      w.close();
    }
    return w.run;
  }

  private RunSource mergeToSpill(
      List<RunSource> group, Schema schema, RecordOrder order, Path spill, Result result)
      throws IOException {
    AvroRunWriter w = new AvroRunWriter(schema, spill);
    List<CloseableIterator> its = new ArrayList<>();
    try {
      for (int i = 0; i < group.size(); i++) {
        its.add(new Prefetch(group.get(i), i));
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      // Duplicates are only dropped in the final merge, where all copies meet.
      KWayMerge<GenericRecord> merge = new KWayMerge<>(its, order, false);
      while (merge.hasNext()) {
        w.append(merge.next());
      }
    } finally {
      w.close();
      closeAll(its);
    }
    for (RunSource r : group) {
      Files.deleteIfExists(((AvroRun) r).file);
    }
    return w.run;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Something that can be opened as a sorted stream of rows (and must be closed). */
  private interface RunSource {
    CloseableIterator open() throws IOException;
  }

  private abstract static class CloseableIterator implements Iterator<GenericRecord>, AutoCloseable {
    @Override
    public abstract void close() throws IOException;
  }

  /**
   * Opens and reads a run on its own thread, {@link #BATCH} rows ahead of the consumer (at most
   * three batches in memory), so decoding overlaps the merge and the writer. A failure to open or
   * read reaches the consumer as {@link RunFailed} naming the run.
   */
  private static final class Prefetch extends CloseableIterator {
    private static final List<GenericRecord> END = new ArrayList<>();
    private final RunSource runSource;
    private volatile @Nullable CloseableIterator source;
    private final int run;
    private final SynchronousQueue<Object> handoff = new SynchronousQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private List<GenericRecord> batch = List.of();
    private int pos;
    private boolean ended;
    long delivered;

    Prefetch(RunSource runSource, int run) {
      this.runSource = runSource;
      this.run = run;
      this.thread = new Thread(this::produce, "sediment-compact-read-" + run);
      thread.setDaemon(true);
      thread.start();
    }

    private void produce() {
      try {
        CloseableIterator source = runSource.open();
        this.source = source;
        while (!closed) {
          List<GenericRecord> b = new ArrayList<>(BATCH);
          while (b.size() < BATCH && source.hasNext()) {
            b.add(source.next());
          }
          if (b.isEmpty()) {
            handoff.put(END);
            return;
          }
          handoff.put(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        try {
          handoff.put(t);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @SuppressWarnings("unchecked")
    @Override
    public boolean hasNext() {
      if (pos < batch.size()) {
        return true;
      }
      if (ended) {
        return false;
      }
      Object o;
      try {
        o = handoff.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunFailed(run, e);
      }
      if (o instanceof Throwable) {
        ended = true;
        Throwable t = (Throwable) o;
        throw new RunFailed(run, t instanceof java.io.UncheckedIOException ? t.getCause() : t);
      }
      if (o == END) {
        ended = true;
        return false;
      }
      batch = (List<GenericRecord>) o;
      pos = 0;
      return true;
    }

    @Override
    public GenericRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      delivered++;
      return batch.get(pos++);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      CloseableIterator s = source;
      if (s != null) {
        s.close();
      }
    }
  }

  /** The rows of the date in a sorted Parquet file. */
  private static final class ParquetRun implements RunSource {
    final ResourceId file;
    final InputFile input;
    final RecordOrder order;
    final int key;
    final long nanosPerUnit;
    final long dayStart;
    final NullKeyRows nullRows;

    ParquetRun(
        ResourceId file,
        InputFile input,
        RecordOrder order,
        int key,
        long nanosPerUnit,
        long dayStart,
        NullKeyRows nullRows) {
      this.file = file;
      this.input = input;
      this.order = order;
      this.key = key;
      this.nanosPerUnit = nanosPerUnit;
      this.dayStart = dayStart;
      this.nullRows = nullRows;
    }

    @Override
    public CloseableIterator open() throws IOException {
      NullKeyRows.Sink nulls = nullRows.open(file);
      AvroParquetRows r = SpoolFileCheck.open(input);
      return new CloseableIterator() {
        long row;
        GenericRecord next = advance();

        private GenericRecord advance() {
          try {
            GenericRecord rec;
            while ((rec = r.read()) != null) {
              if (onDate(rec, order, key, nanosPerUnit, dayStart, row++, nulls)) {
                return rec;
              }
            }
            return null;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public GenericRecord next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          GenericRecord out = next;
          next = advance();
          return out;
        }

        @Override
        public void close() throws IOException {
          try {
            r.close();
          } finally {
            if (nulls != null) {
              nulls.close();
            }
          }
        }
      };
    }
  }

  /** Writes one spilled Avro run. */
  private static final class AvroRunWriter {
    final AvroRun run;
    private final DataFileWriter<GenericRecord> writer;

    AvroRunWriter(Schema schema, Path spill) throws IOException {
      this.run = new AvroRun(spill.resolve("run-" + UUID.randomUUID() + ".avro"));
      this.writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
      writer.create(schema, run.file.toFile());
    }

    void append(GenericRecord r) throws IOException {
      writer.append(r);
    }

    void close() throws IOException {
      writer.close();
    }
  }

  /** A spilled, sorted Avro run; deleted with the spill directory. */
  private static final class AvroRun implements RunSource {
    final Path file;

    AvroRun(Path file) {
      this.file = file;
    }

    @Override
    public CloseableIterator open() throws IOException {
      DataFileReader<GenericRecord> r =
          new DataFileReader<>(file.toFile(), new GenericDatumReader<>());
      return new CloseableIterator() {
        @Override
        public boolean hasNext() {
          return r.hasNext();
        }

        @Override
        public GenericRecord next() {
          return r.next();
        }

        @Override
        public void close() throws IOException {
          r.close();
        }
      };
    }
  }
}
