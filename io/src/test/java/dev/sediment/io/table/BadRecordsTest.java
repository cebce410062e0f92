package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.junit.Test;

public class BadRecordsTest {
  @Test
  public void of_equalsWhatBeamsRecordingRouterBuilds() throws Exception {
    Coder<RecordError> coder = SchemaRegistry.createDefault().getSchemaCoder(RecordError.class);
    RecordError e =
        RecordError.of(
            "/in/a.csv", 7, 123, ErrorType.TYPE_MISMATCH, "column 'x': 'é\"' is not a number", "a,\"b\"\n");
    BadRecord ours = new BadRecords(coder).of(e, "TYPE_MISMATCH: m");
    BadRecord beams = BadRecord.fromExceptionInformation(e, coder, null, "TYPE_MISMATCH: m");
    assertThat(ours, equalTo(beams));
    assertThat(
        ours.getRecord().getHumanReadableJsonRecord(),
        equalTo(beams.getRecord().getHumanReadableJsonRecord()));
  }
}
