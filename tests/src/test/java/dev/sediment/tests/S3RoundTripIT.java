package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * ingest-table reading and writing {@code s3://} through Beam's aws2 file system, against a real
 * S3-compatible HTTP server (S3Proxy with a filesystem backend) bound to 127.0.0.1, started and
 * stopped by the test. The server checks signatures, so the credentials really travel.
 */
public class S3RoundTripIT {
  private static final String KEY_ID = S3ProxyServer.KEY_ID;
  private static final String SECRET = S3ProxyServer.SECRET;
  private static final String BUCKET = "lake-bucket";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private S3ProxyServer server;
  private S3Client s3;

  @Before
  public void startServer() throws Exception {
    server = S3ProxyServer.start(tmp.newFolder("s3proxy").toPath());
    s3 = server.s3;
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @After
  public void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private Sediment.Result ingestFromS3(String secret, String... extra) throws Exception {
    String[] base = {
      "ingest-table",
      "--input=s3://" + BUCKET + "/in/trades-*.csv",
      "--schema=s3://" + BUCKET + "/schemas/trades.avsc",
      "--dataset=trades",
      "--partitionBy=date",
      "--lake=s3://" + BUCKET + "/lake",
      "--endpoint=http://127.0.0.1:" + server.port,
      "--awsRegion=us-east-1",
      "--s3PathStyleAccess=true"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return Sediment.run(
        tmp.getRoot().toPath(),
        Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", secret),
        all);
  }

  @Test
  public void ingestTable_s3InAndOut_sameAsLocal_andSecretNeverPrinted() throws Exception {
    Path local = Fixtures.copyTo(tmp.getRoot().toPath().resolve("in"));
    s3.putObject(
        b -> b.bucket(BUCKET).key("schemas/trades.avsc"),
        RequestBody.fromFile(local.resolve("trades.avsc")));
    for (String f : List.of("trades-a.csv", "trades-b.csv")) {
      s3.putObject(b -> b.bucket(BUCKET).key("in/" + f), RequestBody.fromFile(local.resolve(f)));
    }

    Sediment.Result r = ingestFromS3(SECRET, "--verbose");
    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(r.stdout, containsString("10 records in, 6 written, 4 quarantined, from 2 files"));
    assertThat(r.stdout, containsString("s3://" + BUCKET + "/lake/processed/trades/"));
    assertThat(r.stdout + r.stderr, not(containsString(SECRET)));

    // Download what landed in the bucket and compare with the same ingest on local files.
    Path downloaded = tmp.getRoot().toPath().resolve("from-s3");
    List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("lake/")).contents();
    assertThat(objects.size(), greaterThan(2));
    for (S3Object o : objects) {
      if (o.key().endsWith("/")) {
        continue; // a directory marker of the server's filesystem backend
      }
      Path target = downloaded.resolve(o.key().substring("lake/".length()));
      Files.createDirectories(target.getParent());
      s3.getObject(b -> b.bucket(BUCKET).key(o.key()), target);
    }
    Path localLake = tmp.getRoot().toPath().resolve("local-lake");
    Sediment.Result l =
        Sediment.run(
            tmp.getRoot().toPath(),
            "ingest-table",
            "--input=" + local + "/trades-*.csv",
            "--schema=" + local + "/trades.avsc",
            "--dataset=trades",
            "--partitionBy=date",
            "--lake=" + localLake);
    assertThat(l.toString(), l.exitCode, equalTo(0));
    LakeContents fromS3 = LakeContents.read(downloaded, "trades");
    LakeContents fromLocal = LakeContents.read(localLake, "trades");
    assertThat(fromS3.rows, hasSize(6));
    assertThat(fromS3.rows, equalTo(fromLocal.rows));
    assertThat(fromS3.quarantine, hasSize(4));
    assertThat(
        fromS3.quarantine,
        equalTo(
            fromLocal.quarantine.stream()
                .map(q -> q.replace(local.toString(), "s3://" + BUCKET + "/in"))
                .toList()));
    // Objects hold the Parquet bytes themselves, not aws-chunked frames.
    S3Object parquet =
        objects.stream().filter(o -> o.key().endsWith(".parquet")).findFirst().orElseThrow();
    byte[] head = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(parquet.key())).asByteArray();
    assertThat(new String(head, 0, 4, StandardCharsets.US_ASCII), equalTo("PAR1"));
  }

  @Test
  public void ingestTable_wrongSecret_failsInOneLine_withoutPrintingIt() throws Exception {
    String wrong = "Wrong-secret-that-must-not-leak-42";
    Sediment.Result r = ingestFromS3(wrong);
    assertThat(r.toString(), r.exitCode, equalTo(1));
    assertThat(r.stderr, containsString("sediment ingest-table: "));
    assertThat(r.stdout + r.stderr, not(containsString(wrong)));
    assertThat(r.stderr, not(containsString("\tat ")));
  }
}
