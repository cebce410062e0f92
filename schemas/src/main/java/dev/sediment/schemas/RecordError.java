package dev.sediment.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.schemas.AutoValueSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;

/**
 * A record that could not be turned into a typed row, with where it came from. This is the
 * record a parser hands to Beam's {@code BadRecordRouter}; its JSON form (the Jackson names
 * below) is what a quarantine line carries, so the names are a contract.
 *
 * <p>{@code line} is the 1-based line on which the record starts; {@code offset} the byte offset
 * of that line in the file. {@code record} is the raw text, cut to a bounded length.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class RecordError {

  /** The largest number of characters of the raw record kept in a quarantine line. */
  public static final int MAX_RECORD_CHARS = 4096;

  @JsonProperty("source")
  public abstract String getSource();

  @JsonProperty("line")
  public abstract long getLine();

  @JsonProperty("offset")
  public abstract long getOffset();

  @JsonProperty("error_type")
  public abstract String getErrorType();

  @JsonProperty("message")
  public abstract String getMessage();

  @JsonProperty("record")
  public abstract String getRecord();

  /** Used by Beam's schema coder to decode; use {@link #of} to create. */
  @AutoValue.Builder
  public abstract static class Builder {
    public abstract Builder setSource(String source);

    public abstract Builder setLine(long line);

    public abstract Builder setOffset(long offset);

    public abstract Builder setErrorType(String errorType);

    public abstract Builder setMessage(String message);

    public abstract Builder setRecord(String record);

    public abstract RecordError build();
  }

  public static Builder builder() {
    return new AutoValue_RecordError.Builder();
  }

  public static RecordError of(
      String source, long line, long offset, ErrorType type, String message, String record) {
    String kept =
        record.length() > MAX_RECORD_CHARS ? record.substring(0, MAX_RECORD_CHARS) : record;
    return builder()
        .setSource(source)
        .setLine(line)
        .setOffset(offset)
        .setErrorType(type.name())
        .setMessage(message)
        .setRecord(kept)
        .build();
  }
}
