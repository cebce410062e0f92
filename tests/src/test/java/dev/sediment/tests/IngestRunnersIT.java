package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** ingest-table through the bundled jar on the DirectRunner and on Flink [local]: same output. */
public class IngestRunnersIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Sediment.Result ingest(Path in, Path lake, String... runner) throws Exception {
    return Sediment.run(tmp.getRoot().toPath(), Fixtures.ingestArgs(in, lake, runner));
  }

  @Test
  public void ingestTable_directAndFlinkLocal_identicalOutput() throws Exception {
    Path in = Fixtures.copyTo(tmp.getRoot().toPath().resolve("in"));
    Path directLake = tmp.getRoot().toPath().resolve("direct-lake");
    Path flinkLake = tmp.getRoot().toPath().resolve("flink-lake");

    Sediment.Result direct = ingest(in, directLake);
    assertThat(direct.toString(), direct.exitCode, equalTo(0));
    assertThat(direct.stdout, containsString("10 records in, 6 written, 4 quarantined, from 2 files"));

    Sediment.Result flink =
        ingest(
            in,
            flinkLake,
            "--config=runner-configs/flink-local.properties",
            "--parallelism=2");
    Fixtures.assertIngested(flink);

    LakeContents a = Fixtures.assertSameDataset(directLake, flinkLake);
    // Exact content of one row and one quarantine record.
    assertThat(
        a.rows.get(0),
        equalTo(
            "date=2026-02-03 | {\"ts\": 1770109200000, \"date\": 20487, \"symbol\": \"BTCUSDT\","
                + " \"side\": \"buy\", \"price\": 97000.5, \"size\": 3, \"trade_id\": 1}"));
    assertThat(a.quarantine.toString(), containsString("\"line\":4,"));
    assertThat(a.quarantine.toString(), containsString("\"error_type\":\"TYPE_MISMATCH\""));
    assertThat(a.quarantine.toString(), containsString("\"error_type\":\"MISSING_VALUE\""));
  }
}
