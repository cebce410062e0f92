package dev.sediment.transforms.compact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import org.apache.beam.sdk.coders.AtomicCoder;
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
