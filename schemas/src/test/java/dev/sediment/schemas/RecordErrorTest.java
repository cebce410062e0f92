package dev.sediment.schemas;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

public class RecordErrorTest {

  @Test
  public void json_usesContractNames() throws Exception {
    RecordError e =
        RecordError.of("file:/in/a.csv", 7, 120, ErrorType.TYPE_MISMATCH, "bad price", "x,y");
    JsonNode n = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(e));
    assertThat(n.get("source").asText(), equalTo("file:/in/a.csv"));
    assertThat(n.get("line").asLong(), equalTo(7L));
    assertThat(n.get("offset").asLong(), equalTo(120L));
    assertThat(n.get("error_type").asText(), equalTo("TYPE_MISMATCH"));
    assertThat(n.get("message").asText(), equalTo("bad price"));
    assertThat(n.get("record").asText(), equalTo("x,y"));
    assertThat(n.size(), equalTo(6));
  }

  @Test
  public void of_cutsLongRecords() {
    String longText = "a".repeat(RecordError.MAX_RECORD_CHARS + 10);
    RecordError e = RecordError.of("s", 1, 0, ErrorType.RECORD_TOO_LONG, "m", longText);
    assertThat(e.getRecord().length(), equalTo(RecordError.MAX_RECORD_CHARS));
  }

  @Test
  public void schemaCoder_roundTrips() throws Exception {
    Coder<RecordError> coder = SchemaRegistry.createDefault().getSchemaCoder(RecordError.class);
    RecordError e = RecordError.of("s3://b/k.jsonl", 3, 44, ErrorType.UNKNOWN_FIELD, "m", "{}");
    assertThat(CoderUtils.clone(coder, e), equalTo(e));
  }
}
