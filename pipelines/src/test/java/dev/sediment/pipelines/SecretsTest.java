package dev.sediment.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Secrets never reach the console: the redaction itself, and malformed credentials at the CLI. */
public class SecretsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SECRET = "SECRETEXAMPLE123";
  private static final String TOKEN = "TOKENEXAMPLE456";

  @Test
  public void redact_jsonFields() {
    assertThat(
        Secrets.redact(
            "{\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"AKID\",\"secretAccessKey\":\""
                + SECRET
                + "\"}"),
        equalTo(
            "{\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"AKID\",\"secretAccessKey\":\"***\"}"));
    assertThat(
        Secrets.redact("{\"sessionToken\" : \"" + TOKEN + "\", \"password\":\"a\\\"b\"}"),
        equalTo("{\"sessionToken\" : \"***\", \"password\":\"***\"}"));
    assertThat(
        Secrets.redact("{\"token\": 12345, \"apiKey\": true}"),
        equalTo("{\"token\": ***, \"apiKey\": ***}"));
  }

  @Test
  public void redact_jsonCutOffInsideTheValue() {
    assertThat(
        Secrets.redact("Unable to parse JSON value {\"secretAccessKey\":\"" + SECRET),
        equalTo("Unable to parse JSON value {\"secretAccessKey\":\"***"));
  }

  @Test
  public void redact_jsonQuotedInsideAString() {
    assertThat(
        Secrets.redact("at [Source: \"{\\\"secretAccessKey\\\":\\\"" + SECRET + "\\\"}\"; line: 1]"),
        equalTo("at [Source: \"{\\\"secretAccessKey\\\":\\\"***\\\"}\"; line: 1]"));
  }

  @Test
  public void redact_keyValuePairs() {
    assertThat(
        Secrets.redact("AWS_SECRET_ACCESS_KEY=" + SECRET + " password: hunter2, token=abc;x=1"),
        equalTo("AWS_SECRET_ACCESS_KEY=*** password: ***, token=***;x=1"));
    assertThat(
        Secrets.redact("--awsCredentialsProvider secretAccessKey=" + SECRET),
        equalTo("--awsCredentialsProvider secretAccessKey=***"));
  }

  @Test
  public void redact_urlUserInfo() {
    assertThat(
        Secrets.redact("cannot reach http://admin:" + SECRET + "@127.0.0.1:9000/bkt"),
        equalTo("cannot reach http://admin:***@127.0.0.1:9000/bkt"));
    assertThat(Secrets.redact("s3://bucket/key"), equalTo("s3://bucket/key"));
  }

  @Test
  public void redact_leavesOrdinaryTextAlone() {
    for (String s :
        new String[] {
          "ingest-table trades: 12,005 records in, 12,000 written, 5 quarantined",
          "sort keys ts_event,seq; key 'a' missing",
          "accessKeyId=AKID and the keys of the map",
          "tokens are counted",
          "rule regex: key=...",
          "",
        }) {
      assertThat(Secrets.redact(s), equalTo(s));
    }
    assertThat(Secrets.redact(null), equalTo(null));
  }

  @Test
  public void redact_isIdempotent() {
    String once = Secrets.redact("{\"secretAccessKey\":\"" + SECRET + "\"} password=x");
    assertThat(Secrets.redact(once), equalTo(once));
  }

  @Test
  public void redacting_stream_redactsEachLine_andTheRestOnFlush() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream s = Secrets.redacting(target);
    s.println("a password=" + SECRET);
    s.printf("plain %d%n", 1);
    s.print("token=" + TOKEN);
    s.flush();
    assertThat(
        bytes.toString(StandardCharsets.UTF_8),
        equalTo("a password=***" + System.lineSeparator() + "plain 1" + System.lineSeparator() + "token=***"));
  }

  // ---------------------------------------------------------------- the command line

  private CliRun ingestWith(String credentials, boolean verbose) throws Exception {
    Path lake = tmp.getRoot().toPath().resolve("lake");
    Path in = tmp.getRoot().toPath().resolve("in.sgy");
    if (!Files.exists(in)) {
      Files.write(in, new byte[] {1, 2, 3});
    }
    return verbose
        ? CliRun.of(
            "ingest",
            "--input=" + in,
            "--dataset=d",
            "--lake=" + lake,
            "--awsCredentialsProvider=" + credentials,
            "--verbose")
        : CliRun.of(
            "ingest",
            "--input=" + in,
            "--dataset=d",
            "--lake=" + lake,
            "--awsCredentialsProvider=" + credentials);
  }

  private static void assertNoSecret(CliRun r) {
    assertThat(r.out, not(containsString(SECRET)));
    assertThat(r.err, not(containsString(SECRET)));
    assertThat(r.out, not(containsString(TOKEN)));
    assertThat(r.err, not(containsString(TOKEN)));
  }

  @Test
  public void cli_missingBrace_isOneLineWithoutTheSecret() throws Exception {
    for (boolean verbose : new boolean[] {false, true}) {
      CliRun r =
          ingestWith(
              "{\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"AKID\","
                  + "\"secretAccessKey\":\""
                  + SECRET
                  + "\"",
              verbose);
      assertNoSecret(r);
      assertThat(r.err, r.code, equalTo(2));
      assertThat(r.err, containsString("sediment ingest: "));
      assertThat(
          r.err,
          containsString(
              "sediment ingest: --awsCredentialsProvider does not parse: not well-formed JSON:"
                  + " Unexpected end-of-input: expected close marker for Object (value:"
                  + " {\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"AKID\","
                  + "\"secretAccessKey\":\"***\")\n"));
    }
  }

  @Test
  public void cli_unknownType_isOneLineWithoutTheSecret() throws Exception {
    for (boolean verbose : new boolean[] {false, true}) {
      CliRun r =
          ingestWith(
              "{\"@type\":\"NoSuchCredentialsProvider\",\"accessKeyId\":\"AKID\","
                  + "\"secretAccessKey\":\""
                  + SECRET
                  + "\",\"sessionToken\":\""
                  + TOKEN
                  + "\"}",
              verbose);
      assertNoSecret(r);
      assertThat(r.err, r.code, equalTo(2));
      assertThat(
          r.err,
          containsString(
              "sediment ingest: --awsCredentialsProvider does not parse: AWS credential provider"
                  + " type 'NoSuchCredentialsProvider' is not supported (value: {\"@type\":"
                  + "\"NoSuchCredentialsProvider\",\"accessKeyId\":\"AKID\",\"secretAccessKey\":"
                  + "\"***\",\"sessionToken\":\"***\"})\n"));
    }
  }

  @Test
  public void cli_sessionCredentialsWithMissingField_noSecret() throws Exception {
    CliRun r =
        ingestWith(
            "{\"@type\":\"StaticCredentialsProvider\",\"secretAccessKey\":\""
                + SECRET
                + "\",\"sessionToken\":\""
                + TOKEN
                + "\"}",
            true);
    assertNoSecret(r);
    assertThat(r.code, equalTo(2));
    assertThat(
        r.err,
        containsString(
            "sediment ingest: AWS credentials provider type 'StaticCredentialsProvider' is missing"
                + " 'accessKeyId'\n"));
  }

  @Test
  public void cli_failureMessageEchoingASecret_isRedacted() throws Exception {
    CliRun r =
        CliRun.of(
            "ingest",
            "--input=" + tmp.getRoot() + "/password=" + SECRET + "/none-*.sgy",
            "--dataset=d",
            "--lake=" + tmp.getRoot().toPath().resolve("lake"),
            "--verbose");
    assertNoSecret(r);
    assertThat(r.code, equalTo(1));
    assertThat(r.err, containsString("no file matches --input=" + tmp.getRoot() + "/password=***"));
  }
}
