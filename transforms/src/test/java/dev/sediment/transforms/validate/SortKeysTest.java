package dev.sediment.transforms.validate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The byte layouts sort, unsigned and lexicographic, as the scans need. */
@RunWith(JUnit4.class)
public class SortKeysTest {
  @Test
  public void ruleChannelStart_sortsByRuleThenChannelThenSignedStartThenId() {
    List<byte[]> keys = new ArrayList<>();
    keys.add(SortKeys.ruleChannelStart(1, "A", -5, "x"));
    keys.add(SortKeys.ruleChannelStart(0, "AB", Long.MIN_VALUE, "x"));
    keys.add(SortKeys.ruleChannelStart(0, "A", 7, "b"));
    keys.add(SortKeys.ruleChannelStart(0, "A", 7, "a"));
    keys.add(SortKeys.ruleChannelStart(0, "A", -1, "z"));
    keys.add(SortKeys.ruleChannelStart(0, "A", Long.MAX_VALUE, "a"));
    keys.sort(Arrays::compareUnsigned);
    List<String> seen = new ArrayList<>();
    for (byte[] k : keys) {
      seen.add(SortKeys.getInt(k, 0) + " " + SortKeys.channel(k) + " " + k.length);
    }
    assertThat(
        seen, contains("0 A 18", "0 A 18", "0 A 18", "0 A 18", "0 AB 19", "1 A 18"));
    assertThat(keys.get(0), equalTo(SortKeys.ruleChannelStart(0, "A", -1, "z")));
    assertThat(keys.get(1), equalTo(SortKeys.ruleChannelStart(0, "A", 7, "a")));
    assertThat(keys.get(2), equalTo(SortKeys.ruleChannelStart(0, "A", 7, "b")));
    assertThat(keys.get(3), equalTo(SortKeys.ruleChannelStart(0, "A", Long.MAX_VALUE, "a")));
    assertThat(SortKeys.channelPrefix(keys.get(4)), equalTo(10));
  }

  @Test
  public void idTag_keepsEachIdContiguous_recordFirst() {
    List<byte[]> keys = new ArrayList<>();
    keys.add(SortKeys.idTag("ab-10", SortKeys.FAILURE));
    keys.add(SortKeys.idTag("ab-1", SortKeys.FAILURE));
    keys.add(SortKeys.idTag("ab-10", SortKeys.RECORD));
    keys.add(SortKeys.idTag("ab-1", SortKeys.RECORD));
    keys.sort(Arrays::compareUnsigned);
    List<String> seen = new ArrayList<>();
    for (byte[] k : keys) {
      seen.add(SortKeys.id(k) + "/" + SortKeys.tag(k));
    }
    assertThat(seen, contains("ab-1/0", "ab-1/1", "ab-10/0", "ab-10/1"));
  }

  @Test
  public void ruleValue_roundTripsTheValue_andBucketsStayInRange() {
    byte[] k = SortKeys.ruleValue(3, "\"é\"");
    assertThat(SortKeys.getInt(k, 0), equalTo(3));
    assertThat(SortKeys.value(k), equalTo("\"é\""));
    assertThat(SortKeys.bucket(k, k.length, 1), equalTo(0));
    for (int i = 0; i < 1000; i++) {
      byte[] v = SortKeys.ruleValue(0, Integer.toString(i));
      int b = SortKeys.bucket(v, v.length, 7);
      assertThat(b >= 0 && b < 7, equalTo(true));
      assertThat(SortKeys.bucket(v, v.length, 7), equalTo(b));
    }
  }
}
