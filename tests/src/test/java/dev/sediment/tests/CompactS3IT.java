package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sediment.transforms.compact.PartitionCompactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code compact} and {@code verify} with spool and target in an S3 bucket (S3Proxy on
 * 127.0.0.1): the bytes equal a local run's, the quarantine lands in the bucket, nothing
 * temporary is left there, and a damaged object is found by verify and repaired by a rerun.
 */
public class CompactS3IT {
  private static final String BUCKET = "lake-bucket";
  private static final long DAY_NANOS = 86_400_000_000_000L;
  private static final long D0 = java.time.LocalDate.of(2026, 2, 3).toEpochDay() * DAY_NANOS;
  private static final Schema BBO =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"}]}");
  private static final List<String> PARTITIONS =
      List.of("exchange=binance/stream=bbo/symbol=btcusdt", "exchange=binance/stream=bbo/symbol=ethusdt");
  private static final String BAD_FILE = "2026-02-03_12-00-00.parquet";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private S3ProxyServer server;

  @Before
  public void startServer() throws Exception {
    server = S3ProxyServer.start(tmp.newFolder("s3proxy").toPath());
    server.s3.createBucket(b -> b.bucket(BUCKET));
  }

  @After
  public void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static GenericRecord row(long ts, long seq, double px) {
    GenericData.Record r = new GenericData.Record(BBO);
    r.put("ts_event", ts);
    r.put("seq", seq);
    r.put("bid_px", px);
    return r;
  }

  private static void write(Path file, List<GenericRecord> rows) throws Exception {
    Files.createDirectories(file.getParent());
    try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(file, BBO)) {
      for (GenericRecord r : rows) {
        w.write(r);
      }
    }
  }

  /**
   * Per partition 7,200 rows of 2026-02-03: two overlapping sorted files (3,000 each), an unsorted
   * one (1,000) and one straddling midnight (200 of its 400 rows before it); btcusdt also holds a
   * truncated file.
   */
  private Path spool() throws Exception {
    Path root = tmp.newFolder("spool").toPath();
    int p = 0;
    for (String part : PARTITIONS) {
      Path dir = root.resolve(part);
      List<GenericRecord> a = new ArrayList<>();
      List<GenericRecord> b = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        a.add(row(D0 + 1_000_000L * i, i, 100 + p + i % 7));
        b.add(row(D0 + 500_000 + 1_000_000L * i, i, 200 + p + i % 5));
      }
      List<GenericRecord> c = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        c.add(row(D0 + 7_000_000L * (999 - i), 1, 300 + p));
      }
      List<GenericRecord> m = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        m.add(row(D0 + DAY_NANOS - 200_000L + 1000L * i, i, 400 + p));
      }
      write(dir.resolve("2026-02-03_00-00-00.parquet"), a);
      write(dir.resolve("2026-02-03_00-00-05.parquet"), b);
      write(dir.resolve("2026-02-03_08-00-00.parquet"), c);
      write(dir.resolve("2026-02-03_23-59-00.parquet"), m);
      p++;
    }
    Path bad = root.resolve(PARTITIONS.get(0)).resolve(BAD_FILE);
    write(bad, List.of(row(D0 + 5, 5, 5)));
    byte[] whole = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(whole, whole.length - 11));
    return root;
  }

  private Sediment.Result onS3(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(server.options());
    return Sediment.run(
        tmp.getRoot().toPath(),
        Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.KEY_ID, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET),
        all.toArray(new String[0]));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private List<String> keys(String prefix) {
    return server.s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(o -> o.key())
        .filter(k -> !k.endsWith("/"))
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  public void compact_s3SpoolAndTarget_sameBytesAsLocal_quarantineInBucket_damageRepaired()
      throws Exception {
    Path spool = spool();
    server.upload(spool, BUCKET, "spool");
    Path localTarget = tmp.getRoot().toPath().resolve("local-target");

    Sediment.Result local =
        Sediment.run(
            tmp.getRoot().toPath(),
            "compact", "--spool=" + spool, "--target=" + localTarget, "--mode=single", "--date=20260203");
    assertThat(local.toString(), local.exitCode, equalTo(3));

    String s3Target = "s3://" + BUCKET + "/compact";
    Sediment.Result r =
        onS3("compact", "--spool=s3://" + BUCKET + "/spool", "--target=" + s3Target, "--mode=single", "--date=20260203");
    assertThat(r.toString(), r.exitCode, equalTo(3));
    assertThat(
        r.stdout,
        containsString(
            "compact: 2 partitions written, 0 unchanged, 0 without rows; 14,400 rows; 1 files quarantined"));
    assertThat(r.stdout + r.stderr, not(containsString(S3ProxyServer.SECRET)));

    // Exactly the committed files and the quarantine, nothing temporary.
    assertThat(
        keys("compact/"),
        equalTo(
            List.of(
                "compact/QUARANTINE/" + PARTITIONS.get(0) + "/date=20260203/" + BAD_FILE,
                "compact/QUARANTINE/" + PARTITIONS.get(0) + "/date=20260203/error.json",
                "compact/" + PARTITIONS.get(0) + "/date=20260203/data.parquet",
                "compact/" + PARTITIONS.get(0) + "/date=20260203/meta.json",
                "compact/" + PARTITIONS.get(1) + "/date=20260203/data.parquet",
                "compact/" + PARTITIONS.get(1) + "/date=20260203/meta.json")));

    Path fromS3 = tmp.getRoot().toPath().resolve("from-s3");
    server.download(BUCKET, "compact", fromS3);
    ObjectMapper json = new ObjectMapper();
    List<String> shas = new ArrayList<>();
    for (String part : PARTITIONS) {
      Path s3Dir = fromS3.resolve(part).resolve("date=20260203");
      Path localDir = localTarget.resolve(part).resolve("date=20260203");
      byte[] data = Files.readAllBytes(s3Dir.resolve("data.parquet"));
      assertThat(data, equalTo(Files.readAllBytes(localDir.resolve("data.parquet"))));
      JsonNode meta = json.readTree(s3Dir.resolve("meta.json").toFile());
      assertThat(meta.get("row_count").asLong(), equalTo(7200L));
      assertThat(meta.get("sha256").asText(), equalTo(sha256(data)));
      assertThat(meta.get("ts_event_min").asText(), equalTo(Long.toString(D0)));
      assertThat(meta.get("ts_event_max").asText(), equalTo(Long.toString(D0 + DAY_NANOS - 1000)));
      assertThat(meta.get("source_files").asInt(), equalTo(4));
      shas.add(sha256(data));
    }
    Path q = fromS3.resolve("QUARANTINE").resolve(PARTITIONS.get(0)).resolve("date=20260203");
    assertThat(
        Files.readAllBytes(q.resolve(BAD_FILE)),
        equalTo(Files.readAllBytes(spool.resolve(PARTITIONS.get(0)).resolve(BAD_FILE))));
    JsonNode err = json.readTree(q.resolve("error.json").toFile());
    assertThat(err.get("error_type").asText(), equalTo("CORRUPT_FOOTER"));
    assertThat(err.get("source").asText(), equalTo("s3://" + BUCKET + "/spool/" + PARTITIONS.get(0) + "/" + BAD_FILE));

    Sediment.Result v = onS3("verify", "--target=" + s3Target);
    assertThat(v.toString(), v.exitCode, equalTo(0));
    assertThat(v.stdout, containsString("verify: 2 partitions checked, 0 bad"));

    Sediment.Result again =
        onS3("compact", "--spool=s3://" + BUCKET + "/spool", "--target=" + s3Target, "--mode=single", "--date=20260203");
    assertThat(again.toString(), again.exitCode, equalTo(0));
    assertThat(again.stdout, containsString("compact: 0 partitions written, 2 unchanged, 0 without rows; 0 rows; 0 files quarantined"));

    // A damaged object: verify names it, the rerun rewrites it to the same bytes.
    String damaged = "compact/" + PARTITIONS.get(1) + "/date=20260203/data.parquet";
    server.s3.putObject(b -> b.bucket(BUCKET).key(damaged), RequestBody.fromBytes(new byte[] {'P', 'A', 'R', '1'}));
    Sediment.Result bad = onS3("verify", "--target=" + s3Target, "--date=20260203");
    assertThat(bad.toString(), bad.exitCode, equalTo(1));
    assertThat(bad.stdout, containsString("BAD " + PARTITIONS.get(1) + "/date=20260203: sha256 of data.parquet is "));
    assertThat(bad.stdout, containsString("verify: 2 partitions checked, 1 bad"));
    Sediment.Result repaired =
        onS3("compact", "--spool=s3://" + BUCKET + "/spool", "--target=" + s3Target, "--mode=single", "--date=20260203");
    assertThat(repaired.toString(), repaired.exitCode, equalTo(0));
    assertThat(repaired.stdout, containsString("compact: 1 partitions written, 1 unchanged, 0 without rows; 7,200 rows; 0 files quarantined"));
    byte[] after = server.s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(damaged)).asByteArray();
    assertThat(sha256(after), equalTo(shas.get(1)));
    assertThat(keys("compact/").stream().filter(k -> k.contains(".tmp-")).collect(Collectors.toList()), empty());

    // A commit stopped between the data upload and the meta.json upload: meta.json does not match
    // data.parquet, the temporary meta uploaded first does. verify says so; the next compact puts
    // it in place (no rewrite) and removes it.
    String dir = "compact/" + PARTITIONS.get(0) + "/date=20260203/";
    byte[] meta = server.s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(dir + "meta.json")).asByteArray();
    String staged = dir + ".meta.json.tmp-0b7c3f4e-8a61-4d5e-9f12-3c4b5a6d7e8f";
    server.s3.putObject(b -> b.bucket(BUCKET).key(staged), RequestBody.fromBytes(meta));
    String stale = new String(meta, java.nio.charset.StandardCharsets.UTF_8).replaceAll("\"sha256\" : \"[0-9a-f]{64}\"", "\"sha256\" : \"" + "0".repeat(64) + "\"");
    server.s3.putObject(b -> b.bucket(BUCKET).key(dir + "meta.json"), RequestBody.fromString(stale));
    Sediment.Result midway = onS3("verify", "--target=" + s3Target, "--date=20260203");
    assertThat(midway.toString(), midway.exitCode, equalTo(1));
    assertThat(
        midway.stdout,
        containsString(
            "BAD " + PARTITIONS.get(0) + "/date=20260203: an unfinished commit: meta.json is missing or"
                + " does not match data.parquet, and .meta.json.tmp-0b7c3f4e-8a61-4d5e-9f12-3c4b5a6d7e8f matches"
                + " it; a compact of this partition finishes it"));
    Sediment.Result completed =
        onS3("compact", "--spool=s3://" + BUCKET + "/spool", "--target=" + s3Target, "--mode=single", "--date=20260203");
    assertThat(completed.toString(), completed.exitCode, equalTo(0));
    assertThat(completed.stdout, containsString("compact: 0 partitions written, 2 unchanged, 0 without rows; 0 rows; 0 files quarantined"));
    assertThat(server.s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(dir + "meta.json")).asByteArray(), equalTo(meta));
    assertThat(keys("compact/").stream().filter(k -> k.contains(".tmp-")).collect(Collectors.toList()), empty());
  }
}
