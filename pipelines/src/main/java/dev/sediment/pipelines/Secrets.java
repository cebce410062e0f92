package dev.sediment.pipelines;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of what the command line prints: messages, stack traces, logs and echoed
 * options. Beam's option parser, Jackson and the AWS SDK quote the text they could not parse, so
 * a malformed {@code --awsCredentialsProvider={"@type":...,"secretAccessKey":"..."}} would
 * otherwise be printed back whole.
 *
 * <pre>{@code
 * Secrets.redact("{\"accessKeyId\":\"AK\",\"secretAccessKey\":\"s3cr3t\"}")
 * // {"accessKeyId":"AK","secretAccessKey":"***"}
 * }</pre>
 *
 * <p>Redacted: the value of every JSON field and {@code key=value} pair whose key contains {@code
 * secret}, {@code password}, {@code passwd}, {@code token}, {@code apikey}/{@code api_key}, {@code
 * privatekey}/{@code private_key} or {@code sessionkey} (any case: {@code secretAccessKey}, {@code
 * sessionToken}, {@code AWS_SECRET_ACCESS_KEY}, {@code password}), also when the JSON is cut off
 * before the value's closing quote, and the password of URL user info ({@code
 * https://user:***@host}). Key names, access key ids and everything else stay, so the message
 * still says what is wrong.
 */
public final class Secrets {
  /** What a secret is replaced with. */
  public static final String MASK = "***";

  private static final String KEY =
      "[A-Za-z0-9_.-]*(?:secret|password|passwd|token|api[_-]?key|private[_-]?key|session[_-]?key)"
          + "[A-Za-z0-9_.-]*";

  /** {@code "key" : "value"}, the value up to its closing quote or the end of the text. */
  private static final Pattern JSON_STRING =
      Pattern.compile("(\"" + KEY + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)", Pattern.CASE_INSENSITIVE);

  /** The same inside JSON that was itself quoted: {@code \"key\":\"value\"}. */
  private static final Pattern JSON_ESCAPED_STRING =
      Pattern.compile(
          "(\\\\\"" + KEY + "\\\\\"\\s*:\\s*\\\\\")((?:(?!\\\\\").)*)", Pattern.CASE_INSENSITIVE);

  /** {@code "key": 12345} or {@code "key": true}: an unquoted value. */
  private static final Pattern JSON_BARE =
      Pattern.compile("(\"" + KEY + "\"\\s*:\\s*)([^\"\\\\\\s,}\\]][^\\s,}\\]]*)", Pattern.CASE_INSENSITIVE);

  /**
   * {@code key=value} and {@code key: value} outside JSON; the key has no '.', so that a stack
   * frame such as {@code JsonToken.java:42} stays as it is.
   */
  private static final Pattern KEY_VALUE =
      Pattern.compile(
          "(?<![A-Za-z0-9_.\"-])(" + KEY.replace("_.-", "_-") + ")(\\s*[=:]\\s*)(?![\\s\"*])([^\\s,;&\"']+)",
          Pattern.CASE_INSENSITIVE);

  /** {@code scheme://user:password@host}. */
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*:)([^/@\\s]+)(@)");

  private Secrets() {}

  /** {@code text} with every secret value replaced by {@value #MASK}; null stays null. */
  public static String redact(String text) {
    if (text == null || !mayHoldSecret(text)) {
      return text;
    }
    String s = replace(JSON_STRING, text, 1);
    s = replace(JSON_ESCAPED_STRING, s, 1);
    s = replace(JSON_BARE, s, 1);
    s = KEY_VALUE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
    s = replace(USER_INFO, s, 1, 3);
    return s;
  }

  private static String replace(Pattern p, String s, int keepBefore) {
    return p.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(keepBefore) + MASK));
  }

  private static String replace(Pattern p, String s, int keepBefore, int keepAfter) {
    return p.matcher(s)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(keepBefore) + MASK + m.group(keepAfter)));
  }

  /** A cheap test that skips the patterns for the usual line. */
  private static boolean mayHoldSecret(String text) {
    if (text.contains("://")) {
      return true;
    }
    String l = text.toLowerCase(Locale.ROOT);
    return l.contains("secret")
        || l.contains("passw")
        || l.contains("token")
        || l.contains("key");
  }

  /**
   * A stream that prints through {@code target} line by line, each line {@link #redact}ed; what
   * is left of an unfinished line is printed on {@code flush()}.
   */
  public static PrintStream redacting(PrintStream target) {
    return new PrintStream(new RedactingLines(target), true, StandardCharsets.UTF_8);
  }

  /** Buffers one line, then writes it redacted. */
  private static final class RedactingLines extends FilterOutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    RedactingLines(OutputStream out) {
      super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          line.write(b, start, i + 1 - start);
          emit();
          start = i + 1;
        }
      }
      line.write(b, start, off + len - start);
    }

    private void emit() throws IOException {
      if (line.size() == 0) {
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      String redacted = redact(text);
      if (redacted.equals(text)) {
        line.writeTo(out);
      } else {
        out.write(redacted.getBytes(StandardCharsets.UTF_8));
      }
      line.reset();
    }

    @Override
    public synchronized void flush() throws IOException {
      emit();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
