package dev.sediment.transforms.validate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

/**
 * The short cuts of {@link BatchEvaluator} on string columns (min/max without comparing every
 * value, packed keys for {@code in} and for remembered regex verdicts) give exactly what comparing
 * and testing every value gives, on random strings of ASCII (NUL included), Latin, BMP characters
 * at and above U+E000 and supplementary characters, empty strings, long strings and nulls.
 */
public class BatchEvaluatorTest {
  private static final String[] PIECES = {
    "a", "b", "c", "z", "A", "Z", "0", "\0", " ", "~", "\u007f", "é", "\uE000", "\uFFFF",
    "\uD83D\uDE00", "\uD800\uDC00", "buy", "sell"
  };

  private static String randomString(Random r) {
    switch (r.nextInt(6)) {
      case 0:
        return r.nextBoolean() ? "buy" : "sell";
      case 1:
        return "";
      default:
        StringBuilder s = new StringBuilder();
        int len = r.nextInt(r.nextInt(4) == 0 ? 12 : 4);
        for (int i = 0; i < len; i++) {
          s.append(PIECES[r.nextInt(r.nextInt(3) == 0 ? PIECES.length : 9)]);
        }
        return s.toString();
    }
  }

  static final Schema S = Schema.builder().addNullableField("s", FieldType.STRING).build();

  @Test
  public void stringMinMaxInAndRegexAsEveryValueSays() {
    Rules rules =
        Rules.parse(
            String.join(
                "\n",
                "columns:",
                "  s:",
                "    - {rule: in, values: [buy, sell, '', \"\\0\"]}",
                "    - {rule: in, values: [buy, abcdefgh]}",
                "    - {rule: regex, pattern: \"^[a-c]\"}",
                ""),
            "r.yaml");
    Set<String> in1 = Set.of("buy", "sell", "", "\0");
    Set<String> in2 = Set.of("buy", "abcdefgh");
    java.util.regex.Pattern regex = java.util.regex.Pattern.compile("^[a-c]");
    BatchEvaluator e = new BatchEvaluator(rules, S);
    BatchRows conv = BatchRows.of(S);
    Random r = new Random(17);
    for (int round = 0; round < 300; round++) {
      int n = 1 + r.nextInt(round < 50 ? 5 : 400);
      List<Row> rows = new ArrayList<>();
      String min = null;
      String max = null;
      long nulls = 0;
      long[] fails = new long[3];
      for (int i = 0; i < n; i++) {
        String v = r.nextInt(8) == 0 ? null : randomString(r);
        rows.add(Row.withSchema(S).addValue(v).build());
        if (v == null) {
          nulls++;
          continue;
        }
        min = min == null || v.compareTo(min) < 0 ? v : min;
        max = max == null || v.compareTo(max) > 0 ? v : max;
        fails[0] += in1.contains(v) ? 0 : 1;
        fails[1] += in2.contains(v) ? 0 : 1;
        fails[2] += regex.matcher(v).find() ? 0 : 1;
      }
      ColumnBatch batch = conv.toBatch(rows, "mem:" + round);
      Partial p = new Partial(3, 5);
      p.columns = new ColumnAcc[] {new ColumnAcc(ColumnKind.of(S.getField(0)))};
      e.evaluate(batch, p);
      ColumnAcc acc = p.columns[0];
      assertEquals("round " + round, n, acc.count);
      assertEquals(nulls, acc.nulls);
      assertEquals("round " + round + " min", min, acc.smin);
      assertEquals("round " + round + " max", max, acc.smax);
      assertEquals("round " + round, Arrays.toString(fails), Arrays.toString(p.failed));
    }
  }

  @Test
  public void stringMinMaxOfNearNeighbours() {
    // Short strings over a, b, c and NUL: values that differ only in their first byte, or only in
    // their last byte or length.
    Rules rules = Rules.parse("columns:\n  s:\n    - {rule: not_null, severity: warn}\n", "r.yaml");
    BatchEvaluator e = new BatchEvaluator(rules, S);
    BatchRows conv = BatchRows.of(S);
    Random r = new Random(23);
    String[] alphabet = {"a", "b", "\0", "c"};
    for (int round = 0; round < 2000; round++) {
      int n = 1 + r.nextInt(12);
      List<Row> rows = new ArrayList<>();
      String min = null;
      String max = null;
      for (int i = 0; i < n; i++) {
        // No empty string (it would be the min, and nothing is skipped below an empty min).
        StringBuilder b = new StringBuilder(alphabet[r.nextInt(round % 2 == 0 ? 1 : 3)]);
        int len = r.nextInt(r.nextInt(5) == 0 ? 10 : 7);
        for (int k = 0; k < len; k++) {
          b.append(alphabet[r.nextInt(k < 4 ? 1 : alphabet.length)]);
        }
        String v = b.toString();
        rows.add(Row.withSchema(S).addValue(v).build());
        min = min == null || v.compareTo(min) < 0 ? v : min;
        max = max == null || v.compareTo(max) > 0 ? v : max;
      }
      Partial p = new Partial(1, 5);
      p.columns = new ColumnAcc[] {new ColumnAcc(ColumnKind.of(S.getField(0)))};
      e.evaluate(conv.toBatch(rows, "mem:" + round), p);
      assertEquals("round " + round + " min", min, p.columns[0].smin);
      assertEquals("round " + round + " max", max, p.columns[0].smax);
    }
  }

  @Test
  public void compareUtf16OnRandomStringsAsStringCompareTo() {
    Random r = new Random(3);
    String[] s = new String[400];
    for (int i = 0; i < s.length; i++) {
      s[i] = randomString(r);
      if (i % 7 == 0) {
        // Long shared prefixes: the Arrays.mismatch path.
        s[i] = "prefix-longer-than-16-bytes/" + s[i];
      }
    }
    BinaryColumn col = BinaryColumn.ofStrings(s);
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        assertEquals(
            s[i] + " vs " + s[j],
            Integer.signum(s[i].compareTo(s[j])),
            Integer.signum(BatchEvaluator.compareUtf16(col, i, j)));
      }
    }
  }

  @Test
  public void asciiKeyOrdersAsStringCompareTo_orIsMinusOne() {
    Random r = new Random(11);
    List<String> ascii = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(8);
      for (int k = 0; k < len; k++) {
        b.append((char) (r.nextInt(4) == 0 ? r.nextInt(3) : r.nextInt(128)));
      }
      ascii.add(b.toString());
    }
    for (String x : ascii) {
      long kx = key(x);
      assertTrue(x, kx >= 0);
      for (String y : ascii) {
        assertEquals(x + " vs " + y, Integer.signum(x.compareTo(y)), Long.signum(kx - key(y)));
      }
    }
    assertEquals(-1, key("abcdefgh"));
    assertEquals(-1, key("é"));
    assertEquals(-1, key("a\u0080"));
    assertEquals(0, key(""));
  }

  private static long key(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return BatchEvaluator.asciiKey(b, 0, b.length);
  }

  @Test
  public void shortValueMemo_remembersAndForgetsWhenFull() {
    ShortValueMemo m = new ShortValueMemo();
    byte[] d = "abcdefg".getBytes(StandardCharsets.US_ASCII);
    // "" and "\0" and "a" differ by length or bytes: distinct keys.
    long empty = ShortValueMemo.key(d, 0, 0);
    long nul = ShortValueMemo.key(new byte[1], 0, 1);
    long a = ShortValueMemo.key(d, 0, 1);
    long abc = ShortValueMemo.key(d, 0, 3);
    assertEquals(ShortValueMemo.UNKNOWN, m.get(empty));
    m.put(empty, true);
    m.put(nul, false);
    m.put(a, true);
    assertEquals(ShortValueMemo.FAILS, m.get(empty));
    assertEquals(ShortValueMemo.PASSES, m.get(nul));
    assertEquals(ShortValueMemo.FAILS, m.get(a));
    assertEquals(ShortValueMemo.UNKNOWN, m.get(abc));
    for (long k = 0; k < 5000; k++) {
      m.put((7L << 56) | (k + 1000), false);
    }
    // Cleared once 4096 keys were in it: "" is forgotten, the latest key is there.
    assertEquals(ShortValueMemo.UNKNOWN, m.get(empty));
    assertEquals(ShortValueMemo.PASSES, m.get((7L << 56) | (4999 + 1000)));
  }
}
