package dev.sediment.transforms.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Coder of {@link ValidationReport}, the coder of {@link ValidationResult#report()}: the five
 * record counts, then every {@link RuleOutcome} and {@link ColumnSummary} field by field.
 *
 * <pre>{@code
 * PCollection<ValidationReport> reports = ...;
 * reports.setCoder(ValidationReportCoder.of());
 * }</pre>
 *
 * <p>Fields, not {@link ValidationReport#toJson}: the JSON form re-formats the JSON texts of
 * examples, observed values and bounds, so it does not give back an equal report.
 *
 * <p>Deterministic, and consistent with {@code equals}: equal reports (AutoValue equality of
 * every field) encode to equal bytes, and a decoded report equals the encoded one.
 */
public final class ValidationReportCoder extends AtomicCoder<ValidationReport> {
  private static final ValidationReportCoder INSTANCE = new ValidationReportCoder();
  private static final Coder<Long> LONG = VarLongCoder.of();
  private static final Coder<Boolean> BOOL = BooleanCoder.of();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<List<String>> STRINGS = ListCoder.of(StringUtf8Coder.of());
  private static final Coder<List<RuleOutcome>> RULES = ListCoder.of(new RuleOutcomeCoder());
  private static final Coder<List<ColumnSummary>> COLUMNS = ListCoder.of(new ColumnSummaryCoder());

  public static ValidationReportCoder of() {
    return INSTANCE;
  }

  /**
   * Makes this the coder the registry infers for {@link ValidationReport} (through its {@code
   * @DefaultCoder}), so a report a user's own transform outputs is not Java-serialized.
   */
  public static CoderProvider getCoderProvider() {
    return CoderProviders.forCoder(TypeDescriptor.of(ValidationReport.class), INSTANCE);
  }

  private ValidationReportCoder() {}

  @Override
  public void encode(ValidationReport r, OutputStream out) throws IOException {
    LONG.encode(r.recordsIn(), out);
    LONG.encode(r.recordsValid(), out);
    LONG.encode(r.recordsQuarantined(), out);
    LONG.encode(r.recordsWarned(), out);
    LONG.encode(r.recordsUnparsed(), out);
    RULES.encode(r.rules(), out);
    COLUMNS.encode(r.columns(), out);
  }

  @Override
  public ValidationReport decode(InputStream in) throws IOException {
    return ValidationReport.of(
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        RULES.decode(in),
        COLUMNS.decode(in));
  }

  /** Deterministic (see the class comment). */
  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  /** One {@link RuleOutcome}, field by field. */
  static final class RuleOutcomeCoder extends AtomicCoder<RuleOutcome> {
    @Override
    public void encode(RuleOutcome r, OutputStream out) throws IOException {
      STRING.encode(r.rule(), out);
      NULLABLE.encode(r.column(), out);
      STRING.encode(r.level(), out);
      STRING.encode(r.severity(), out);
      LONG.encode(r.checked(), out);
      LONG.encode(r.failed(), out);
      BOOL.encode(r.passed(), out);
      STRINGS.encode(r.examples(), out);
      NULLABLE.encode(r.observed(), out);
      STRING.encode(r.message(), out);
    }

    @Override
    public RuleOutcome decode(InputStream in) throws IOException {
      return RuleOutcome.of(
          STRING.decode(in),
          NULLABLE.decode(in),
          STRING.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          BOOL.decode(in),
          STRINGS.decode(in),
          NULLABLE.decode(in),
          STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }

  /** One {@link ColumnSummary}, field by field. */
  static final class ColumnSummaryCoder extends AtomicCoder<ColumnSummary> {
    @Override
    public void encode(ColumnSummary c, OutputStream out) throws IOException {
      STRING.encode(c.column(), out);
      STRING.encode(c.type(), out);
      LONG.encode(c.count(), out);
      LONG.encode(c.nulls(), out);
      NULLABLE.encode(c.min(), out);
      NULLABLE.encode(c.max(), out);
    }

    @Override
    public ColumnSummary decode(InputStream in) throws IOException {
      return ColumnSummary.of(
          STRING.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          NULLABLE.decode(in),
          NULLABLE.decode(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
