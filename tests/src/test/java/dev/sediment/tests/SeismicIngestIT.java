package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.nio.file.Path;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code ingest} of the seismic fixtures ({@link SeismicFixtures}) through the bundled jar on
 * the DirectRunner (once, the reference), on Flink [local] with parallelism 2, and from and to
 * {@code s3://} on an S3-compatible server: every run gives the same dataset. All runs read in
 * byte ranges of {@link SeismicFixtures#SPLIT_BYTES}, so that the rows (trace_index included)
 * are comparable.
 */
public class SeismicIngestIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static Path work;
  private static Path in;
  private static LakeContents direct;

  @BeforeClass
  public static void ingestOnDirectRunner() throws Exception {
    work = TMP.getRoot().toPath();
    in = SeismicFixtures.writeTo(work.resolve("in"));
    Path lake = work.resolve("direct-lake");
    SeismicFixtures.assertIngested(
        Sediment.run(
            work, SeismicFixtures.ingestArgs(in + "/", lake.toString(), SeismicFixtures.SPLIT_BYTES)));
    direct = SeismicFixtures.assertDataset(lake, in + "/", in);
  }

  @Test
  public void ingest_flinkLocalParallelism2_sameDatasetAsDirectRunner() throws Exception {
    Path lake = work.resolve("flink-lake");
    Sediment.Result flink =
        Sediment.run(
            work,
            SeismicFixtures.ingestArgs(
                in + "/",
                lake.toString(),
                SeismicFixtures.SPLIT_BYTES,
                "--config=runner-configs/flink-local.properties",
                "--parallelism=2"));
    SeismicFixtures.assertIngested(flink);
    assertThat(flink.stdout, containsString("on FlinkRunner"));
    SeismicFixtures.assertSameDataset(direct, SeismicFixtures.assertDataset(lake, in + "/", in));
  }

  @Test
  public void ingest_s3InAndOut_sameDatasetAsLocal() throws Exception {
    String bucket = "seismic";
    try (S3ProxyServer server = S3ProxyServer.start(work.resolve("s3proxy"))) {
      server.s3.createBucket(b -> b.bucket(bucket));
      server.upload(in, bucket, "in");
      String[] args =
          SeismicFixtures.ingestArgs(
              "s3://" + bucket + "/in/",
              "s3://" + bucket + "/lake",
              SeismicFixtures.SPLIT_BYTES);
      String[] all = concat(args, server.options().toArray(new String[0]));
      Sediment.Result r =
          Sediment.run(
              work,
              Map.of(
                  "AWS_ACCESS_KEY_ID", S3ProxyServer.KEY_ID,
                  "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET),
              all);
      SeismicFixtures.assertIngested(r);
      assertThat(r.stdout, containsString("raw:         s3://" + bucket + "/lake/raw/quakes/"));
      assertThat(r.stdout + r.stderr, not(containsString(S3ProxyServer.SECRET)));

      Path downloaded = work.resolve("from-s3");
      server.download(bucket, "lake", downloaded);
      SeismicFixtures.assertSameDataset(
          direct, SeismicFixtures.assertDataset(downloaded, "s3://" + bucket + "/in/", in));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
