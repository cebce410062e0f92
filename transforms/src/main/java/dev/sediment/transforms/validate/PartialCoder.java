package dev.sediment.transforms.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Coder of {@link Partial}, the report part every bundle emits and {@link Partial.MergeFn}
 * accumulates: the record counts, per rule the counts and examples, then the column
 * accumulators ({@link ColumnAccCoder}) if the part has them. Replaces Java serialization, which
 * Beam warns about and which costs a class descriptor per element.
 *
 * <p>Deterministic: fields in a fixed order with deterministic coders, each rule's examples in
 * their sorted order. {@link Partial} has no {@code equals}, so the structural value of a part
 * (what the DirectRunner compares to catch mutated elements) is its encoding.
 */
final class PartialCoder extends AtomicCoder<Partial> {
  private static final PartialCoder INSTANCE = new PartialCoder();
  private static final Coder<Integer> INT = VarIntCoder.of();
  private static final Coder<Long> LONG = VarLongCoder.of();
  private static final Coder<Boolean> BOOL = BooleanCoder.of();
  private static final Coder<String> STRING = StringUtf8Coder.of();

  static PartialCoder of() {
    return INSTANCE;
  }

  private PartialCoder() {}

  @Override
  public void encode(Partial p, OutputStream out) throws IOException {
    INT.encode(p.maxExamples, out);
    LONG.encode(p.in, out);
    LONG.encode(p.valid, out);
    LONG.encode(p.quarantined, out);
    LONG.encode(p.warned, out);
    int rules = p.checked.length;
    INT.encode(rules, out);
    for (int i = 0; i < rules; i++) {
      LONG.encode(p.checked[i], out);
      LONG.encode(p.failed[i], out);
      LONG.encode(p.observed[i], out);
      TreeSet<String> examples = p.examples.get(i);
      INT.encode(examples.size(), out);
      for (String e : examples) {
        STRING.encode(e, out);
      }
    }
    ColumnAcc[] columns = p.columns;
    BOOL.encode(columns != null, out);
    if (columns != null) {
      INT.encode(columns.length, out);
      for (ColumnAcc c : columns) {
        ColumnAccCoder.of().encode(c, out);
      }
    }
  }

  @Override
  public Partial decode(InputStream in) throws IOException {
    int maxExamples = INT.decode(in);
    long records = LONG.decode(in);
    long valid = LONG.decode(in);
    long quarantined = LONG.decode(in);
    long warned = LONG.decode(in);
    int rules = length(INT.decode(in), "rule count");
    Partial p = new Partial(rules, maxExamples);
    p.in = records;
    p.valid = valid;
    p.quarantined = quarantined;
    p.warned = warned;
    for (int i = 0; i < rules; i++) {
      p.checked[i] = LONG.decode(in);
      p.failed[i] = LONG.decode(in);
      p.observed[i] = LONG.decode(in);
      int n = length(INT.decode(in), "example count");
      TreeSet<String> examples = p.examples.get(i);
      for (int k = 0; k < n; k++) {
        examples.add(STRING.decode(in));
      }
    }
    if (BOOL.decode(in)) {
      ColumnAcc[] columns = new ColumnAcc[length(INT.decode(in), "column count")];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = ColumnAccCoder.of().decode(in);
      }
      p.columns = columns;
    }
    return p;
  }

  private static int length(int n, String what) throws CoderException {
    if (n < 0) {
      throw new CoderException("corrupt report part: negative " + what + " " + n);
    }
    return n;
  }

  /** Deterministic (see the class comment). */
  @Override
  public void verifyDeterministic() {}
}
