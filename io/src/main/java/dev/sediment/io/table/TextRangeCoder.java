package dev.sediment.io.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A deterministic coder for {@link TextRange}. */
public final class TextRangeCoder extends CustomCoder<TextRange> {
  private static final long serialVersionUID = 1L;
  private static final TextRangeCoder INSTANCE = new TextRangeCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final BigEndianLongCoder LONG = BigEndianLongCoder.of();
  private static final NullableCoder<List<String>> NAMES =
      NullableCoder.of(ListCoder.of(StringUtf8Coder.of()));
  private static final NullableCoder<String> BROKEN = NullableCoder.of(StringUtf8Coder.of());

  public static TextRangeCoder of() {
    return INSTANCE;
  }

  private TextRangeCoder() {}

  @Override
  public void encode(TextRange r, OutputStream out) throws IOException {
    STRING.encode(r.file(), out);
    LONG.encode(r.start(), out);
    LONG.encode(r.end(), out);
    LONG.encode(r.linesBefore(), out);
    LONG.encode(r.recordsBefore(), out);
    BooleanCoder.of().encode(r.isWholeFile(), out);
    NAMES.encode(r.headerNames(), out);
    BROKEN.encode(r.headerBroken(), out);
  }

  @Override
  public TextRange decode(InputStream in) throws IOException {
    return new TextRange(
        STRING.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        BooleanCoder.of().decode(in),
        NAMES.decode(in),
        BROKEN.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TextRangeCoder;
  }

  @Override
  public int hashCode() {
    return TextRangeCoder.class.hashCode();
  }
}
