package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ingest-table} into an {@code s3://} lake (S3Proxy on 127.0.0.1), where there is no
 * rename: a run publishes by copying its staged objects into place with {@code _SUCCESS} last,
 * and a rerun over other input leaves exactly the new objects, byte-identical to the same ingest
 * into a local lake, and no staged object.
 */
public class IngestTableS3ReplaceIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String BUCKET = "replace-bucket";

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

  private Sediment.Result ingest(String input, String lake) throws Exception {
    return Sediment.run(
        tmp.getRoot().toPath(),
        Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.KEY_ID, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET),
        "ingest-table",
        "--input=" + input,
        "--schema=" + tmp.getRoot().toPath().resolve("in/trades.avsc"),
        "--dataset=trades",
        "--partitionBy=date",
        "--lake=" + lake,
        "--endpoint=http://127.0.0.1:" + server.port,
        "--awsRegion=us-east-1",
        "--s3PathStyleAccess=true");
  }

  /** Every object below {@code lake/} with the SHA-256 of its bytes (directory markers left out). */
  private Map<String, String> objects() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("lake/")).contents()) {
      if (o.key().endsWith("/")) {
        continue;
      }
      byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray();
      out.put(o.key().substring("lake/".length()), sha256(bytes));
    }
    return out;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Parquet files and markers of a local lake with their SHA-256. */
  private static Map<String, String> localParquet(Path lake) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(lake.resolve("processed"))) {
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(lake.relativize(f).toString(), sha256(Files.readAllBytes(f)));
      }
    }
    return out;
  }

  @Test
  public void ingestTable_s3Rerun_replacesTheDatasetWithExactlyTheNewObjects() throws Exception {
    Path local = Fixtures.copyTo(tmp.getRoot().toPath().resolve("in"));
    for (String f : List.of("trades-a.csv", "trades-b.csv")) {
      s3.putObject(b -> b.bucket(BUCKET).key("in/" + f), RequestBody.fromFile(local.resolve(f)));
    }
    Path other = Files.createDirectories(tmp.getRoot().toPath().resolve("other"));
    Files.writeString(
        other.resolve("trades-c.csv"),
        "ts,date,symbol,side,price,size,trade_id\n"
            + "2026-02-07T10:00:00.000Z,2026-02-07,BTCUSDT,buy,97100.5,1,901\n"
            + "2026-02-07T10:00:01.000Z,2026-02-07,BTCUSDT,sell,97101.0,2,902\n");
    s3.putObject(
        b -> b.bucket(BUCKET).key("other/trades-c.csv"),
        RequestBody.fromFile(other.resolve("trades-c.csv")));

    Sediment.Result first = ingest("s3://" + BUCKET + "/in/trades-*.csv", "s3://" + BUCKET + "/lake");
    assertThat(first.toString(), first.exitCode, equalTo(0));
    assertThat(first.stdout, containsString("10 records in, 6 written, 4 quarantined, from 2 files"));
    Map<String, String> afterFirst = objects();
    assertThat(
        afterFirst.keySet(),
        equalTo(
            new java.util.TreeSet<>(
                List.of(
                    "processed/trades/_SUCCESS",
                    "processed/trades/date=2026-02-03/part-00000-of-00001.parquet",
                    "processed/trades/date=2026-02-04/part-00000-of-00001.parquet",
                    "quarantine/trades/_SUCCESS",
                    "quarantine/trades/records-00000-of-00001.jsonl"))));
    // The same bytes as a local ingest of the same rows.
    Path localLake = tmp.getRoot().toPath().resolve("local-lake");
    Sediment.Result l = ingest(local + "/trades-*.csv", localLake.toString());
    assertThat(l.toString(), l.exitCode, equalTo(0));
    Map<String, String> processed = new TreeMap<>(afterFirst);
    processed.keySet().removeIf(k -> !k.startsWith("processed/"));
    assertThat(processed, equalTo(localParquet(localLake)));

    Sediment.Result second = ingest("s3://" + BUCKET + "/other/*.csv", "s3://" + BUCKET + "/lake");
    assertThat(second.toString(), second.exitCode, equalTo(0));
    assertThat(second.stdout, containsString("2 records in, 2 written, 0 quarantined, from 1 files"));
    Map<String, String> afterSecond = objects();
    assertThat(
        afterSecond.keySet(),
        equalTo(
            new java.util.TreeSet<>(
                List.of(
                    "processed/trades/_SUCCESS",
                    "processed/trades/date=2026-02-07/part-00000-of-00001.parquet",
                    "quarantine/trades/_SUCCESS"))));
  }
}
