package dev.sediment.transforms.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a keyed rule needs of one record: its id, and for gaps/overlaps its start, sample count
 * and rate. Never the record or its samples.
 */
final class KeyedEntry {
  final String id;
  final long start;
  final long count;
  final double rate;

  KeyedEntry(String id, long start, long count, double rate) {
    this.id = id;
    this.start = start;
    this.count = count;
    this.rate = rate;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof KeyedEntry)) {
      return false;
    }
    KeyedEntry e = (KeyedEntry) o;
    return id.equals(e.id) && start == e.start && count == e.count && rate == e.rate;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, start, count, rate);
  }

  static final class EntryCoder extends AtomicCoder<KeyedEntry> {
    static final EntryCoder INSTANCE = new EntryCoder();

    @Override
    public void encode(KeyedEntry e, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(e.id, out);
      VarLongCoder.of().encode(e.start, out);
      VarLongCoder.of().encode(e.count, out);
      DoubleCoder.of().encode(e.rate, out);
    }

    @Override
    public KeyedEntry decode(InputStream in) throws IOException {
      return new KeyedEntry(
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          DoubleCoder.of().decode(in));
    }
  }
}
