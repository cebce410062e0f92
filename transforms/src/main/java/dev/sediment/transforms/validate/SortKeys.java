package dev.sediment.transforms.validate;

import java.nio.charset.StandardCharsets;

/**
 * The byte[] secondary keys of Validate's bucketed groupings. {@link ByteKeySorter} orders
 * values by these bytes, unsigned and lexicographic, so every layout here puts the fields that
 * must be contiguous first, as fixed-width big-endian or length-prefixed fields.
 */
final class SortKeys {
  /** Join tags: a record sorts before the failures of its id. */
  static final byte RECORD = 0;

  static final byte FAILURE = 1;

  private SortKeys() {}

  /** Column {@code unique} and dataset {@code unique}: rule index, then the JSON text. */
  static byte[] ruleValue(int rule, String json) {
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[4 + text.length];
    putInt(k, 0, rule);
    System.arraycopy(text, 0, k, 4, text.length);
    return k;
  }

  static String value(byte[] ruleValue) {
    return new String(ruleValue, 4, ruleValue.length - 4, StandardCharsets.UTF_8);
  }

  /**
   * Gaps and overlaps: rule index, length-prefixed channel, start with its sign bit flipped (so
   * negative starts sort first), then the record id; within a channel, records come by (start,
   * id) as the rules require.
   */
  static byte[] ruleChannelStart(int rule, String channel, long startNs, String id) {
    byte[] ch = channel.getBytes(StandardCharsets.UTF_8);
    byte[] idb = id.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[4 + 4 + ch.length + 8 + idb.length];
    putInt(k, 0, rule);
    putInt(k, 4, ch.length);
    System.arraycopy(ch, 0, k, 8, ch.length);
    putLong(k, 8 + ch.length, startNs ^ Long.MIN_VALUE);
    System.arraycopy(idb, 0, k, 16 + ch.length, idb.length);
    return k;
  }

  /** The length of the (rule, channel) prefix of a {@link #ruleChannelStart} key. */
  static int channelPrefix(byte[] k) {
    return 8 + getInt(k, 4);
  }

  static String channel(byte[] k) {
    return new String(k, 8, getInt(k, 4), StandardCharsets.UTF_8);
  }

  /**
   * The join: the record id, then a tag. Ids are ASCII letters, digits and '-', all above both
   * tags, so the entries of one id are contiguous with the record first.
   */
  static byte[] idTag(String id, byte tag) {
    byte[] idb = id.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[idb.length + 1];
    System.arraycopy(idb, 0, k, 0, idb.length);
    k[idb.length] = tag;
    return k;
  }

  static String id(byte[] idTag) {
    return new String(idTag, 0, idTag.length - 1, StandardCharsets.UTF_8);
  }

  static byte tag(byte[] idTag) {
    return idTag[idTag.length - 1];
  }

  /** A bucket in [0, buckets) from bytes [0, to) of {@code k}: FNV-1a, then a final mix. */
  static int bucket(byte[] k, int to, int buckets) {
    int h = 0x811c9dc5;
    for (int i = 0; i < to; i++) {
      h ^= k[i] & 0xff;
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return Math.floorMod(h, buckets);
  }

  static int getInt(byte[] k, int at) {
    return ((k[at] & 0xff) << 24)
        | ((k[at + 1] & 0xff) << 16)
        | ((k[at + 2] & 0xff) << 8)
        | (k[at + 3] & 0xff);
  }

  static void putInt(byte[] k, int at, int v) {
    k[at] = (byte) (v >>> 24);
    k[at + 1] = (byte) (v >>> 16);
    k[at + 2] = (byte) (v >>> 8);
    k[at + 3] = (byte) v;
  }

  static void putLong(byte[] k, int at, long v) {
    putInt(k, at, (int) (v >>> 32));
    putInt(k, at + 4, (int) v);
  }
}
