package dev.sediment.io.segy;

import java.util.Arrays;

/**
 * SEG-Y textual headers (the 3200-byte card image header and the extended textual headers, SEG-Y
 * rev 2.0 sections 4 and 7): EBCDIC code page 037 or ASCII, told apart by which reading gives more
 * letters, digits and spaces. Both decodings map each of the 256 byte values to its own
 * character (ASCII is read as ISO-8859-1), so text read and written back gives the same bytes.
 *
 * <pre>{@code
 * boolean ebcdic = TextHeader.isEbcdic(bytes, 0, 3200);
 * String text = TextHeader.decode(bytes, 0, 3200, ebcdic);
 * }</pre>
 */
public final class TextHeader {
  /** Bytes in one textual header. */
  public static final int SIZE = 3200;

  /** {@code fileHeaders()} value of an EBCDIC textual header. */
  public static final String EBCDIC = "EBCDIC";
  /** {@code fileHeaders()} value of an ASCII textual header. */
  public static final String ASCII = "ASCII";

  /** The rev 1 stanza that ends a variable count of extended textual headers. */
  public static final String END_TEXT = "((SEG: EndText))";

  /** IBM code page 037, byte value to character (every character is below U+0100). */
  private static final String CP037 =
      ""
          + "\u0000\u0001\u0002\u0003\u009C\u0009\u0086\u007F\u0097\u008D\u008E\u000B\u000C\r\u000E\u000F"
          + "\u0010\u0011\u0012\u0013\u009D\u0085\u0008\u0087\u0018\u0019\u0092\u008F\u001C\u001D\u001E\u001F"
          + "\u0080\u0081\u0082\u0083\u0084\n\u0017\u001B\u0088\u0089\u008A\u008B\u008C\u0005\u0006\u0007"
          + "\u0090\u0091\u0016\u0093\u0094\u0095\u0096\u0004\u0098\u0099\u009A\u009B\u0014\u0015\u009E\u001A"
          + "\u0020\u00A0\u00E2\u00E4\u00E0\u00E1\u00E3\u00E5\u00E7\u00F1\u00A2\u002E\u003C\u0028\u002B\u007C"
          + "\u0026\u00E9\u00EA\u00EB\u00E8\u00ED\u00EE\u00EF\u00EC\u00DF\u0021\u0024\u002A\u0029\u003B\u00AC"
          + "\u002D\u002F\u00C2\u00C4\u00C0\u00C1\u00C3\u00C5\u00C7\u00D1\u00A6\u002C\u0025\u005F\u003E\u003F"
          + "\u00F8\u00C9\u00CA\u00CB\u00C8\u00CD\u00CE\u00CF\u00CC\u0060\u003A\u0023\u0040\u0027\u003D\""
          + "\u00D8\u0061\u0062\u0063\u0064\u0065\u0066\u0067\u0068\u0069\u00AB\u00BB\u00F0\u00FD\u00FE\u00B1"
          + "\u00B0\u006A\u006B\u006C\u006D\u006E\u006F\u0070\u0071\u0072\u00AA\u00BA\u00E6\u00B8\u00C6\u00A4"
          + "\u00B5\u007E\u0073\u0074\u0075\u0076\u0077\u0078\u0079\u007A\u00A1\u00BF\u00D0\u00DD\u00DE\u00AE"
          + "\u005E\u00A3\u00A5\u00B7\u00A9\u00A7\u00B6\u00BC\u00BD\u00BE\u005B\u005D\u00AF\u00A8\u00B4\u00D7"
          + "\u007B\u0041\u0042\u0043\u0044\u0045\u0046\u0047\u0048\u0049\u00AD\u00F4\u00F6\u00F2\u00F3\u00F5"
          + "\u007D\u004A\u004B\u004C\u004D\u004E\u004F\u0050\u0051\u0052\u00B9\u00FB\u00FC\u00F9\u00FA\u00FF"
          + "\\\u00F7\u0053\u0054\u0055\u0056\u0057\u0058\u0059\u005A\u00B2\u00D4\u00D6\u00D2\u00D3\u00D5"
          + "\u0030\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038\u0039\u00B3\u00DB\u00DC\u00D9\u00DA\u009F";

  private static final char[] DECODE = CP037.toCharArray();
  private static final byte[] ENCODE = new byte[256];

  static {
    if (DECODE.length != 256) {
      throw new AssertionError("code page 037 table has " + DECODE.length + " entries");
    }
    boolean[] seen = new boolean[256];
    for (int i = 0; i < 256; i++) {
      int c = DECODE[i];
      if (c > 0xFF || seen[c]) {
        throw new AssertionError("code page 037 table is not one-to-one at byte " + i);
      }
      seen[c] = true;
      ENCODE[c] = (byte) i;
    }
  }

  private TextHeader() {}

  /** Whether the text at {@code b[off..off+len)} reads better as EBCDIC than as ASCII. */
  public static boolean isEbcdic(byte[] b, int off, int len) {
    int ascii = 0;
    int ebcdic = 0;
    for (int i = off; i < off + len; i++) {
      int v = b[i] & 0xFF;
      if (isWordChar((char) v)) {
        ascii++;
      }
      if (isWordChar(DECODE[v])) {
        ebcdic++;
      }
    }
    return ebcdic >= ascii;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ';
  }

  /** The text of {@code len} bytes, one character per byte. */
  public static String decode(byte[] b, int off, int len, boolean ebcdic) {
    char[] out = new char[len];
    for (int i = 0; i < len; i++) {
      int v = b[off + i] & 0xFF;
      out[i] = ebcdic ? DECODE[v] : (char) v;
    }
    return new String(out);
  }

  /**
   * {@code text} as a 3200-byte header: padded with spaces, cut at 3200 characters, characters
   * the code page lacks written as '?'.
   */
  public static byte[] encode(String text, boolean ebcdic) {
    byte[] out = new byte[SIZE];
    Arrays.fill(out, ebcdic ? ENCODE[' '] : (byte) ' ');
    int n = Math.min(SIZE, text.length());
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        c = '?';
      }
      out[i] = ebcdic ? ENCODE[c] : (byte) c;
    }
    return out;
  }

  /**
   * A card-image header of 40 lines of 80 characters, "C 1 " to "C40 ", holding {@code lines}
   * (each cut at 76 characters).
   */
  public static String cards(String... lines) {
    StringBuilder sb = new StringBuilder(SIZE);
    for (int i = 0; i < 40; i++) {
      String card = String.format("C%2d %s", i + 1, i < lines.length ? lines[i] : "");
      if (card.length() > 80) {
        card = card.substring(0, 80);
      }
      sb.append(card);
      for (int k = card.length(); k < 80; k++) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }
}
