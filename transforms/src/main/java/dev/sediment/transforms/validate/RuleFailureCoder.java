package dev.sediment.transforms.validate;

import dev.sediment.schemas.RuleFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** A compact coder of {@link RuleFailure}: its five strings, two of them nullable. */
public final class RuleFailureCoder extends AtomicCoder<RuleFailure> {
  private static final RuleFailureCoder INSTANCE = new RuleFailureCoder();
  private static final Coder<String> S = StringUtf8Coder.of();
  private static final Coder<String> N = NullableCoder.of(StringUtf8Coder.of());

  public static RuleFailureCoder of() {
    return INSTANCE;
  }

  private RuleFailureCoder() {}

  @Override
  public void encode(RuleFailure f, OutputStream out) throws IOException {
    S.encode(f.getRule(), out);
    N.encode(f.getColumn(), out);
    S.encode(f.getSeverity(), out);
    N.encode(f.getValue(), out);
    S.encode(f.getMessage(), out);
  }

  @Override
  public RuleFailure decode(InputStream in) throws IOException {
    return RuleFailure.of(S.decode(in), N.decode(in), S.decode(in), N.decode(in), S.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
