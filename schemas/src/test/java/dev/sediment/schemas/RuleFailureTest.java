package dev.sediment.schemas;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class RuleFailureTest {
  @Test
  public void schema_hasContractFieldsWithNullableColumnAndValue_andCoderRoundTrips() throws Exception {
    SchemaRegistry registry = SchemaRegistry.createDefault();
    Schema schema = registry.getSchema(RuleFailure.class);
    assertThat(schema.getField("rule").getType().getNullable(), equalTo(false));
    assertThat(schema.getField("column").getType().getNullable(), equalTo(true));
    assertThat(schema.getField("value").getType().getNullable(), equalTo(true));
    assertThat(schema.getFieldCount(), equalTo(5));
    Coder<RuleFailure> coder = registry.getSchemaCoder(RuleFailure.class);
    RuleFailure f = RuleFailure.of("price.min", null, "error", null, "-5.0 is not > 0");
    assertThat(CoderUtils.clone(coder, f), equalTo(f));
  }
}
