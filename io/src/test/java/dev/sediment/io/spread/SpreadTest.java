package dev.sediment.io.spread;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

/** {@link Spread#evenly()}: every element once, with its coder. */
public class SpreadTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void evenly_keepsEveryElementOnce_withItsCoder() {
    List<String> in = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      in.add("e" + i);
    }
    in.add("e0"); // a duplicate stays a duplicate
    PCollection<String> out =
        p.apply(Create.of(in).withCoder(StringUtf8Coder.of())).apply("Spread", Spread.evenly());
    assertEquals(StringUtf8Coder.of(), out.getCoder());
    PAssert.that(out).containsInAnyOrder(in);
    p.run();
  }

  @Test
  public void evenly_ofNothing_isNothing() {
    PCollection<String> out =
        p.apply(Create.empty(StringUtf8Coder.of())).apply("Spread", Spread.evenly());
    PAssert.that(out).empty();
    p.run();
  }
}
