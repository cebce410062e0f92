package dev.sediment.transforms.validate;

import dev.sediment.schemas.RuleFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;

/** Coder of {@link Violation}: the {@link RowCoder} of the input schema plus the failures. */
public final class ViolationCoder extends CustomCoder<Violation> {
  private static final long serialVersionUID = 1L;

  private final RowCoder rowCoder;
  private final ListCoder<RuleFailure> failuresCoder = ListCoder.of(RuleFailureCoder.of());

  private ViolationCoder(Schema schema) {
    this.rowCoder = RowCoder.of(schema);
  }

  public static ViolationCoder of(Schema schema) {
    return new ViolationCoder(schema);
  }

  public Schema schema() {
    return rowCoder.getSchema();
  }

  @Override
  public void encode(Violation v, OutputStream out) throws IOException {
    rowCoder.encode(v.record(), out);
    failuresCoder.encode(v.failures(), out);
  }

  @Override
  public Violation decode(InputStream in) throws IOException {
    return new Violation(rowCoder.decode(in), failuresCoder.decode(in));
  }
}
