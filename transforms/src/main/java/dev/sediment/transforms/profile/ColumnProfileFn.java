package dev.sediment.transforms.profile;

import dev.sediment.io.table.AvroTableSchema;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Profiles every column of a table in one pass: count, nulls, min, max, string length bounds and
 * up to {@value #MAX_DISTINCT} + 1 distinct string values (enough to tell a set of at most
 * {@value #MAX_DISTINCT} values from a larger one).
 *
 * <pre>{@code
 * PCollection<ColumnProfileFn.Profile> profile =
 *     rows.apply("Profile", Combine.globally(new ColumnProfileFn(schema, 0.01)));
 * }</pre>
 *
 * <p>Each row is profiled twice over: into the whole-input statistics and, when a hash of its
 * values falls under {@code sample}, into the sample's. {@link Profile#chosen} then takes the whole
 * input when it has fewer than {@code wholeInputBelow} records, else the sample: one pass decides,
 * and memory stays bounded by the number of columns whatever the data. Deterministic: the same
 * rows give the same profile in any order, on any runner (the hash is of the values, not random).
 */
public final class ColumnProfileFn
    extends Combine.CombineFn<Row, ColumnProfileFn.Profile, ColumnProfileFn.Profile> {
  /** A string column with at most this many distinct values is a categorical set. */
  public static final int MAX_DISTINCT = 20;

  private final Schema schema;
  private final double sample;
  private final long seed;

  /**
   * @param schema the rows' schema
   * @param sample fraction of rows in the sample, in (0, 1]
   */
  public ColumnProfileFn(Schema schema, double sample) {
    this(schema, sample, 0L);
  }

  /**
   * @param schema the rows' schema
   * @param sample fraction of rows in the sample, in (0, 1]
   * @param seed picks the sample: another seed, other rows (0 is the default choice)
   */
  public ColumnProfileFn(Schema schema, double sample, long seed) {
    if (!(sample > 0 && sample <= 1)) {
      throw new IllegalArgumentException("sample must be in (0, 1], was " + sample);
    }
    this.schema = schema;
    this.sample = sample;
    this.seed = seed;
  }

  /** How a column's values are compared and written. */
  public enum Kind {
    /** Integers (byte to long): bounds as long. */
    INTEGER,
    /** float and double: bounds as double, NaN left out of them. */
    FLOATING,
    DECIMAL,
    BOOLEAN,
    STRING,
    /** Dates: bounds as ISO dates. */
    DATE,
    /** Instants: bounds as ISO-8601 instants. */
    TIMESTAMP,
    /** Anything else: counted, no bounds. */
    OTHER
  }

  /** The kind of a field, from its Beam type and the Avro logical type it kept. */
  public static Kind kindOf(Schema.Field f) {
    String avroLogical = AvroTableSchema.logicalTypeOf(f);
    Schema.FieldType t = f.getType();
    switch (t.getTypeName()) {
      case BYTE:
      case INT16:
      case INT32:
        return Kind.INTEGER;
      case INT64:
        return avroLogical != null && avroLogical.startsWith("timestamp-")
            ? Kind.TIMESTAMP
            : Kind.INTEGER;
      case FLOAT:
      case DOUBLE:
        return Kind.FLOATING;
      case DECIMAL:
        return Kind.DECIMAL;
      case BOOLEAN:
        return Kind.BOOLEAN;
      case STRING:
        return Kind.STRING;
      case DATETIME:
        return "date".equals(avroLogical) ? Kind.DATE : Kind.TIMESTAMP;
      case LOGICAL_TYPE:
        String id = t.getLogicalType().getIdentifier();
        if (id.equals("beam:logical_type:date:v1")) {
          return Kind.DATE;
        }
        if (id.equals("beam:logical_type:micros_instant:v1")) {
          return Kind.TIMESTAMP;
        }
        return Kind.OTHER;
      default:
        return Kind.OTHER;
    }
  }

  /** Statistics of one column. */
  public static final class ColumnStats implements Serializable {
    private static final long serialVersionUID = 1L;

    long count;
    long nulls;
    /** Comparable bounds: Long, Double, BigDecimal, Boolean, String, LocalDate or Instant. */
    @Nullable Comparable<Object> min;
    @Nullable Comparable<Object> max;
    int minLength = Integer.MAX_VALUE;
    int maxLength = -1;
    /** Distinct string values, or null once more than {@link #MAX_DISTINCT} were seen. */
    @Nullable TreeSet<String> distinct = new TreeSet<>();

    public long count() {
      return count;
    }

    public long nulls() {
      return nulls;
    }

    public @Nullable Object min() {
      return min;
    }

    public @Nullable Object max() {
      return max;
    }

    /** Shortest string in code points, or -1 when no string was seen. */
    public int minLength() {
      return maxLength < 0 ? -1 : minLength;
    }

    /** Longest string in code points, or -1 when no string was seen. */
    public int maxLength() {
      return maxLength;
    }

    /** The sorted distinct strings, or null when there were more than {@link #MAX_DISTINCT}. */
    public @Nullable List<String> distinct() {
      return distinct == null || distinct.size() > MAX_DISTINCT ? null : new ArrayList<>(distinct);
    }

    @SuppressWarnings("unchecked")
    void add(boolean isNull, @Nullable Object comparable, @Nullable String text) {
      count++;
      if (isNull) {
        nulls++;
      }
      if (comparable != null) {
        bound((Comparable<Object>) comparable, (Comparable<Object>) comparable);
      }
      if (text != null) {
        int len = text.codePointCount(0, text.length());
        minLength = Math.min(minLength, len);
        maxLength = Math.max(maxLength, len);
        if (distinct != null) {
          distinct.add(text);
          if (distinct.size() > MAX_DISTINCT + 1) {
            distinct = null;
          }
        }
      }
    }

    private void bound(@Nullable Comparable<Object> lo, @Nullable Comparable<Object> hi) {
      if (lo != null && (min == null || lo.compareTo(min) < 0)) {
        min = lo;
      }
      if (hi != null && (max == null || hi.compareTo(max) > 0)) {
        max = hi;
      }
    }

    void merge(ColumnStats o) {
      count += o.count;
      nulls += o.nulls;
      bound(o.min, o.max);
      minLength = Math.min(minLength, o.minLength);
      maxLength = Math.max(maxLength, o.maxLength);
      if (distinct != null && o.distinct != null) {
        distinct.addAll(o.distinct);
        if (distinct.size() > MAX_DISTINCT + 1) {
          distinct = null;
        }
      } else {
        distinct = null;
      }
    }
  }

  /**
   * The accumulator and the result: whole-input and sample statistics, per column. Encoded by
   * {@link ProfileCoder}; Serializable only because {@code Combine.globally} keeps the empty
   * profile, its default output, inside a DoFn.
   */
  public static final class Profile implements Serializable {
    private static final long serialVersionUID = 1L;

    final ColumnStats[] whole;
    final ColumnStats[] sampled;
    long records;
    long sampledRecords;

    Profile(int columns) {
      whole = new ColumnStats[columns];
      sampled = new ColumnStats[columns];
      for (int i = 0; i < columns; i++) {
        whole[i] = new ColumnStats();
        sampled[i] = new ColumnStats();
      }
    }

    /** Every record seen. */
    public long records() {
      return records;
    }

    /** Records in the sample. */
    public long sampledRecords() {
      return sampledRecords;
    }

    /** Whether {@link #chosen} is the whole input: it had fewer than {@code wholeInputBelow}. */
    public boolean usesWholeInput(long wholeInputBelow) {
      return records < wholeInputBelow;
    }

    /** The records profiled: all of them for a small input, else the sample's. */
    public long chosenRecords(long wholeInputBelow) {
      return usesWholeInput(wholeInputBelow) ? records : sampledRecords;
    }

    /** Per column, in schema order: the whole input's statistics when small, else the sample's. */
    public List<ColumnStats> chosen(long wholeInputBelow) {
      return List.of(usesWholeInput(wholeInputBelow) ? whole : sampled);
    }
  }

  @Override
  public Profile createAccumulator() {
    return new Profile(schema.getFieldCount());
  }

  @Override
  public Profile addInput(Profile acc, Row row) {
    boolean inSample = inSample(row, sample, seed);
    acc.records++;
    if (inSample) {
      acc.sampledRecords++;
    }
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Schema.Field f = schema.getField(i);
      Object v = row.getValue(i);
      Object comparable = comparable(f, v);
      String text = f.getType().getTypeName() == TypeName.STRING && v != null ? (String) v : null;
      acc.whole[i].add(v == null, comparable, text);
      if (inSample) {
        acc.sampled[i].add(v == null, comparable, text);
      }
    }
    return acc;
  }

  @Override
  public Profile mergeAccumulators(Iterable<Profile> accumulators) {
    Profile out = createAccumulator();
    for (Profile p : accumulators) {
      out.records += p.records;
      out.sampledRecords += p.sampledRecords;
      for (int i = 0; i < out.whole.length; i++) {
        out.whole[i].merge(p.whole[i]);
        out.sampled[i].merge(p.sampled[i]);
      }
    }
    return out;
  }

  @Override
  public Profile extractOutput(Profile acc) {
    return acc;
  }

  @Override
  public Coder<Profile> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return ProfileCoder.of();
  }

  @Override
  public Coder<Profile> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return ProfileCoder.of();
  }

  /**
   * Whether a row is in the sample: a 64-bit hash of its values, as a fraction of 2^64, is below
   * {@code sample}. Equal rows are in or out together.
   */
  static boolean inSample(Row row, double sample) {
    return inSample(row, sample, 0L);
  }

  /** As {@link #inSample(Row, double)}, the hash mixed with {@code seed} unless it is 0. */
  static boolean inSample(Row row, double sample, long seed) {
    if (sample >= 1) {
      return true;
    }
    String values = String.valueOf(row.getValues());
    long h =
        Hashing.murmur3_128()
            .hashString(seed == 0 ? values : seed + ":" + values, StandardCharsets.UTF_8)
            .asLong();
    return (h >>> 11) * 0x1.0p-53 < sample;
  }

  /** A value as a comparable bound, or null (null values, NaN, kinds without bounds). */
  private static @Nullable Object comparable(Schema.Field f, @Nullable Object v) {
    if (v == null) {
      return null;
    }
    String avroLogical = AvroTableSchema.logicalTypeOf(f);
    switch (kindOf(f)) {
      case INTEGER:
        return ((Number) v).longValue();
      case FLOATING:
        double d = ((Number) v).doubleValue();
        return Double.isNaN(d) ? null : d;
      case DECIMAL:
        return (BigDecimal) v;
      case BOOLEAN:
      case STRING:
        return v;
      case DATE:
        if (v instanceof LocalDate) {
          return v;
        }
        return LocalDate.ofEpochDay(
            Math.floorDiv(((org.joda.time.ReadableInstant) v).getMillis(), 86_400_000L));
      case TIMESTAMP:
        if (v instanceof Instant) {
          return v;
        }
        if (v instanceof org.joda.time.ReadableInstant) {
          return Instant.ofEpochMilli(((org.joda.time.ReadableInstant) v).getMillis());
        }
        long n = (Long) v;
        return "timestamp-micros".equals(avroLogical)
            ? Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000L), Math.floorMod(n, 1_000_000L) * 1000)
            : Instant.ofEpochSecond(
                Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
      default:
        return null;
    }
  }
}
