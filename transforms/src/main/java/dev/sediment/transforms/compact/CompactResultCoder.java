package dev.sediment.transforms.compact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Coder of {@link CompactResult}, field by field (the status by name, so reordering the enum
 * does not change what it decodes to). Deterministic and consistent with {@code equals}.
 */
public final class CompactResultCoder extends AtomicCoder<CompactResult> {
  private static final CompactResultCoder INSTANCE = new CompactResultCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();
  private static final Coder<List<String>> STRINGS = ListCoder.of(StringUtf8Coder.of());

  public static CompactResultCoder of() {
    return INSTANCE;
  }

  /**
   * Makes this the coder the registry infers for {@link CompactResult} and its AutoValue subclass
   * (through its {@code @DefaultCoder}), so nobody's pipeline falls back to Java serialization.
   */
  public static CoderProvider getCoderProvider() {
    return new CoderProvider() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Coder<T> coderFor(
          TypeDescriptor<T> type, List<? extends Coder<?>> componentCoders)
          throws CannotProvideCoderException {
        if (!CompactResult.class.isAssignableFrom(type.getRawType())) {
          throw new CannotProvideCoderException(type + " is not a CompactResult");
        }
        return (Coder<T>) INSTANCE;
      }
    };
  }

  private CompactResultCoder() {}

  @Override
  public void encode(CompactResult r, OutputStream out) throws IOException {
    STRING.encode(r.partition(), out);
    LONG.encode(r.date().toEpochDay(), out);
    STRING.encode(r.status().name(), out);
    LONG.encode(r.rowsIn(), out);
    LONG.encode(r.rowsOut(), out);
    LONG.encode(r.rowsQuarantined(), out);
    LONG.encode(r.filesQuarantined(), out);
    LONG.encode(r.duplicatesDropped(), out);
    LONG.encode(r.bytesWritten(), out);
    STRINGS.encode(r.outputFiles(), out);
  }

  @Override
  public CompactResult decode(InputStream in) throws IOException {
    String partition = STRING.decode(in);
    LocalDate date = LocalDate.ofEpochDay(LONG.decode(in));
    CompactJob.Status status;
    String name = STRING.decode(in);
    try {
      status = CompactJob.Status.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown compaction status '" + name + "'", e);
    }
    return CompactResult.of(
        partition,
        date,
        status,
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        STRINGS.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
