package dev.sediment.io.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sediment.schemas.RecordError;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * Builds the {@link BadRecord} of a {@link RecordError} exactly as Beam's {@code
 * BadRecordRouter.RECORDING_ROUTER} does (pretty-printed Jackson JSON of the record, the coder's
 * name and the encoded record, the description), at a fraction of the cost: Beam's router makes a
 * new {@code ObjectMapper} for every bad record, so Jackson introspects {@code RecordError} again
 * each time. That made 300,000 short bad CSV lines several times as expensive as good ones. Here
 * the writer (immutable, thread-safe, same default settings) and the coder's name are made once.
 */
final class BadRecords {
  /** What {@code new ObjectMapper().writer().withDefaultPrettyPrinter()} gives, shared. */
  private static final ObjectWriter JSON = new ObjectMapper().writer().withDefaultPrettyPrinter();

  private final Coder<RecordError> coder;
  private final String coderName;

  BadRecords(Coder<RecordError> coder) {
    this.coder = coder;
    this.coderName = coder.toString();
  }

  BadRecord of(RecordError error, String description) throws CoderException {
    String json;
    try {
      json = JSON.writeValueAsString(error);
    } catch (JsonProcessingException e) {
      // Strings and longs only: Jackson cannot fail on them; keep Beam's fallback anyway.
      json = error.toString();
    }
    return BadRecord.builder()
        .setRecord(
            BadRecord.Record.builder()
                .setHumanReadableJsonRecord(json)
                .setCoder(coderName)
                .setEncodedRecord(CoderUtils.encodeToByteArray(coder, error))
                .build())
        .setFailure(BadRecord.Failure.builder().setDescription(description).build())
        .build();
  }
}
