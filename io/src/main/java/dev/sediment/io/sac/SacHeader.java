package dev.sediment.io.sac;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 632-byte SAC header (SAC manual, "SAC Data File Format", header version 6): 70 float32
 * words, 40 int32 words and 23 strings of 8 bytes (KEVNM takes 16), every field by its standard
 * upper-case name. The header keeps undefined values (-12345, "-12345") as they are, so a header
 * that is read and written again keeps every value.
 *
 * <p>{@code
 * SacHeader h = SacHeader.decode(bytes, 0, ByteOrder.LITTLE_ENDIAN);
 * float delta = h.getFloat("DELTA");
 * Map<String, String> all = h.toMap(); // DELTA=0.01, NPTS=1000, KSTNM=ANMO, ...
 * }
 *
 * <p>Text form of the values in {@link #toMap()}: floats as the shortest decimal that reads back
 * to the same float32 (integral values without a fraction: "-12345", "100"); ints, logicals
 * (LEVEN: 1 true, 0 false) and enumerations (IFTYPE: 1 ITIME, 2 IRLIM, 3 IAMPH, 4 IXY, 51 IXYZ)
 * as decimal ints; strings up to the first NUL with trailing blanks removed, bytes read as
 * ISO-8859-1 so that any byte survives a round trip. Unused and internal words are kept under the
 * names FMT, SB, SDELTA, UNUSED1..UNUSED7 (floats), NSNPTS, UNUSED8, UNUSED9, IBODY,
 * UNUSED11..UNUSED18 (ints).
 */
public final class SacHeader {
  /** Bytes in a binary SAC header. */
  public static final int SIZE = 632;
  /** The undefined value of float, int, logical and enumerated fields. */
  public static final int UNDEFINED = -12345;
  /** The undefined value of string fields, without its trailing blanks. */
  public static final String UNDEFINED_STRING = "-12345";
  /** Enumerated IFTYPE values. */
  public static final int ITIME = 1;
  public static final int IRLIM = 2;
  public static final int IAMPH = 3;
  public static final int IXY = 4;
  /** Byte offset of NVHDR, the header version that also tells the byte order. */
  public static final int NVHDR_OFFSET = 304;
  /** Byte offset of NPTS. */
  public static final int NPTS_OFFSET = 316;

  static final List<String> FLOAT_NAMES =
      List.of(
          "DELTA", "DEPMIN", "DEPMAX", "SCALE", "ODELTA", "B", "E", "O", "A", "FMT", "T0", "T1",
          "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "F", "RESP0", "RESP1", "RESP2", "RESP3",
          "RESP4", "RESP5", "RESP6", "RESP7", "RESP8", "RESP9", "STLA", "STLO", "STEL", "STDP",
          "EVLA", "EVLO", "EVEL", "EVDP", "MAG", "USER0", "USER1", "USER2", "USER3", "USER4",
          "USER5", "USER6", "USER7", "USER8", "USER9", "DIST", "AZ", "BAZ", "GCARC", "SB",
          "SDELTA", "DEPMEN", "CMPAZ", "CMPINC", "XMINIMUM", "XMAXIMUM", "YMINIMUM", "YMAXIMUM",
          "UNUSED1", "UNUSED2", "UNUSED3", "UNUSED4", "UNUSED5", "UNUSED6", "UNUSED7");

  static final List<String> INT_NAMES =
      List.of(
          "NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC", "NVHDR", "NORID", "NEVID",
          "NPTS", "NSNPTS", "NWFID", "NXSIZE", "NYSIZE", "UNUSED8", "IFTYPE", "IDEP", "IZTYPE",
          "UNUSED9", "IINST", "ISTREG", "IEVREG", "IEVTYP", "IQUAL", "ISYNTH", "IMAGTYP",
          "IMAGSRC", "IBODY", "UNUSED11", "UNUSED12", "UNUSED13", "UNUSED14", "UNUSED15",
          "UNUSED16", "UNUSED17", "LEVEN", "LPSPOL", "LOVROK", "LCALDA", "UNUSED18");

  static final List<String> STRING_NAMES =
      List.of(
          "KSTNM", "KEVNM", "KHOLE", "KO", "KA", "KT0", "KT1", "KT2", "KT3", "KT4", "KT5", "KT6",
          "KT7", "KT8", "KT9", "KF", "KUSER0", "KUSER1", "KUSER2", "KCMPNM", "KNETWK", "KDATRD",
          "KINST");

  private static final Map<String, Integer> FLOAT_INDEX = index(FLOAT_NAMES);
  private static final Map<String, Integer> INT_INDEX = index(INT_NAMES);
  private static final Map<String, Integer> STRING_INDEX = index(STRING_NAMES);

  private final float[] floats = new float[70];
  private final int[] ints = new int[40];
  private final String[] strings = new String[23];

  private SacHeader() {}

  private static Map<String, Integer> index(List<String> names) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    return Collections.unmodifiableMap(m);
  }

  /** A header with every field undefined. */
  public static SacHeader undefined() {
    SacHeader h = new SacHeader();
    Arrays.fill(h.floats, UNDEFINED);
    Arrays.fill(h.ints, UNDEFINED);
    Arrays.fill(h.strings, UNDEFINED_STRING);
    return h;
  }

  /** Every field name in file order: floats, ints, strings. */
  public static List<String> names() {
    List<String> all = new java.util.ArrayList<>(133);
    all.addAll(FLOAT_NAMES);
    all.addAll(INT_NAMES);
    all.addAll(STRING_NAMES);
    return all;
  }

  /** Byte length of string field {@code name}: 16 for KEVNM, else 8. */
  static int stringWidth(int i) {
    return i == 1 ? 16 : 8;
  }

  /** Byte offset of string field {@code i} in the header. */
  static int stringOffset(int i) {
    return 440 + (i <= 1 ? 8 * i : 8 * (i + 1));
  }

  /**
   * The byte order of a binary SAC header, from NVHDR (6 or 7) at byte 304, or null when neither
   * order gives a known version.
   */
  public static ByteOrder byteOrder(byte[] head, int off) {
    int le = readInt(head, off + NVHDR_OFFSET, ByteOrder.LITTLE_ENDIAN);
    if (le == 6 || le == 7) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    int be = readInt(head, off + NVHDR_OFFSET, ByteOrder.BIG_ENDIAN);
    if (be == 6 || be == 7) {
      return ByteOrder.BIG_ENDIAN;
    }
    return null;
  }

  /** Reads the 632 header bytes at {@code off}. */
  public static SacHeader decode(byte[] b, int off, ByteOrder order) {
    SacHeader h = new SacHeader();
    for (int i = 0; i < 70; i++) {
      h.floats[i] = Float.intBitsToFloat(readInt(b, off + 4 * i, order));
    }
    for (int i = 0; i < 40; i++) {
      h.ints[i] = readInt(b, off + 280 + 4 * i, order);
    }
    for (int i = 0; i < 23; i++) {
      h.strings[i] = cleanString(b, off + stringOffset(i), stringWidth(i));
    }
    return h;
  }

  /** Writes the 632 header bytes at {@code off}; strings padded with blanks. */
  public void encode(byte[] b, int off, ByteOrder order) {
    for (int i = 0; i < 70; i++) {
      writeInt(b, off + 4 * i, Float.floatToRawIntBits(floats[i]), order);
    }
    for (int i = 0; i < 40; i++) {
      writeInt(b, off + 280 + 4 * i, ints[i], order);
    }
    for (int i = 0; i < 23; i++) {
      int width = stringWidth(i);
      int at = off + stringOffset(i);
      Arrays.fill(b, at, at + width, (byte) ' ');
      byte[] s = strings[i].getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(s, 0, b, at, s.length);
    }
  }

  /** Bytes up to the first NUL, ISO-8859-1, trailing blanks removed. */
  static String cleanString(byte[] b, int off, int width) {
    int end = off;
    while (end < off + width && b[end] != 0) {
      end++;
    }
    while (end > off && b[end - 1] == ' ') {
      end--;
    }
    return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
  }

  static int readInt(byte[] b, int off, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }
    return (b[off + 3] & 0xff) << 24 | (b[off + 2] & 0xff) << 16 | (b[off + 1] & 0xff) << 8 | (b[off] & 0xff);
  }

  static void writeInt(byte[] b, int off, int v, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      b[off] = (byte) (v >>> 24);
      b[off + 1] = (byte) (v >>> 16);
      b[off + 2] = (byte) (v >>> 8);
      b[off + 3] = (byte) v;
    } else {
      b[off + 3] = (byte) (v >>> 24);
      b[off + 2] = (byte) (v >>> 16);
      b[off + 1] = (byte) (v >>> 8);
      b[off] = (byte) v;
    }
  }

  public static boolean isFloat(String name) {
    return FLOAT_INDEX.containsKey(name);
  }

  public static boolean isInt(String name) {
    return INT_INDEX.containsKey(name);
  }

  public static boolean isString(String name) {
    return STRING_INDEX.containsKey(name);
  }

  public float getFloat(String name) {
    return floats[idx(FLOAT_INDEX, name)];
  }

  public int getInt(String name) {
    return ints[idx(INT_INDEX, name)];
  }

  /** The string value without trailing blanks ("-12345" when undefined). */
  public String getString(String name) {
    return strings[idx(STRING_INDEX, name)];
  }

  /** The string value, or null when it is undefined. */
  public String getDefinedString(String name) {
    String s = getString(name);
    return UNDEFINED_STRING.equals(s) ? null : s;
  }

  public SacHeader setFloat(String name, float v) {
    floats[idx(FLOAT_INDEX, name)] = v;
    return this;
  }

  public SacHeader setInt(String name, int v) {
    ints[idx(INT_INDEX, name)] = v;
    return this;
  }

  /**
   * Sets a string field; null means undefined. Fails when the value does not fit the field (8
   * bytes, KEVNM 16) in ISO-8859-1.
   */
  public SacHeader setString(String name, String v) {
    int i = idx(STRING_INDEX, name);
    String s = v == null ? UNDEFINED_STRING : v;
    if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(s)
        || s.length() > stringWidth(i)) {
      throw new IllegalArgumentException(
          "SAC header "
              + name
              + " holds at most "
              + stringWidth(i)
              + " ISO-8859-1 characters, got '"
              + s
              + "'");
    }
    strings[i] = s;
    return this;
  }

  private static int idx(Map<String, Integer> m, String name) {
    Integer i = m.get(name);
    if (i == null) {
      throw new IllegalArgumentException("not a SAC header field of this kind: " + name);
    }
    return i;
  }

  /** Every field by name in file order, as text (see the class comment). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>(256);
    for (int i = 0; i < 70; i++) {
      m.put(FLOAT_NAMES.get(i), formatFloat(floats[i]));
    }
    for (int i = 0; i < 40; i++) {
      m.put(INT_NAMES.get(i), Integer.toString(ints[i]));
    }
    for (int i = 0; i < 23; i++) {
      m.put(STRING_NAMES.get(i), strings[i]);
    }
    return m;
  }

  /**
   * A header from {@link #toMap()}-style text values; fields that are missing stay undefined and
   * names that are not SAC header fields are ignored.
   *
   * @throws IllegalArgumentException when a value does not parse or does not fit its field
   */
  public static SacHeader fromMap(Map<String, String> values) {
    SacHeader h = undefined();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String name = e.getKey();
      String v = e.getValue();
      if (v == null) {
        continue;
      }
      try {
        if (FLOAT_INDEX.containsKey(name)) {
          h.setFloat(name, Float.parseFloat(v.trim()));
        } else if (INT_INDEX.containsKey(name)) {
          h.setInt(name, Integer.parseInt(v.trim()));
        } else if (STRING_INDEX.containsKey(name)) {
          h.setString(name, v);
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("SAC header " + name + " is not a number: '" + v + "'", ex);
      }
    }
    return h;
  }

  /** The shortest decimal that reads back as {@code f}; integral values without a fraction. */
  public static String formatFloat(float f) {
    if (f == (long) f && Math.abs(f) < 1e9f && Float.floatToRawIntBits(f) != 0x80000000) {
      return Long.toString((long) f);
    }
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      return Float.toString(f);
    }
    return shortestDecimal(f).toString();
  }

  /** The decimal with the fewest significant digits that rounds to {@code f} as a float32. */
  static BigDecimal shortestDecimal(float f) {
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; digits < 10; digits++) {
      BigDecimal d = exact.round(new MathContext(digits));
      if (d.floatValue() == f) {
        return d.stripTrailingZeros();
      }
    }
    return exact;
  }

  /**
   * 1/DELTA in Hz from the decimal DELTA stands for (0.01 gives 100, not 1/0.0099999998), NaN
   * when DELTA is undefined, not positive or not finite.
   */
  public static double rateFromDelta(float delta) {
    if (!(delta > 0) || Float.isInfinite(delta) || delta == UNDEFINED) {
      return Double.NaN;
    }
    return 1.0 / shortestDecimal(delta).doubleValue();
  }
}
