package dev.sediment.io.batch;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The ordered columns of a {@link ColumnBatch}; names are unique. Immutable. */
public final class BatchSchema implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<BatchField> fields;
  private transient @Nullable Map<String, Integer> index;

  private BatchSchema(List<BatchField> fields) {
    this.fields = List.copyOf(fields);
    if (this.fields.isEmpty()) {
      throw new IllegalArgumentException("a schema needs at least one column");
    }
    buildIndex();
  }

  public static BatchSchema of(List<BatchField> fields) {
    return new BatchSchema(fields);
  }

  public static BatchSchema of(BatchField... fields) {
    return new BatchSchema(List.of(fields));
  }

  private Map<String, Integer> buildIndex() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      if (m.put(fields.get(i).name(), i) != null) {
        throw new IllegalArgumentException("column '" + fields.get(i).name() + "' appears twice");
      }
    }
    index = m;
    return m;
  }

  public List<BatchField> fields() {
    return fields;
  }

  public int size() {
    return fields.size();
  }

  public BatchField field(int i) {
    return fields.get(i);
  }

  /** The position of column {@code name}, or -1. */
  public int indexOf(String name) {
    Map<String, Integer> m = index;
    if (m == null) {
      m = buildIndex();
    }
    Integer i = m.get(name);
    return i == null ? -1 : i;
  }

  /** The column named {@code name}; an {@link IllegalArgumentException} if there is none. */
  public BatchField field(String name) {
    int i = indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column '" + name + "' in " + this);
    }
    return fields.get(i);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BatchSchema && fields.equals(((BatchSchema) o).fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
