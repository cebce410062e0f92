package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.CanonicalFooter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Rows whose sort key is null, set aside while a partition is compacted. Such a row has no place
 * in the order and no date, so it goes to the quarantine of the date its file's name gives
 * ({@code date=YYYYMMDD}), or of {@code date=unknown} when the name carries none; the rest of the
 * file still compacts.
 *
 * <p>Each null-key row is quarantined by exactly one task of a run: the task of its file's name
 * date, and for files without a date in their name the one task per partition that {@code
 * undated} says (the first of the run's dates, see {@link CompactPlan}). Other tasks that read
 * the file skip such rows.
 *
 * <p>Rows are streamed to one spilled Avro file per file read (memory does not grow with them)
 * and, once the merge is done, written in order of source file and row to one Parquet file per
 * quarantine date: the partition's columns plus {@code _source_file} (the spool file's URI),
 * {@code _row_index} (0-based position of the row in its file) and {@code _error_type} ({@code
 * NULL_SORT_KEY}). Rows of a file that is then rejected whole are dropped here, since the file
 * itself is quarantined. The bytes depend only on the rows and their source files.
 */
final class NullKeyRows {
  /** The name of the rows file in a quarantine date directory; spool files never start with _. */
  static final String FILE = "_rows.parquet";
  /** The date directory of files whose names carry no date. */
  static final String UNKNOWN = "unknown";

  static final String SOURCE_FILE = "_source_file";
  static final String ROW_INDEX = "_row_index";
  static final String ERROR_TYPE = "_error_type";

  /** One file's null-key rows, as one task found them. */
  static final class Source {
    final ResourceId file;
    final String date;
    final String key;
    final long firstRow;
    long rows;

    Source(ResourceId file, String date, String key, long firstRow) {
      this.file = file;
      this.date = date;
      this.key = key;
      this.firstRow = firstRow;
    }

    /** One line for error.json. */
    String message() {
      return "sort key '"
          + key
          + "' is null in "
          + rows
          + (rows == 1 ? " row" : " rows")
          + ", the first at row "
          + firstRow
          + "; rows with a null sort key have no place in the order and are quarantined as rows in "
          + FILE
          + ", the rest of the file is compacted";
    }
  }

  /** The rows file of one quarantine date directory. */
  static final class Group {
    /** {@code YYYYMMDD} or {@link #UNKNOWN}. */
    final String date;
    /** The local Parquet file (in the task's work directory). */
    final Path file;
    final long rows;
    /** The files the rows came from, in name order. */
    final List<Source> sources;

    Group(String date, Path file, long rows, List<Source> sources) {
      this.date = date;
      this.file = file;
      this.rows = rows;
      this.sources = sources;
    }
  }

  private final Schema rowSchema;
  private volatile @Nullable Schema schema;
  private final Path spill;
  private final LocalDate date;
  private final boolean undated;
  private final Map<ResourceId, Sink> sinks = new ConcurrentHashMap<>();

  /**
   * For the task of {@code date}, spilling to {@code spill}; with {@code undated}, this task also
   * quarantines the null-key rows of files whose names carry no date.
   */
  NullKeyRows(Schema rowSchema, Path spill, LocalDate date, boolean undated) {
    this.rowSchema = rowSchema;
    this.spill = spill;
    this.date = date;
    this.undated = undated;
  }

  /** The partition's columns plus {@code _source_file}, {@code _row_index}, {@code _error_type}. */
  static Schema schemaOf(Schema row) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : row.getFields()) {
      if (f.name().equals(SOURCE_FILE) || f.name().equals(ROW_INDEX) || f.name().equals(ERROR_TYPE)) {
        throw new IllegalArgumentException(
            "the spool has a column named '" + f.name() + "', which quarantined rows use for their origin");
      }
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(SOURCE_FILE, Schema.create(Schema.Type.STRING), null, (Object) null));
    fields.add(new Schema.Field(ROW_INDEX, Schema.create(Schema.Type.LONG), null, (Object) null));
    fields.add(new Schema.Field(ERROR_TYPE, Schema.create(Schema.Type.STRING), null, (Object) null));
    Schema out = Schema.createRecord(row.getName(), row.getDoc(), row.getNamespace(), false, fields);
    row.getObjectProps().forEach(out::addProp);
    return out;
  }

  /**
   * The quarantine date directory ({@code YYYYMMDD} or {@link #UNKNOWN}) of {@code file}'s
   * null-key rows when the task of {@code date} quarantines them, else null.
   */
  static @Nullable String dateOf(ResourceId file, LocalDate date, boolean undated) {
    LocalDate named = SpoolLayout.nameDate(file.getFilename());
    if (named == null) {
      return undated ? UNKNOWN : null;
    }
    return named.equals(date) ? named.format(CompactJob.DATE) : null;
  }

  /** The schema of quarantined rows, made when the first null-key row is found. */
  private Schema quarantineSchema() {
    Schema s = schema;
    if (s == null) {
      s = schemaOf(rowSchema);
      schema = s;
    }
    return s;
  }

  /**
   * Starts a read of {@code file}: rows a previous read of it set aside are dropped (a merge that
   * starts again reads the file again). Null when this task does not quarantine its rows.
   */
  @Nullable Sink open(ResourceId file) throws IOException {
    drop(file);
    String d = dateOf(file, date, undated);
    if (d == null) {
      return null;
    }
    Sink s = new Sink(file, d);
    sinks.put(file, s);
    return s;
  }

  /** Drops what was set aside from {@code file} (it is rejected whole). */
  void drop(ResourceId file) throws IOException {
    Sink old = sinks.remove(file);
    if (old != null) {
      old.close();
      if (old.spilled != null) {
        Files.deleteIfExists(old.spilled);
      }
    }
  }

  /**
   * Writes the rows set aside from files not in {@code rejected}, one Parquet file per quarantine
   * date in {@code workDir}, by source file name then row; {@code inputs} are the spool's Parquet
   * schemas, whose TIMESTAMP annotations the columns keep.
   */
  List<Group> finish(Set<ResourceId> rejected, Path workDir, List<MessageType> inputs)
      throws IOException {
    Map<String, List<Sink>> byDate = new TreeMap<>();
    for (Sink s : sinks.values()) {
      s.close();
      if (s.source != null && !rejected.contains(s.source.file)) {
        byDate.computeIfAbsent(s.source.date, k -> new ArrayList<>()).add(s);
      }
    }
    List<Group> out = new ArrayList<>();
    for (Map.Entry<String, List<Sink>> e : byDate.entrySet()) {
      List<Sink> group = e.getValue();
      group.sort(Comparator.comparing(s -> s.source.file.toString()));
      Path file = workDir.resolve("quarantine-" + e.getKey() + "-" + UUID.randomUUID() + ".parquet");
      long rows = 0;
      List<Source> sources = new ArrayList<>();
      Schema schema = quarantineSchema();
      try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(file, schema, inputs)) {
        for (Sink s : group) {
          try (DataFileReader<GenericRecord> r =
              new DataFileReader<>(s.spilled.toFile(), new GenericDatumReader<>(schema))) {
            for (GenericRecord rec : r) {
              w.write(rec);
              rows++;
            }
          }
          sources.add(s.source);
        }
      }
      CanonicalFooter.sortEncodings(file);
      out.add(new Group(e.getKey(), file, rows, sources));
    }
    return out;
  }

  /** The null-key rows of one read of one file; used by the one thread that reads the file. */
  final class Sink {
    private final ResourceId file;
    private final String date;
    private @Nullable Source source;
    private @Nullable Path spilled;
    private @Nullable DataFileWriter<GenericRecord> writer;

    private Sink(ResourceId file, String date) {
      this.file = file;
      this.date = date;
    }

    /** Sets aside {@code rec}, row {@code row} of the file, whose sort key {@code key} is null. */
    void add(GenericRecord rec, long row, String key) throws IOException {
      Schema schema = quarantineSchema();
      if (writer == null) {
        source = new Source(file, date, key, row);
        spilled = spill.resolve("null-keys-" + UUID.randomUUID() + ".avro");
        writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
        writer.create(schema, spilled.toFile());
      }
      GenericData.Record q = new GenericData.Record(schema);
      int n = rec.getSchema().getFields().size();
      for (int i = 0; i < n; i++) {
        q.put(i, rec.get(i));
      }
      q.put(n, file.toString());
      q.put(n + 1, row);
      q.put(n + 2, CompactError.NULL_SORT_KEY.name());
      writer.append(q);
      source.rows++;
    }

    /** Closes the spill file; the rows stay until {@link #finish} or {@link #drop}. */
    void close() throws IOException {
      if (writer != null) {
        writer.close();
        writer = null;
      }
    }
  }
}
