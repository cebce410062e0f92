package dev.sediment.transforms.compact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.values.TypeDescriptor;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Coder of {@link CompactRequest}: partition (UTF-8), date (epoch day, varint), undated flag.
 * Deterministic and consistent with {@code equals}.
 */
public final class CompactRequestCoder extends AtomicCoder<CompactRequest> {
  private static final CompactRequestCoder INSTANCE = new CompactRequestCoder();

  public static CompactRequestCoder of() {
    return INSTANCE;
  }

  /**
   * Makes this the coder the registry infers for {@link CompactRequest} and its AutoValue subclass
   * (through its {@code @DefaultCoder}), so nobody's pipeline falls back to Java serialization.
   */
  public static CoderProvider getCoderProvider() {
    return new CoderProvider() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Coder<T> coderFor(
          TypeDescriptor<T> type, List<? extends Coder<?>> componentCoders)
          throws CannotProvideCoderException {
        if (!CompactRequest.class.isAssignableFrom(type.getRawType())) {
          throw new CannotProvideCoderException(type + " is not a CompactRequest");
        }
        return (Coder<T>) INSTANCE;
      }
    };
  }

  private CompactRequestCoder() {}

  @Override
  public void encode(CompactRequest r, OutputStream out) throws IOException {
    StringUtf8Coder.of().encode(r.partition(), out);
    VarLongCoder.of().encode(r.date().toEpochDay(), out);
    BooleanCoder.of().encode(r.undatedNullKeys(), out);
  }

  @Override
  public CompactRequest decode(InputStream in) throws IOException {
    return CompactRequest.create(
        StringUtf8Coder.of().decode(in),
        LocalDate.ofEpochDay(VarLongCoder.of().decode(in)),
        BooleanCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
