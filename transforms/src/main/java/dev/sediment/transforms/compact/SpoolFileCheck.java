package dev.sediment.transforms.compact;

import dev.sediment.io.parquet.AvroParquetRows;
import dev.sediment.io.parquet.CorruptPageException;
import dev.sediment.io.parquet.ParquetFooterGuard;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/** Reading a spool file's schema, and classifying a failure to read it. */
final class SpoolFileCheck {
  private SpoolFileCheck() {}

  /** A file that cannot be used, with the typed reason. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final CompactError type;

    Rejected(CompactError type, String message) {
      super(message);
      this.type = type;
    }
  }

  /** What a file's footer tells before any row is read. */
  static final class Footer {
    /** The Avro schema the file was written with (or converted from its Parquet schema). */
    final Schema schema;
    /** The largest row group, compressed: what a reader of the file holds in memory. */
    final long maxRowGroupBytes;
    /** Per row group {min, max} of a column's statistics, or null where they are missing. */
    final List<long @Nullable []> ranges;
    /**
     * Nanoseconds per unit of the key column: 1_000_000 for TIMESTAMP(MILLIS), 1_000 for
     * TIMESTAMP(MICROS), 1 for TIMESTAMP(NANOS), an un-annotated INT64 or INT32 (read as
     * nanoseconds since the epoch), or when the key is not a column.
     */
    final long keyNanosPerUnit;
    /** The file's Parquet schema, with the logical type annotations Avro cannot carry. */
    final MessageType parquetSchema;
    /**
     * Top-level OPTIONAL columns that may hold a null: some row group's statistics say so, or do
     * not say. A sort key outside this set is never null in the file.
     */
    final Set<String> mayBeNull;

    Footer(
        Schema schema,
        long maxRowGroupBytes,
        List<long @Nullable []> ranges,
        long keyNanosPerUnit,
        MessageType parquetSchema,
        Set<String> mayBeNull) {
      this.schema = schema;
      this.maxRowGroupBytes = maxRowGroupBytes;
      this.ranges = ranges;
      this.keyNanosPerUnit = keyNanosPerUnit;
      this.parquetSchema = parquetSchema;
      this.mayBeNull = mayBeNull;
    }

    /** Whether one of {@code keys} may be null in some row of the file. */
    boolean mayHoldNull(List<String> keys) {
      for (String k : keys) {
        if (mayBeNull.contains(k)) {
          return true;
        }
      }
      return false;
    }

    /** False only when every row group's statistics prove no value lies in [from, until). */
    boolean mayHold(long from, long until) {
      if (ranges.isEmpty()) {
        return false;
      }
      for (long[] r : ranges) {
        if (r == null || (r[1] >= from && r[0] < until)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The file's schema, row group sizes and the statistics of the INT64 column {@code key}. The
   * footer is checked by {@link ParquetFooterGuard} first, so a footer that lies about its sizes is
   * a {@code CORRUPT_FOOTER}, not an OutOfMemoryError that stops every partition.
   */
  static Footer footer(InputFile file, String key) throws Rejected {
    try {
      ParquetFooterGuard.check(file);
    } catch (IOException e) {
      throw new Rejected(CompactError.CORRUPT_FOOTER, "the Parquet footer does not read: " + text(e));
    }
    try (ParquetFileReader r = ParquetFileReader.open(file)) {
      FileMetaData meta = r.getFooter().getFileMetaData();
      String avro = meta.getKeyValueMetaData().get("parquet.avro.schema");
      Schema schema =
          avro != null
              ? new Schema.Parser().parse(avro)
              : new AvroSchemaConverter().convert(meta.getSchema());
      long unit = nanosPerUnit(meta.getSchema(), key);
      long max = 0;
      List<long @Nullable []> ranges = new ArrayList<>();
      Set<String> mayBeNull = new TreeSet<>();
      for (BlockMetaData b : r.getFooter().getBlocks()) {
        max = Math.max(max, b.getCompressedSize());
        long[] range = null;
        for (ColumnChunkMetaData c : b.getColumns()) {
          if (c.getPath().size() == 1
              && b.getRowCount() > 0
              && meta.getSchema().getType(c.getPath().toArray()[0]).isRepetition(Type.Repetition.OPTIONAL)) {
            Statistics<?> st = c.getStatistics();
            if (st == null || st.isEmpty() || !st.isNumNullsSet() || st.getNumNulls() > 0) {
              mayBeNull.add(c.getPath().toArray()[0]);
            }
          }
          if (c.getPath().size() == 1 && c.getPath().toArray()[0].equals(key)) {
            Statistics<?> st = c.getStatistics();
            if (st != null
                && !st.isEmpty()
                && st.hasNonNullValue()
                && (st.genericGetMin() instanceof Long || st.genericGetMin() instanceof Integer)
                && (st.genericGetMax() instanceof Long || st.genericGetMax() instanceof Integer)) {
              range =
                  new long[] {
                    toNanos(((Number) st.genericGetMin()).longValue(), unit),
                    toNanos(((Number) st.genericGetMax()).longValue(), unit)
                  };
            }
          }
        }
        ranges.add(b.getRowCount() == 0 ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE} : range);
      }
      return new Footer(schema, max, ranges, unit, meta.getSchema(), mayBeNull);
    } catch (IOException | RuntimeException e) {
      throw new Rejected(CompactError.CORRUPT_FOOTER, "the Parquet footer does not read: " + text(e));
    }
  }

  /** Nanoseconds per unit of the top-level column {@code key} (see {@link Footer#keyNanosPerUnit}). */
  static long nanosPerUnit(MessageType schema, String key) {
    if (key.isEmpty() || !schema.containsField(key) || !schema.getType(key).isPrimitive()) {
      return 1;
    }
    LogicalTypeAnnotation a = schema.getType(key).getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
      switch (((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a).getUnit()) {
        case MILLIS:
          return 1_000_000L;
        case MICROS:
          return 1_000L;
        default:
          return 1;
      }
    }
    return 1;
  }

  /** {@code value * nanosPerUnit}, saturated at the ends of {@code long}. */
  static long toNanos(long value, long nanosPerUnit) {
    long hi = Math.multiplyHigh(value, nanosPerUnit);
    long lo = value * nanosPerUnit;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return value < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /** The Avro schema the file was written with (or converted from its Parquet schema). */
  static Schema schemaOf(InputFile file) throws Rejected {
    return footer(file, "").schema;
  }

  static AvroParquetRows open(InputFile file) throws IOException {
    return AvroParquetRows.open(file);
  }

  /** Phrases of parquet-mr's messages for a dictionary that does not fit the column chunk. */
  private static final List<String> DICTIONARY_MISMATCH =
      List.of(
          " as the dictionary was missing for encoding ",
          "more than one dictionary page in column ",
          "could not verify dictionary page integrity");

  /** Phrases of parquet-mr's messages for a dictionary page that does not decode. */
  private static final List<String> DICTIONARY_UNDECODABLE =
      List.of("could not decode the dictionary for ", "Could not decompress dictionary page");

  private static final Pattern COLUMN =
      Pattern.compile("(?:in column|in col|dictionary for) (\\[[^\\]]*\\])");

  /**
   * Classifies a failure while reading rows, by the exceptions parquet-mr throws and where they
   * are thrown (their stack frames), not by loose words in their messages:
   *
   * <ol>
   *   <li>{@code CORRUPT_PAGE}: a {@link CorruptPageException} of {@code ParquetPageGuard}, which
   *       checks each row group's page headers before parquet-java reads it.
   *   <li>{@code SNAPPY_CORRUPT}: an exception of snappy-java, or thrown by it (snappy-java's
   *       {@code IOException: FAILED_TO_UNCOMPRESS(5)} comes from {@code SnappyNative}). This is
   *       checked first: a Snappy failure inside a dictionary page is a Snappy failure.
   *   <li>{@code DICT_CONFLICT}: a data page refers to a dictionary entry that its dictionary page
   *       does not have (an {@link IndexOutOfBoundsException} thrown by a parquet {@code
   *       *Dictionary*} class, e.g. {@code PlainValuesDictionary$PlainDoubleDictionary
   *       .decodeToDouble}); a dictionary page does not decode (thrown while parquet builds the
   *       dictionary: {@code Encoding.initDictionary} or a {@code *Dictionary} constructor, or
   *       parquet's "could not decode the dictionary for ..."); or the dictionary does not fit
   *       the column chunk (parquet's "... as the dictionary was missing for encoding ...",
   *       "more than one dictionary page in column ...", "could not verify dictionary page
   *       integrity ...").
   *   <li>{@code UNREADABLE}: anything else.
   * </ol>
   */
  static Rejected classify(Throwable e) {
    List<Throwable> chain = causes(e);
    for (Throwable t : chain) {
      if (t instanceof CorruptPageException) {
        CorruptPageException p = (CorruptPageException) t;
        return new Rejected(
            CompactError.CORRUPT_PAGE,
            "a page header in column ["
                + p.column()
                + "] at byte "
                + p.offset()
                + " cannot be trusted: "
                + p.problem());
      }
    }
    String column = column(chain);
    for (Throwable t : chain) {
      if (isSnappy(t)) {
        return new Rejected(
            CompactError.SNAPPY_CORRUPT, "a Snappy page does not decompress: " + line(t));
      }
    }
    for (Throwable t : chain) {
      if (t instanceof IndexOutOfBoundsException && thrownByDictionary(t)) {
        return new Rejected(
            CompactError.DICT_CONFLICT,
            "a data page refers to a dictionary entry that its dictionary page does not have"
                + in(column)
                + ": "
                + line(t));
      }
    }
    for (Throwable t : chain) {
      if (isParquet(t) && containsAny(t.getMessage(), DICTIONARY_MISMATCH)) {
        return new Rejected(
            CompactError.DICT_CONFLICT,
            "the dictionary pages do not match the data pages" + in(column) + ": " + line(t));
      }
    }
    for (Throwable t : chain) {
      if ((isParquet(t) && containsAny(t.getMessage(), DICTIONARY_UNDECODABLE))
          || buildingDictionary(t)) {
        return new Rejected(
            CompactError.DICT_CONFLICT,
            "a dictionary page does not decode" + in(column) + ": " + deepest(chain, t));
      }
    }
    return new Rejected(CompactError.UNREADABLE, "the rows do not read: " + detail(chain));
  }

  private static List<Throwable> causes(Throwable e) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) {
      out.add(t);
    }
    return out;
  }

  private static boolean isSnappy(Throwable t) {
    if (t.getClass().getName().startsWith("org.xerial.snappy.")) {
      return true;
    }
    StackTraceElement[] st = t.getStackTrace();
    return st.length > 0 && st[0].getClassName().startsWith("org.xerial.snappy.");
  }

  /** Thrown by a parquet class named *Dictionary* (the top parquet frame of its stack). */
  private static boolean thrownByDictionary(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getClassName().startsWith("org.apache.parquet.")) {
        return simpleName(f.getClassName()).contains("Dictionary");
      }
    }
    return false;
  }

  /** Thrown while parquet builds a dictionary from its page. */
  private static boolean buildingDictionary(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (!f.getClassName().startsWith("org.apache.parquet.")) {
        continue;
      }
      if (f.getMethodName().equals("initDictionary")
          || (f.getMethodName().equals("<init>")
              && simpleName(f.getClassName()).endsWith("Dictionary"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isParquet(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length > 0 && st[0].getClassName().startsWith("org.apache.parquet.");
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static boolean containsAny(String message, List<String> phrases) {
    if (message == null) {
      return false;
    }
    for (String p : phrases) {
      if (message.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** The column the chain names (e.g. {@code [bid_px]}), from parquet-mr's messages. */
  private static String column(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t.getMessage() != null) {
        Matcher m = COLUMN.matcher(t.getMessage());
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  private static String in(String column) {
    return column == null ? "" : " in column " + column;
  }

  /** The deepest exception from {@code from} on that has a message, as one line. */
  private static String deepest(List<Throwable> chain, Throwable from) {
    String out = line(from);
    for (Throwable t : chain.subList(chain.indexOf(from), chain.size())) {
      if (t.getMessage() != null) {
        out = line(t);
      }
    }
    return out;
  }

  /**
   * The deepest exception that has a message, or the exception around it when that one's message
   * repeats it with more context (parquet's "can not read class ...PageHeader: " + Thrift's
   * message).
   */
  private static String detail(List<Throwable> chain) {
    int at = -1;
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).getMessage() != null) {
        at = i;
      }
    }
    if (at < 0) {
      return line(chain.get(0));
    }
    while (at > 0
        && chain.get(at - 1).getMessage() != null
        && chain.get(at - 1).getMessage().contains(chain.get(at).getMessage())) {
      at--;
    }
    return line(chain.get(at));
  }

  /** {@code SimpleName: message}, first line only. */
  private static String line(Throwable t) {
    String msg =
        t.getMessage() == null
            ? t.getClass().getSimpleName()
            : t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  static String text(Throwable e) {
    String msg = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        msg = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
