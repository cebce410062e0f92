package dev.sediment.io.parquet;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.io.batch.TimeUnit;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes {@link ColumnBatch}es to a Parquet file straight from their vectors, with no record object
 * per row: flat numeric and string columns are encoded a page at a time by {@link PageEncoder}s
 * and handed as finished pages to parquet-java's page store; BOOLEAN, DECIMAL, LIST and
 * millisecond TIME columns (and every column with {@link Options#withPageEncoders} false) go
 * value by value to parquet-java's column writers ({@code ColumnWriteStore}).
 *
 * <pre>{@code
 * try (ParquetBatchWriter w = ParquetBatchWriter.create(path, schema)) {
 *   w.write(batch);
 * }
 * }</pre>
 *
 * <p>The file is what Sediment's other Parquet files are ({@code AvroParquetSink}, parquet-java's
 * {@code ParquetWriter} defaults): Snappy, format v1 data pages of about 1 MiB, dictionary
 * encoding where it pays (a column falls back to plain encoding when its dictionary outgrows 1 MiB
 * or does not make the column smaller), column statistics and page indexes, row groups of about
 * 128 MiB. Types and annotations follow the {@link BatchSchema} ({@link ParquetBatchSchema}):
 * TIMESTAMP unit and UTC flag, DATE, TIME, DECIMAL precision and scale (INT32, INT64 or
 * FIXED_LEN_BYTE_ARRAY by precision), STRING, LIST in the standard 3-level form.
 *
 * <p>Deterministic: the same rows with the same options give the same bytes, however they are
 * batched (pages end at value counts and sizes, row groups at multiples of 1024 rows). For a {@link
 * Path} the footer's encoding lists are put in canonical order on {@link #close} ({@link
 * CanonicalFooter}); parquet-java writes them in an order that can differ between JVMs, so a file
 * written to another {@link OutputFile} is deterministic only within one JVM. Only the rows of a
 * batch count; its provenance is not written. A DECIMAL value with more digits than its precision
 * is an {@link IllegalArgumentException} naming the column and the row's source and position.
 */
public final class ParquetBatchWriter implements Closeable {
  /** Rows written to every column before the store checks page sizes. */
  private static final int CHUNK_ROWS = 1024;

  private final BatchSchema schema;
  private final MessageType type;
  private final Options options;
  private final @Nullable Path path;
  private final ParquetFileWriter file;
  private final CodecFactory codecs;
  private final CodecFactory.BytesCompressor compressor;
  private final ParquetProperties props;
  private final ColumnDescriptor[] descriptors;
  private final int[] decimalBytes;
  /** Per column: 0 through parquet-java's ColumnWriter, 1 FixedPageEncoder, 2 BinaryPageEncoder. */
  private final int[] encoderKinds;
  /** The columns written through ColumnWriters, or null if none is. */
  private final @Nullable MessageType writerType;
  /** The columns written through ColumnWriters. */
  private final int[] writerColumns;
  private final byte[] scratch = new byte[64];

  private @Nullable ColumnChunkPageWriteStore pages;
  private @Nullable ColumnWriteStore store;
  private ColumnWriter[] writers = new ColumnWriter[0];
  private PageEncoder[] encoders = new PageEncoder[0];
  private long rowGroupRows;
  private long rows;
  private boolean closed;

  /** How a file is written; {@link #defaults()} are parquet-java's {@code ParquetWriter} defaults. */
  public static final class Options {
    // Set only on a fresh copy inside a with* method: an Options never changes once returned.
    private long rowGroupBytes = ParquetWriter.DEFAULT_BLOCK_SIZE;
    private int pageBytes = ParquetProperties.DEFAULT_PAGE_SIZE;
    private int dictionaryPageBytes = ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE;
    private boolean dictionary = true;
    private CompressionCodecName compression = CompressionCodecName.SNAPPY;
    private boolean pageEncoders = true;
    private String messageName = "sediment";
    private Map<String, String> keyValueMetadata = Map.of();

    private Options() {}

    private Options copy() {
      Options o = new Options();
      o.rowGroupBytes = rowGroupBytes;
      o.pageBytes = pageBytes;
      o.dictionaryPageBytes = dictionaryPageBytes;
      o.dictionary = dictionary;
      o.compression = compression;
      o.pageEncoders = pageEncoders;
      o.messageName = messageName;
      o.keyValueMetadata = keyValueMetadata;
      return o;
    }

    /** 128 MiB row groups, 1 MiB pages, 1 MiB dictionaries, dictionary encoding on, Snappy. */
    public static Options defaults() {
      return new Options();
    }

    /** About how many bytes (buffered, encoded) a row group holds before it is written; > 0. */
    public Options withRowGroupBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("rowGroupBytes must be > 0, was " + bytes);
      }
      Options o = copy();
      o.rowGroupBytes = bytes;
      return o;
    }

    /** About how many bytes a data page holds; > 0. */
    public Options withPageBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("pageBytes must be > 0, was " + bytes);
      }
      Options o = copy();
      o.pageBytes = bytes;
      return o;
    }

    /** The largest dictionary page before a column falls back to plain encoding; > 0. */
    public Options withDictionaryPageBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("dictionaryPageBytes must be > 0, was " + bytes);
      }
      Options o = copy();
      o.dictionaryPageBytes = bytes;
      return o;
    }

    /** Whether columns try dictionary encoding; default true. */
    public Options withDictionary(boolean enabled) {
      Options o = copy();
      o.dictionary = enabled;
      return o;
    }

    /** The page codec; default Snappy. */
    public Options withCompression(CompressionCodecName codec) {
      if (codec == null) {
        throw new IllegalArgumentException("compression can not be null");
      }
      Options o = copy();
      o.compression = codec;
      return o;
    }

    /**
     * Whether flat numeric and string columns are encoded into pages by Sediment's own encoders
     * ({@link PageEncoder}: a page's values from the vectors in one pass, statistics per page)
     * rather than value by value through parquet-java's {@code ColumnWriter}; default true. Both
     * write the same values with the same encodings and statistics kinds; pages and bytes differ.
     */
    public Options withPageEncoders(boolean enabled) {
      Options o = copy();
      o.pageEncoders = enabled;
      return o;
    }

    /**
     * The name of the file schema's root message; default {@code sediment}. Writers that mirror
     * another writer's files (parquet-avro names it after the Avro record) set it to match.
     */
    public Options withMessageName(String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("messageName must be a non-empty name");
      }
      Options o = copy();
      o.messageName = name;
      return o;
    }

    /**
     * Key-value pairs written to the footer (e.g. parquet-avro's {@code parquet.avro.schema},
     * which Avro readers take as the file's schema); default none. Written in key order, so the
     * footer's bytes do not depend on the map's iteration order.
     */
    public Options withKeyValueMetadata(Map<String, String> metadata) {
      Options o = copy();
      o.keyValueMetadata =
          java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metadata));
      return o;
    }
  }

  private ParquetBatchWriter(
      BatchSchema schema, OutputFile out, @Nullable Path path, Options options) throws IOException {
    this.schema = schema;
    MessageType t = ParquetBatchSchema.toParquet(schema);
    this.type =
        t.getName().equals(options.messageName)
            ? t
            : new MessageType(options.messageName, t.getFields());
    this.options = options;
    this.path = path;
    this.props =
        ParquetProperties.builder()
            .withPageSize(options.pageBytes)
            .withDictionaryPageSize(options.dictionaryPageBytes)
            .withDictionaryEncoding(options.dictionary)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .build();
    this.codecs = new CodecFactory(new Configuration(false), options.pageBytes);
    this.compressor = codecs.getCompressor(options.compression);
    this.file =
        new ParquetFileWriter(
            out,
            type,
            ParquetFileWriter.Mode.OVERWRITE,
            options.rowGroupBytes,
            ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
            props.getColumnIndexTruncateLength(),
            props.getStatisticsTruncateLength(),
            props.getPageWriteChecksumEnabled());
    this.descriptors = new ColumnDescriptor[schema.size()];
    this.decimalBytes = new int[schema.size()];
    for (int c = 0; c < descriptors.length; c++) {
      descriptors[c] = type.getColumns().get(c);
      BatchField f = schema.field(c);
      if (f.type() == ColumnType.DECIMAL && f.precision() > 18) {
        decimalBytes[c] = ParquetBatchSchema.decimalBytes(f.precision());
      }
    }
    this.encoderKinds = new int[schema.size()];
    java.util.List<org.apache.parquet.schema.Type> viaWriters = new java.util.ArrayList<>();
    for (int c = 0; c < descriptors.length; c++) {
      encoderKinds[c] = options.pageEncoders ? encoderKind(schema.field(c)) : 0;
      if (encoderKinds[c] == 0) {
        viaWriters.add(type.getFields().get(c));
      }
    }
    this.writerType = viaWriters.isEmpty() ? null : new MessageType(type.getName(), viaWriters);
    this.writerColumns =
        java.util.stream.IntStream.range(0, descriptors.length)
            .filter(c -> encoderKinds[c] == 0)
            .toArray();
    file.start();
  }

  private static int encoderKind(BatchField f) {
    switch (f.type()) {
      case INT8:
      case INT16:
      case INT32:
      case DATE:
      case INT64:
      case TIMESTAMP:
      case FLOAT:
      case DOUBLE:
        return 1;
      case TIME:
        return f.unit() == TimeUnit.MILLIS ? 0 : 1;
      case STRING:
      case BYTES:
        return 2;
      default:
        return 0;
    }
  }

  /** A writer of {@code schema} to the local file {@code path} (replaced if it exists), defaults. */
  public static ParquetBatchWriter create(Path path, BatchSchema schema) throws IOException {
    return create(path, schema, Options.defaults());
  }

  /** A writer of {@code schema} to the local file {@code path} (replaced if it exists). */
  public static ParquetBatchWriter create(Path path, BatchSchema schema, Options options)
      throws IOException {
    return new ParquetBatchWriter(schema, LocalParquetFile.of(path), path, options);
  }

  /**
   * A writer to any Parquet {@link OutputFile}; the footer's encoding lists are not made canonical
   * (see the class comment): prefer {@link #create(Path, BatchSchema, Options)} and publish the file.
   */
  public static ParquetBatchWriter create(OutputFile out, BatchSchema schema, Options options)
      throws IOException {
    return new ParquetBatchWriter(schema, out, null, options);
  }

  /** The Parquet schema the file is written with. */
  public MessageType parquetSchema() {
    return type;
  }

  /** Rows written so far. */
  public long rowCount() {
    return rows;
  }

  /** Appends the rows of {@code batch}, whose schema must be the writer's. */
  public void write(ColumnBatch batch) throws IOException {
    if (closed) {
      throw new IllegalStateException("the writer is closed");
    }
    if (!batch.schema().equals(schema)) {
      throw new IllegalArgumentException(
          "a batch of " + batch.schema() + " cannot be written to a file of " + schema);
    }
    int n = batch.rowCount();
    int from = 0;
    while (from < n) {
      // Chunks end at multiples of CHUNK_ROWS rows of the row group, so where a row group ends
      // depends on the rows only, not on how they were batched.
      int to = (int) Math.min(n, from + CHUNK_ROWS - rowGroupRows % CHUNK_ROWS);
      open();
      ColumnWriteStore s = store;
      for (int c = 0; c < descriptors.length; c++) {
        switch (encoderKinds[c]) {
          case 1:
            ((FixedPageEncoder) encoders[c]).append(batch.column(c), from, to);
            break;
          case 2:
            ((BinaryPageEncoder) encoders[c]).append((BinaryColumn) batch.column(c), from, to);
            break;
          default:
            break;
        }
      }
      if (s != null) {
        // Row by row: the store cuts pages when a record ends, of all values written so far, so
        // values written ahead of their record would make pages depend on the batching.
        for (int i = from; i < to; i++) {
          for (int c : writerColumns) {
            writeColumn(c, batch, i, i + 1);
          }
          s.endRecord();
        }
      }
      rowGroupRows += to - from;
      rows += to - from;
      if (rowGroupRows % CHUNK_ROWS == 0 && bufferedSize() >= options.rowGroupBytes) {
        flushRowGroup();
      }
      from = to;
    }
  }

  private long bufferedSize() {
    ColumnWriteStore s = store;
    long size = s == null ? 0 : s.getBufferedSize();
    for (PageEncoder e : encoders) {
      if (e != null) {
        size += e.bufferedSize();
      }
    }
    return size;
  }

  /** Starts a row group's page store, column writers and page encoders if none is open. */
  private void open() {
    if (pages != null) {
      return;
    }
    ColumnChunkPageWriteStore p =
        new ColumnChunkPageWriteStore(
            compressor,
            type,
            HeapByteBufferAllocator.getInstance(),
            props.getColumnIndexTruncateLength(),
            props.getPageWriteChecksumEnabled());
    MessageType wt = writerType;
    ColumnWriteStore s = wt == null ? null : props.newColumnWriteStore(wt, p);
    writers = new ColumnWriter[descriptors.length];
    encoders = new PageEncoder[descriptors.length];
    for (int c = 0; c < descriptors.length; c++) {
      ColumnDescriptor d = descriptors[c];
      boolean optional = schema.field(c).nullable();
      switch (encoderKinds[c]) {
        case 1:
          encoders[c] =
              new FixedPageEncoder(
                  p.getPageWriter(d), d.getPrimitiveType(), optional, options.pageBytes,
                  options.dictionaryPageBytes, options.dictionary);
          break;
        case 2:
          encoders[c] =
              new BinaryPageEncoder(
                  p.getPageWriter(d), d.getPrimitiveType(), optional, options.pageBytes,
                  options.dictionaryPageBytes, options.dictionary);
          break;
        default:
          writers[c] = s.getColumnWriter(d);
          break;
      }
    }
    pages = p;
    store = s;
  }

  private void flushRowGroup() throws IOException {
    ColumnWriteStore s = store;
    ColumnChunkPageWriteStore p = pages;
    if (p == null) {
      return;
    }
    if (rowGroupRows > 0) {
      for (PageEncoder e : encoders) {
        if (e != null) {
          e.finish();
        }
      }
      file.startBlock(rowGroupRows);
      if (s != null) {
        s.flush();
      }
      p.flushToFileWriter(file);
      file.endBlock();
    }
    if (s != null) {
      s.close();
    }
    store = null;
    pages = null;
    encoders = new PageEncoder[0];
    rowGroupRows = 0;
  }

  private void writeColumn(int c, ColumnBatch batch, int from, int to) {
    BatchField f = schema.field(c);
    ColumnVector v = batch.column(c);
    ColumnWriter w = writers[c];
    int def = f.nullable() ? 1 : 0;
    switch (f.type()) {
      case BOOLEAN:
        {
          BooleanColumn b = (BooleanColumn) v;
          for (int i = from; i < to; i++) {
            if (b.isNull(i)) {
              w.writeNull(0, 0);
            } else {
              w.write(b.get(i), 0, def);
            }
          }
          return;
        }
      case INT8:
      case INT16:
      case INT32:
      case DATE:
        {
          IntColumn x = (IntColumn) v;
          int[] a = x.values();
          if (!x.hasNulls()) {
            for (int i = from; i < to; i++) {
              w.write(a[i], 0, def);
            }
          } else {
            for (int i = from; i < to; i++) {
              if (x.isNull(i)) {
                w.writeNull(0, 0);
              } else {
                w.write(a[i], 0, def);
              }
            }
          }
          return;
        }
      case INT64:
      case TIMESTAMP:
      case TIME:
        {
          LongColumn x = (LongColumn) v;
          long[] a = x.values();
          boolean asInt = f.type() == ColumnType.TIME && f.unit() == TimeUnit.MILLIS;
          for (int i = from; i < to; i++) {
            if (x.isNull(i)) {
              w.writeNull(0, 0);
            } else if (asInt) {
              w.write(Math.toIntExact(a[i]), 0, def);
            } else {
              w.write(a[i], 0, def);
            }
          }
          return;
        }
      case FLOAT:
        {
          FloatColumn x = (FloatColumn) v;
          float[] a = x.values();
          for (int i = from; i < to; i++) {
            if (x.isNull(i)) {
              w.writeNull(0, 0);
            } else {
              w.write(a[i], 0, def);
            }
          }
          return;
        }
      case DOUBLE:
        {
          DoubleColumn x = (DoubleColumn) v;
          double[] a = x.values();
          if (!x.hasNulls()) {
            for (int i = from; i < to; i++) {
              w.write(a[i], 0, def);
            }
          } else {
            for (int i = from; i < to; i++) {
              if (x.isNull(i)) {
                w.writeNull(0, 0);
              } else {
                w.write(a[i], 0, def);
              }
            }
          }
          return;
        }
      case STRING:
      case BYTES:
        {
          BinaryColumn x = (BinaryColumn) v;
          byte[] data = x.data();
          for (int i = from; i < to; i++) {
            if (x.isNull(i)) {
              w.writeNull(0, 0);
            } else {
              // Reused: the dictionary and statistics copy what they keep, so no batch buffer
              // stays reachable after its rows are encoded.
              w.write(Binary.fromReusedByteArray(data, x.start(i), x.length(i)), 0, def);
            }
          }
          return;
        }
      case DECIMAL:
        writeDecimal(c, f, batch, (BinaryColumn) v, w, def, from, to);
        return;
      case LIST:
        writeList(f, (ListColumn) v, w, from, to);
        return;
      default:
        throw new IllegalStateException("no writer for " + f);
    }
  }

  private void writeDecimal(
      int c, BatchField f, ColumnBatch batch, BinaryColumn x, ColumnWriter w, int def, int from,
      int to) {
    byte[] data = x.data();
    int p = f.precision();
    long max = p <= 18 ? LONG_POWERS[p] - 1 : 0;
    for (int i = from; i < to; i++) {
      if (x.isNull(i)) {
        w.writeNull(0, 0);
        continue;
      }
      int start = x.start(i);
      int len = x.length(i);
      if (p <= 18) {
        if (len > 8 && !redundantSign(data, start, len - 8)) {
          throw tooWide(f, batch, i);
        }
        long value = len == 0 ? 0 : data[start]; // sign-extends the first byte
        for (int k = 1; k < len; k++) {
          value = (value << 8) | (data[start + k] & 0xff);
        }
        if (value > max || value < -max) {
          throw tooWide(f, batch, i);
        }
        if (p <= 9) {
          w.write((int) value, 0, def);
        } else {
          w.write(value, 0, def);
        }
      } else {
        int size = decimalBytes[c];
        if (len > size && !redundantSign(data, start, len - size)) {
          throw tooWide(f, batch, i);
        }
        byte[] fixed = scratch.length >= size ? scratch : new byte[size];
        byte sign = len > 0 && data[start] < 0 ? (byte) -1 : 0;
        int copy = Math.min(len, size);
        int pad = size - copy;
        for (int k = 0; k < pad; k++) {
          fixed[k] = sign;
        }
        System.arraycopy(data, start + len - copy, fixed, pad, copy);
        if (len >= size && !redundantSign(fixed, 0, 1)) {
          // Only a value that needs every byte of the type can exceed 10^p - 1 (decimalBytes).
          BigInteger b = new BigInteger(java.util.Arrays.copyOf(fixed, size));
          if (b.abs().compareTo(BigInteger.TEN.pow(p)) >= 0) {
            throw tooWide(f, batch, i);
          }
        }
        w.write(Binary.fromReusedByteArray(fixed, 0, size), 0, def);
      }
    }
  }

  private static final long[] LONG_POWERS = new long[19];

  static {
    LONG_POWERS[0] = 1;
    for (int i = 1; i < LONG_POWERS.length; i++) {
      LONG_POWERS[i] = LONG_POWERS[i - 1] * 10;
    }
  }

  /** True if the first {@code extra} bytes only repeat the sign of the byte after them. */
  private static boolean redundantSign(byte[] data, int start, int extra) {
    byte sign = data[start + extra] < 0 ? (byte) -1 : 0;
    for (int k = 0; k < extra; k++) {
      if (data[start + k] != sign) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException tooWide(BatchField f, ColumnBatch batch, int row) {
    return new IllegalArgumentException(
        "column '"
            + f.name()
            + "': the value of row "
            + batch.rowIndex(row)
            + " of "
            + batch.source(row)
            + " has more digits than decimal("
            + f.precision()
            + ", "
            + f.scale()
            + ") holds");
  }

  private static void writeList(BatchField f, ListColumn x, ColumnWriter w, int from, int to) {
    // Levels of the 3-level list: null list 0, empty list 1 (0 when required), element max.
    int empty = f.nullable() ? 1 : 0;
    int def = empty + 1;
    ColumnVector e = x.elements();
    for (int i = from; i < to; i++) {
      if (x.isNull(i)) {
        w.writeNull(0, 0);
        continue;
      }
      int s = x.start(i);
      int len = x.length(i);
      if (len == 0) {
        w.writeNull(0, empty);
        continue;
      }
      switch (f.elementType()) {
        case INT32:
          {
            int[] a = ((IntColumn) e).values();
            for (int k = 0; k < len; k++) {
              w.write(a[s + k], k == 0 ? 0 : 1, def);
            }
            break;
          }
        case INT64:
          {
            long[] a = ((LongColumn) e).values();
            for (int k = 0; k < len; k++) {
              w.write(a[s + k], k == 0 ? 0 : 1, def);
            }
            break;
          }
        case FLOAT:
          {
            float[] a = ((FloatColumn) e).values();
            for (int k = 0; k < len; k++) {
              w.write(a[s + k], k == 0 ? 0 : 1, def);
            }
            break;
          }
        default:
          {
            double[] a = ((DoubleColumn) e).values();
            for (int k = 0; k < len; k++) {
              w.write(a[s + k], k == 0 ? 0 : 1, def);
            }
            break;
          }
      }
    }
  }

  /** Writes the last row group and the footer; for a {@link Path}, makes the footer canonical. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flushRowGroup();
      file.end(options.keyValueMetadata);
    } finally {
      codecs.release();
    }
    if (path != null) {
      // parquet-java lists a column chunk's encodings in hash order, which differs between JVMs.
      CanonicalFooter.sortEncodings(path);
    }
  }
}
