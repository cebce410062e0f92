package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.lake.LakeFiles;
import dev.sediment.io.parquet.CanonicalFooter;
import dev.sediment.io.parquet.LocalParquetFile;
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
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;

/**
 * Compacts the spool files of one partition and one UTC date into a single {@code data.parquet}
 * in total order of {@link RecordOrder}, with bounded memory:
 *
 * <ol>
 *   <li>Each file's schema is read from its footer; the partition's schema is the one most files
 *       share (ties: the smallest schema text), other files are rejected as {@code
 *       SCHEMA_MISMATCH}, unreadable footers as {@code CORRUPT_FOOTER}.
 *   <li>Each file is read once to check it: rows of other dates are skipped (a row belongs to
 *       the UTC date of its first sort key, nanoseconds since the epoch), a read failure rejects
 *       the file with a typed {@link CompactError}, and the file is found sorted or not.
 *   <li>Sorted files are merged as they are; unsorted ones are first sorted into runs of at most
 *       {@code maxRowsInMemory} rows spilled to Avro files. When there are more than {@code
 *       maxOpenRuns} runs, groups of them are merged into longer runs first, so no more than
 *       {@code maxOpenRuns} readers are ever open.
 *   <li>The merge is written to a local file, forced to disk, read back and checked (row count,
 *       order) and hashed. Publishing it (atomic rename, or one upload to an object store) is
 *       {@link CompactJob}'s part.
 * </ol>
 *
 * <p>Inputs are files of any Beam file system (local, {@code s3://}, {@code gs://}); they are
 * read at random positions, as Parquet needs, without being copied.
 *
 * <p>The bytes depend only on the rows: not on file names, listing order or run boundaries.
 */
public final class PartitionCompactor {
  static final long NANOS_PER_DAY = 86_400_000_000_000L;

  /** Settings; all have defaults. */
  public static final class Settings {
    List<String> sortKeys = List.of("ts_event", "seq");
    boolean dedupe;
    int maxRowsInMemory = 200_000;
    int maxOpenRuns = 64;

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
    public final List<ResourceId> sourceFiles = new ArrayList<>();
    public final List<Rejection> rejected = new ArrayList<>();
  }

  private final Settings settings;

  public PartitionCompactor(Settings settings) {
    this.settings = settings;
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
    List<ResourceId> files = new ArrayList<>();
    Map<ResourceId, InputFile> in = new HashMap<>();
    for (MatchResult.Metadata m : inputs) {
      files.add(m.resourceId());
      in.put(m.resourceId(), ResourceParquetFile.of(m.resourceId(), m.sizeBytes()));
    }
    files.sort(Comparator.comparing(ResourceId::toString));

    // 1. Schemas: the partition's is the most common one.
    Map<ResourceId, Schema> schemas = new HashMap<>();
    Map<String, Integer> votes = new HashMap<>();
    for (ResourceId f : files) {
      try {
        Schema s = SpoolFileCheck.schemaOf(in.get(f));
        schemas.put(f, s);
        votes.merge(s.toString(), 1, Integer::sum);
      } catch (SpoolFileCheck.Rejected e) {
        result.rejected.add(new Rejection(f, e.type, e.getMessage()));
      }
    }
    if (schemas.isEmpty()) {
      return result;
    }
    String chosen =
        votes.entrySet().stream()
            .max(
                Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
            .orElseThrow()
            .getKey();
    Schema schema = new Schema.Parser().parse(chosen);
    RecordOrder order;
    try {
      order = RecordOrder.of(schema, settings.sortKeys);
    } catch (IllegalArgumentException e) {
      for (ResourceId f : schemas.keySet()) {
        result.rejected.add(new Rejection(f, CompactError.SCHEMA_MISMATCH, e.getMessage()));
      }
      result.rejected.sort(Comparator.comparing(r -> r.file.toString()));
      return result;
    }
    int key = schema.getField(settings.sortKeys.get(0)).pos();
    long dayStart = date.toEpochDay() * NANOS_PER_DAY;

    // 2. Check each file: readable, rows of the date, sorted or not.
    List<ResourceId> sorted = new ArrayList<>();
    List<ResourceId> unsorted = new ArrayList<>();
    for (ResourceId f : files) {
      Schema s = schemas.get(f);
      if (s == null) {
        continue;
      }
      if (!s.toString().equals(chosen)) {
        result.rejected.add(
            new Rejection(
                f,
                CompactError.SCHEMA_MISMATCH,
                "the file's schema differs from the partition's: " + s + " is not " + chosen));
        continue;
      }
      try {
        boolean inOrder = true;
        long rows = 0;
        GenericRecord prev = null;
        try (AvroParquetRows r = SpoolFileCheck.open(in.get(f))) {
          GenericRecord rec;
          while ((rec = r.read()) != null) {
            if (!onDate(rec, key, dayStart)) {
              continue;
            }
            rows++;
            if (inOrder && prev != null && order.compare(prev, rec) > 0) {
              inOrder = false;
            }
            prev = rec;
          }
        }
        if (rows > 0) {
          (inOrder ? sorted : unsorted).add(f);
          result.sourceFiles.add(f);
        }
      } catch (IOException | RuntimeException e) {
        SpoolFileCheck.Rejected r = SpoolFileCheck.classify(e);
        result.rejected.add(new Rejection(f, r.type, r.getMessage()));
      }
    }
    result.rejected.sort(Comparator.comparing(r -> r.file.toString()));
    result.schemaJson = chosen;
    if (result.sourceFiles.isEmpty()) {
      return result;
    }

    // 3. Runs: sorted files as they are, unsorted ones sorted into spilled runs.
    Path spill = Files.createDirectories(workDir.resolve("spill-" + UUID.randomUUID()));
    try {
      List<RunSource> runs = new ArrayList<>();
      for (ResourceId f : sorted) {
        runs.add(new ParquetRun(in.get(f), key, dayStart));
      }
      for (ResourceId f : unsorted) {
        runs.addAll(sortIntoRuns(in.get(f), schema, order, key, dayStart, spill));
      }
      while (runs.size() > settings.maxOpenRuns) {
        List<RunSource> next = new ArrayList<>();
        for (int i = 0; i < runs.size(); i += settings.maxOpenRuns) {
          List<RunSource> group = runs.subList(i, Math.min(runs.size(), i + settings.maxOpenRuns));
          next.add(
              group.size() == 1 ? group.get(0) : mergeToSpill(group, schema, order, spill, result));
        }
        runs = next;
      }
      // 4. Merge into the output, read it back, hash it.
      Files.createDirectories(output.toAbsolutePath().getParent());
      boolean done = false;
      try {
        write(runs, schema, order, output, result, key);
        CanonicalFooter.sortEncodings(output);
        verify(output, order, result.rowCount);
        result.sha256 = LakeFiles.sha256(output);
        done = true;
      } finally {
        if (!done) {
          Files.deleteIfExists(output);
        }
      }
    } finally {
      deleteTree(spill);
    }
    return result;
  }

  private static boolean onDate(GenericRecord r, int key, long dayStart) {
    long ts = (Long) r.get(key);
    return ts >= dayStart && ts - dayStart < NANOS_PER_DAY;
  }

  private void write(
      List<RunSource> runs, Schema schema, RecordOrder order, Path tmp, Result result, int key)
      throws IOException {
    List<Iterator<GenericRecord>> its = new ArrayList<>();
    try {
      for (RunSource r : runs) {
        its.add(r.open());
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      KWayMerge<GenericRecord> merge = new KWayMerge<>(its, order, settings.dedupe);
      try (ParquetWriter<GenericRecord> w = writer(tmp, schema)) {
        boolean first = true;
        while (merge.hasNext()) {
          GenericRecord r = merge.next();
          long k = (Long) r.get(key);
          if (first) {
            result.sortKeyMin = k;
            first = false;
          }
          result.sortKeyMax = k;
          w.write(r);
          result.rowCount++;
        }
      }
      result.duplicatesDropped = merge.duplicatesDropped();
    } finally {
      for (Iterator<GenericRecord> it : its) {
        if (it instanceof AutoCloseable) {
          try {
            ((AutoCloseable) it).close();
          } catch (Exception e) {
            throw new IOException("closing a run failed", e);
          }
        }
      }
    }
  }

  /**
   * Fixed writer settings. With {@link CanonicalFooter#sortEncodings} applied after closing, the
   * same rows give the same bytes in every JVM.
   */
  public static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
    return AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(file))
        .withConf(new Configuration(false))
        .withSchema(schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize(64L << 20)
        .withPageSize(1 << 20)
        .withDictionaryEncoding(true)
        .build();
  }

  private static void verify(Path file, RecordOrder order, long expectedRows) throws IOException {
    long rows = 0;
    GenericRecord prev = null;
    try (AvroParquetRows r = SpoolFileCheck.open(LocalParquetFile.of(file))) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        if (prev != null && order.compare(prev, rec) > 0) {
          throw new IOException(file + " read back out of order at row " + rows);
        }
        prev = rec;
        rows++;
      }
    }
    if (rows != expectedRows) {
      throw new IOException(file + " read back " + rows + " rows, " + expectedRows + " written");
    }
  }

  private List<RunSource> sortIntoRuns(
      InputFile f, Schema schema, RecordOrder order, int key, long dayStart, Path spill)
      throws IOException {
    List<RunSource> runs = new ArrayList<>();
    List<GenericRecord> buf = new ArrayList<>();
    try (AvroParquetRows r = SpoolFileCheck.open(f)) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        if (!onDate(rec, key, dayStart)) {
          continue;
        }
        buf.add(rec);
        if (buf.size() >= settings.maxRowsInMemory) {
          runs.add(spillSorted(buf, schema, order, spill));
          buf.clear();
        }
      }
    }
    if (!buf.isEmpty()) {
      runs.add(spillSorted(buf, schema, order, spill));
    }
    return runs;
  }

  private static RunSource spillSorted(
      List<GenericRecord> buf, Schema schema, RecordOrder order, Path spill) throws IOException {
    buf.sort(order);
    Path file = spill.resolve("run-" + UUID.randomUUID() + ".avro");
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      w.create(schema, file.toFile());
      for (GenericRecord r : buf) {
        w.append(r);
      }
    }
    return new AvroRun(file);
  }

  private RunSource mergeToSpill(
      List<RunSource> group, Schema schema, RecordOrder order, Path spill, Result result)
      throws IOException {
    Path file = spill.resolve("merged-" + UUID.randomUUID() + ".avro");
    List<Iterator<GenericRecord>> its = new ArrayList<>();
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      w.create(schema, file.toFile());
      for (RunSource r : group) {
        its.add(r.open());
      }
      result.peakOpenReaders = Math.max(result.peakOpenReaders, its.size());
      // Duplicates are only dropped in the final merge, where all copies meet.
      new KWayMerge<>(its, order, false).forEachRemaining(rec -> append(w, rec));
    } finally {
      for (Iterator<GenericRecord> it : its) {
        try {
          ((AutoCloseable) it).close();
        } catch (Exception e) {
          throw new IOException("closing a run failed", e);
        }
      }
    }
    return new AvroRun(file);
  }

  private static void append(DataFileWriter<GenericRecord> w, GenericRecord r) {
    try {
      w.append(r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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

  private abstract static class CloseableIterator implements Iterator<GenericRecord>, AutoCloseable {}

  /** The rows of the date in a sorted Parquet file. */
  private static final class ParquetRun implements RunSource {
    final InputFile file;
    final int key;
    final long dayStart;

    ParquetRun(InputFile file, int key, long dayStart) {
      this.file = file;
      this.key = key;
      this.dayStart = dayStart;
    }

    @Override
    public CloseableIterator open() throws IOException {
      AvroParquetRows r = SpoolFileCheck.open(file);
      return new CloseableIterator() {
        GenericRecord next = advance();

        private GenericRecord advance() {
          try {
            GenericRecord rec;
            while ((rec = r.read()) != null) {
              if (onDate(rec, key, dayStart)) {
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
          r.close();
        }
      };
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
