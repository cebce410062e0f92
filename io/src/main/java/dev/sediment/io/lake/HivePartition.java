package dev.sediment.io.lake;

import dev.sediment.io.table.AvroTableSchema;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The hive-style directory of a row, {@code k1=v1/k2=v2}, from the values of its partition
 * columns. Values are escaped as Hive and Spark escape them ({@code /}, {@code =}, {@code :},
 * {@code %} and friends become {@code %XX}), and null becomes {@value #NULL_PARTITION}, so any
 * value gives a valid, reversible path segment.
 */
public final class HivePartition implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The directory value of a null, as Hive and Spark write it. */
  public static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private static final String ESCAPED = "\"#%'*/:=?\\\u007F{[]^";

  private final List<String> columns;

  private HivePartition(List<String> columns) {
    this.columns = List.copyOf(columns);
  }

  /**
   * Partitions by {@code columns}, in that order; none means one unpartitioned directory. A column
   * named twice is rejected ({@link IllegalArgumentException}): it would nest {@code p=x/p=x/}.
   */
  public static HivePartition by(List<String> columns) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException(
            "partition column '" + c + "' is named twice; name each column once");
      }
    }
    return new HivePartition(columns);
  }

  /** Throws {@link IllegalArgumentException} if a column is missing or cannot name a directory. */
  public void checkAgainst(Schema schema) {
    for (String c : columns) {
      if (!schema.hasField(c)) {
        throw new IllegalArgumentException(
            "partition column '" + c + "' is not in the schema " + schema.getFieldNames());
      }
      Schema.TypeName t = schema.getField(c).getType().getTypeName();
      if (t.isCompositeType() || t.isCollectionType() || t == Schema.TypeName.BYTES) {
        throw new IllegalArgumentException(
            "partition column '" + c + "' has type " + t + "; partition by a scalar column");
      }
    }
  }

  public List<String> columns() {
    return columns;
  }

  /**
   * The longest directory name, in UTF-8 bytes, that local file systems (ext4, XFS, APFS, NTFS)
   * and HDFS accept; object stores allow longer keys, but a lake must stay copyable to disk.
   */
  public static final int MAX_SEGMENT_BYTES = 255;

  /**
   * Why {@code row} has no valid directory, or null when it has one: a directory name {@code
   * column=value} longer than {@value #MAX_SEGMENT_BYTES} bytes.
   */
  public String invalidPathOf(Row row) {
    for (String c : columns) {
      Object v = row.getValue(c);
      String segment = escape(c) + "=" + (v == null ? NULL_PARTITION : escape(text(row, c, v)));
      int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_SEGMENT_BYTES) {
        return "partition column '"
            + c
            + "': the directory name '"
            + segment.substring(0, Math.min(40, segment.length()))
            + "...' is "
            + bytes
            + " bytes (UTF-8, escaped), more than the "
            + MAX_SEGMENT_BYTES
            + " a file system allows; shorten the value or partition by another column";
      }
    }
    return null;
  }

  /** The relative directory of {@code row}; empty when there are no partition columns. */
  public String pathOf(Row row) {
    StringBuilder sb = new StringBuilder();
    for (String c : columns) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      Object v = row.getValue(c);
      sb.append(escape(c)).append('=').append(v == null ? NULL_PARTITION : escape(text(row, c, v)));
    }
    return sb.toString();
  }

  private static String text(Row row, String column, Object v) {
    Schema.Field f = row.getSchema().getField(column);
    if (v instanceof org.joda.time.ReadableInstant
        && "date".equals(AvroTableSchema.logicalTypeOf(f))) {
      long day = Math.floorDiv(((org.joda.time.ReadableInstant) v).getMillis(), 86_400_000L);
      return java.time.LocalDate.ofEpochDay(day).toString();
    }
    return v.toString();
  }

  static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ESCAPED.indexOf(ch) >= 0) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        for (byte b : String.valueOf(ch).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(String.format("%02X", b & 0xFF));
        }
      } else if (sb != null) {
        sb.append(ch);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
