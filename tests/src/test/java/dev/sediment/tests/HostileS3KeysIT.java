package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code ingest} from an S3-compatible server that lists object keys with {@code ..}, a
 * backslash and an empty segment. S3Proxy refuses to store such keys, so the server here is a
 * tiny one of our own on 127.0.0.1 (ListObjectsV2, HeadObject, GetObject with ranges, no
 * signature check), stopped after each test. The keys that would lead the raw copy out of the
 * lake are quarantined as {@code PATH_ESCAPE}, nothing is written outside the lake, and the real
 * seismic file beside them is ingested.
 */
public class HostileS3KeysIT {
  private static final String BUCKET = "bkt";
  private static final String SECRET = "SECRETEXAMPLE123";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private HttpServer server;
  private final Map<String, byte[]> objects = new TreeMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  @Before
  public void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  @After
  public void stopServer() {
    if (server != null) {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  // ------------------------------------------------------------------ the server

  private void handle(HttpExchange x) throws IOException {
    try {
      String rawPath = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery();
      requests.add(x.getRequestMethod() + " " + rawPath + (query == null ? "" : "?" + query));
      String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
      String bucketPrefix = "/" + BUCKET;
      if (!path.equals(bucketPrefix) && !path.startsWith(bucketPrefix + "/")) {
        send(x, 404, error("NoSuchBucket"));
        return;
      }
      String key = path.length() <= bucketPrefix.length() + 1 ? "" : path.substring(bucketPrefix.length() + 1);
      Map<String, String> q = query(query);
      String method = x.getRequestMethod();
      if (method.equals("GET") && key.isEmpty() && "2".equals(q.get("list-type"))) {
        send(x, 200, list(q));
      } else if (method.equals("HEAD") && objects.containsKey(key)) {
        objectHeaders(x, key);
        x.getResponseHeaders().set("Content-Length", String.valueOf(objects.get(key).length));
        x.sendResponseHeaders(200, -1);
      } else if (method.equals("GET") && objects.containsKey(key)) {
        get(x, key);
      } else if (method.equals("HEAD")) {
        x.sendResponseHeaders(404, -1);
      } else if (method.equals("GET")) {
        send(x, 404, error("NoSuchKey"));
      } else {
        // Read-only: the lake is local, nothing may be written here.
        send(x, 403, error("AccessDenied"));
      }
    } finally {
      x.close();
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  private String list(Map<String, String> q) {
    String prefix = q.getOrDefault("prefix", "");
    String delimiter = q.get("delimiter");
    boolean urlEncoded = "url".equals(q.get("encoding-type"));
    StringBuilder contents = new StringBuilder();
    TreeSet<String> common = new TreeSet<>();
    int count = 0;
    for (Map.Entry<String, byte[]> o : objects.entrySet()) {
      String k = o.getKey();
      if (!k.startsWith(prefix)) {
        continue;
      }
      if (delimiter != null && !delimiter.isEmpty()) {
        int d = k.indexOf(delimiter, prefix.length());
        if (d >= 0) {
          common.add(k.substring(0, d + delimiter.length()));
          continue;
        }
      }
      count++;
      contents
          .append("<Contents><Key>")
          .append(xmlKey(k, urlEncoded))
          .append("</Key><LastModified>2026-02-03T00:00:00.000Z</LastModified><ETag>&quot;")
          .append(Integer.toHexString(java.util.Arrays.hashCode(o.getValue())))
          .append("&quot;</ETag><Size>")
          .append(o.getValue().length)
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    for (String c : common) {
      contents.append("<CommonPrefixes><Prefix>").append(xmlKey(c, urlEncoded)).append("</Prefix></CommonPrefixes>");
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Name>" + BUCKET + "</Name><Prefix>" + xmlKey(prefix, urlEncoded) + "</Prefix>"
        + (urlEncoded ? "<EncodingType>url</EncodingType>" : "")
        + "<KeyCount>" + (count + common.size()) + "</KeyCount><MaxKeys>1000</MaxKeys>"
        + "<IsTruncated>false</IsTruncated>"
        + contents
        + "</ListBucketResult>";
  }

  private static String xmlKey(String key, boolean urlEncoded) {
    String k = urlEncoded ? URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/") : key;
    return k.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void objectHeaders(HttpExchange x, String key) {
    x.getResponseHeaders().set("Content-Type", "application/octet-stream");
    x.getResponseHeaders().set("Last-Modified", "Tue, 03 Feb 2026 00:00:00 GMT");
    x.getResponseHeaders().set("ETag", "\"" + Integer.toHexString(key.hashCode()) + "\"");
    x.getResponseHeaders().set("Accept-Ranges", "bytes");
  }

  private void get(HttpExchange x, String key) throws IOException {
    byte[] all = objects.get(key);
    objectHeaders(x, key);
    String range = x.getRequestHeaders().getFirst("Range");
    if (range == null) {
      x.sendResponseHeaders(200, all.length == 0 ? -1 : all.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(all);
      }
      return;
    }
    String[] ab = range.substring("bytes=".length()).split("-", -1);
    long from = Long.parseLong(ab[0]);
    long to = ab[1].isEmpty() ? all.length - 1 : Math.min(all.length - 1, Long.parseLong(ab[1]));
    if (from >= all.length) {
      send(x, 416, error("InvalidRange"));
      return;
    }
    x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + all.length);
    x.sendResponseHeaders(206, to - from + 1);
    try (OutputStream o = x.getResponseBody()) {
      o.write(all, (int) from, (int) (to - from + 1));
    }
  }

  private static String error(String code) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
        + code + "</Message></Error>";
  }

  private static void send(HttpExchange x, int status, String xml) throws IOException {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/xml");
    x.sendResponseHeaders(status, body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  // ------------------------------------------------------------------ the test

  private static List<String> filesUnder(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  public void ingest_keysLeavingTheLake_areQuarantinedAsPathEscape_andNothingIsWrittenOutside()
      throws Exception {
    byte[] sac = Files.readAllBytes(SeismicFixtures.testdata().resolve("sac/obspy/test.sac"));
    objects.put("in/test.sac", sac);
    objects.put("in/../../../escape2/authorized_keys", "ssh-ed25519 AAAA attacker\n".getBytes(StandardCharsets.UTF_8));
    // A real seismic file under an escaping key is refused as well, not read.
    objects.put("in/sub/../../../../escape3/x.sac", sac);
    objects.put("in/a\\..\\..\\escape4", "backslashes\n".getBytes(StandardCharsets.UTF_8));
    objects.put("in//escape5", "empty segment\n".getBytes(StandardCharsets.UTF_8));

    // The lake sits four levels below the test's root, so that every escape stays inside it.
    Path root = tmp.getRoot().toPath();
    Path work = Files.createDirectories(root.resolve("w1/w2/w3"));
    Path lake = work.resolve("lake");
    String credentials =
        "{\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"AKIDEXAMPLE\","
            + "\"secretAccessKey\":\"" + SECRET + "\"}";
    Sediment.Result r =
        Sediment.run(
            work,
            "ingest",
            "--input=s3://" + BUCKET + "/in/**",
            "--dataset=hostile",
            "--lake=" + lake,
            "--endpoint=http://127.0.0.1:" + server.getAddress().getPort(),
            "--awsRegion=us-east-1",
            "--s3PathStyleAccess=true",
            "--awsCredentialsProvider=" + credentials);

    assertThat(r.toString(), r.exitCode, equalTo(0));
    assertThat(
        r.toString(),
        r.stdout,
        containsString(
            "ingest hostile: 5 files (1 copied raw, 4 refused: their path would leave the lake),"
                + " 5 traces or records in, 1 written, 4 quarantined\n"));
    assertThat(r.stdout + r.stderr, not(containsString(SECRET)));

    // Nothing outside the lake: every file under the test's root is in it.
    for (String f : filesUnder(root)) {
      assertThat(r.toString() + "\n" + requests, f, containsString("w1/w2/w3/lake/"));
    }
    // Nothing of the refused objects was read: listing and HEAD (Beam's match asks for each
    // object's metadata) only, and GET of the good file.
    for (String req : requests) {
      boolean listing = req.startsWith("GET /" + BUCKET + "?") || req.startsWith("HEAD /");
      boolean good = req.equals("GET /" + BUCKET + "/in/test.sac");
      assertThat(requests + " has " + req, listing || good, equalTo(true));
    }
    // The good file: copied raw byte for byte, its one trace written.
    assertThat(Files.readAllBytes(lake.resolve("raw/hostile/test.sac")), equalTo(sac));
    assertThat(filesUnder(lake.resolve("raw")), equalTo(List.of("hostile/test.sac")));
    List<String> parquet =
        filesUnder(lake.resolve("processed/hostile")).stream()
            .filter(f -> f.endsWith(".parquet"))
            .collect(Collectors.toList());
    assertThat(parquet.size(), equalTo(1));

    // The quarantine: one PATH_ESCAPE line per refused key, naming it and why.
    Map<String, JsonNode> bySource = new TreeMap<>();
    for (String f : filesUnder(lake.resolve("quarantine/hostile"))) {
      for (String line : Files.readAllLines(lake.resolve("quarantine/hostile").resolve(f))) {
        if (!line.isBlank()) {
          JsonNode j = MAPPER.readTree(line);
          bySource.put(j.get("source").asText(), j);
        }
      }
    }
    String raw = lake.resolve("raw/hostile").toString();
    Map<String, String> expected = new TreeMap<>();
    expected.put(
        "s3://bkt/in/../../../escape2/authorized_keys",
        "'../../../escape2/authorized_keys' is not a safe relative path: it has a '..' segment");
    expected.put(
        "s3://bkt/in/sub/../../../../escape3/x.sac",
        "'sub/../../../../escape3/x.sac' is not a safe relative path: it has a '..' segment");
    expected.put(
        "s3://bkt/in/a\\..\\..\\escape4",
        "'a\\..\\..\\escape4' is not a safe relative path: it holds a backslash");
    expected.put(
        "s3://bkt/in//escape5",
        "'/escape5' is not a safe relative path: it is absolute (starts with '/')");
    assertThat(bySource.keySet(), equalTo(expected.keySet()));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      JsonNode j = bySource.get(e.getKey());
      assertThat(j.toString(), j.get("error_type").asText(), equalTo("PATH_ESCAPE"));
      assertThat(j.toString(), j.get("offset").asLong(), equalTo(0L));
      assertThat(
          j.toString(),
          j.get("message").asText(),
          equalTo(
              "the path below the input's directory, "
                  + e.getValue()
                  + ", so the file would be written outside "
                  + raw
                  + "; it was neither copied nor read"));
    }
  }
}
