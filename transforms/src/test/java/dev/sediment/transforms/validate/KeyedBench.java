package dev.sediment.transforms.validate;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Wall time of {@code Validate} with a keyed or dataset rule on the DirectRunner (as the CLI
 * configures it), not a test: {@code KeyedBench dataset|column|seismic ROWS}. {@code dataset}:
 * {@code unique} over (station, ts); {@code column}: {@code unique} on v; {@code seismic}:
 * {@code gaps} over 10 channels of generated trace rows (every 97th record starts 0.5 s late).
 * Prints each rule's outcome and the wall time.
 */
public class KeyedBench {
  static final Schema FLAT =
      Schema.builder().addStringField("station").addInt64Field("ts").addInt64Field("v").build();

  static final class PrintFn extends DoFn<ValidationReport, Void> {
    @ProcessElement
    public void process(@Element ValidationReport rep) {
      for (RuleOutcome x : rep.rules()) {
        System.out.println(
            "OUTCOME " + x.rule() + " failed=" + x.failed() + " examples=" + x.examples());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String kase = args[0];
    int n = Integer.parseInt(args[1]);
    DirectOptions o = PipelineOptionsFactory.as(DirectOptions.class);
    o.setRunner(DirectRunner.class);
    o.setEnforceImmutability(false);
    o.setEnforceEncodability(false);
    Pipeline p = Pipeline.create(o);
    String yaml;
    PCollection<Row> in;
    if (kase.equals("seismic")) {
      Schema trace = ValidateSeismicTest.TRACE;
      Row proto = ValidateSeismicTest.read("mseed2/obspy/gaps.mseed").get(0);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long t = 1_700_000_000_000_000_000L + (i / 10) * 1_000_000_000L + (i % 97 == 0 ? 500_000_000L : 0);
        Row r = Row.fromRow(proto)
            .withFieldValue("station", "S" + (i % 10))
            .withFieldValue("start_time_ns", t)
            .withFieldValue("sample_rate_hz", 100.0)
            .withFieldValue("sample_count", 100)
            .withFieldValue("samples", List.of())
            .withFieldValue("headers", java.util.Map.of())
            .withFieldValue("file_headers", java.util.Map.of())
            .build();
        rows.add(r);
      }
      in = p.apply(Create.of(rows).withRowSchema(trace));
      yaml = "seismic:\n  - {rule: gaps}\n";
    } else {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i % 1000 == 999 ? i - 1 : i; // a few duplicates
        rows.add(Row.withSchema(FLAT).addValues("S" + (k % 50), (long) k, (long) k).build());
      }
      in = p.apply(Create.of(rows).withRowSchema(FLAT));
      yaml = kase.equals("dataset")
          ? "dataset:\n  - {rule: unique, columns: [station, ts]}\n"
          : "columns:\n  v:\n    - {rule: unique}\n";
    }
    ValidationResult r = in.apply("Validate", Validate.against(Rules.parse(yaml, "bench.yaml")));
    r.report().apply("PrintOutcomes", ParDo.of(new PrintFn()));
    long t0 = System.nanoTime();
    p.run().waitUntilFinish();
    System.out.printf("BENCH %s rows=%d wall=%.1fs%n", kase, n, (System.nanoTime() - t0) / 1e9);
  }
}
