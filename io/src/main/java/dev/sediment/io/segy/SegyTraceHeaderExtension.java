package dev.sediment.io.segy;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * SEG-Y rev 2 Trace Header Extension 1 (SEG-Y rev 2.0 section 7.1, table 8): the 240-byte
 * additional trace header named "SEG00001" in its bytes 233-240, which, when present, is the first
 * additional header after the standard one. Each field is listed in a trace's {@code headers()}
 * under {@link #PREFIX} and a name after the standard's description: {@code
 * SEG00001.ExtTraceSequenceLine} (1-8, unsigned), {@code ExtTraceSequenceFile} (9-16, unsigned),
 * {@code ExtFieldRecord} (17-24), {@code ExtEnsembleNumber} (25-32), the float64 fields {@code
 * ExtReceiverGroupElevation} (33), {@code ReceiverGroupDepth} (41), {@code
 * ExtSourceSurfaceElevation} (49), {@code ExtSourceDepth} (57), {@code ExtReceiverDatumElevation}
 * (65), {@code ExtSourceDatumElevation} (73), {@code ExtSourceWaterDepth} (81), {@code
 * ExtGroupWaterDepth} (89), {@code ExtSourceX} (97), {@code ExtSourceY} (105), {@code ExtGroupX}
 * (113), {@code ExtGroupY} (121), {@code ExtSourceGroupDistance} (129), then {@code
 * ExtSampleCount} (137-140, unsigned), {@code NanosecondsOfSecond} (141-144), {@code
 * ExtSampleInterval} (145-152, float64, µs), {@code CableNumber} (153-156), {@code
 * AdditionalTraceHeaderCount} (157-158, unsigned: additional headers of this trace including this
 * one), {@code LastTraceFlag} (159-160), {@code ExtCDP_X} (161, float64), {@code ExtCDP_Y} (169,
 * float64), {@code Unassigned} (177-232, hex, listed only when not all zero) and {@code HeaderName}
 * (233-240, hex of the eight name bytes, ASCII or EBCDIC as written). The prefix keeps the names
 * apart from the standard header's. Values are text as in {@link SegyField}; the fields cover all
 * 240 bytes, so the header round-trips exactly.
 */
public final class SegyTraceHeaderExtension {
  /** Prefix of the {@code headers()} keys of the extension's fields. */
  public static final String PREFIX = "SEG00001.";
  /** Bytes in an additional trace header. */
  public static final int SIZE = 240;

  /** Field name (without prefix) of the number of additional headers of the trace (157-158). */
  public static final String ADDITIONAL_TRACE_HEADER_COUNT = "AdditionalTraceHeaderCount";
  /** Field name (without prefix) of the header name (233-240). */
  public static final String HEADER_NAME = "HeaderName";

  private static final byte[] NAME_ASCII = {'S', 'E', 'G', '0', '0', '0', '0', '1'};
  private static final byte[] NAME_EBCDIC = TextHeader.encode("SEG00001", true);

  private static final Object[][] TABLE = {
    {"ExtTraceSequenceLine", 1, 8, 'u'}, {"ExtTraceSequenceFile", 9, 8, 'u'},
    {"ExtFieldRecord", 17, 8, 's'}, {"ExtEnsembleNumber", 25, 8, 's'},
    {"ExtReceiverGroupElevation", 33, 8, 'd'}, {"ReceiverGroupDepth", 41, 8, 'd'},
    {"ExtSourceSurfaceElevation", 49, 8, 'd'}, {"ExtSourceDepth", 57, 8, 'd'},
    {"ExtReceiverDatumElevation", 65, 8, 'd'}, {"ExtSourceDatumElevation", 73, 8, 'd'},
    {"ExtSourceWaterDepth", 81, 8, 'd'}, {"ExtGroupWaterDepth", 89, 8, 'd'},
    {"ExtSourceX", 97, 8, 'd'}, {"ExtSourceY", 105, 8, 'd'}, {"ExtGroupX", 113, 8, 'd'},
    {"ExtGroupY", 121, 8, 'd'}, {"ExtSourceGroupDistance", 129, 8, 'd'},
    {"ExtSampleCount", 137, 4, 'u'}, {"NanosecondsOfSecond", 141, 4, 's'},
    {"ExtSampleInterval", 145, 8, 'd'}, {"CableNumber", 153, 4, 's'},
    {ADDITIONAL_TRACE_HEADER_COUNT, 157, 2, 'u'}, {"LastTraceFlag", 159, 2, 's'},
    {"ExtCDP_X", 161, 8, 'd'}, {"ExtCDP_Y", 169, 8, 'd'}, {"Unassigned", 177, 56, 'b'},
    {HEADER_NAME, 233, 8, 'n'},
  };

  /** The fields in byte order, named with {@link #PREFIX}. */
  public static final SegyField[] FIELDS = new SegyField[TABLE.length];

  private static final Map<String, SegyField> BY_NAME;

  static {
    Map<String, SegyField> m = new HashMap<>();
    int next = 1;
    for (int i = 0; i < TABLE.length; i++) {
      String name = PREFIX + TABLE[i][0];
      int first = (Integer) TABLE[i][1];
      int size = (Integer) TABLE[i][2];
      char k = (Character) TABLE[i][3];
      SegyField.Kind kind = k == 'u' ? SegyField.Kind.UNSIGNED
          : k == 'd' ? SegyField.Kind.FLOAT64
          : k == 's' ? SegyField.Kind.SIGNED
          : SegyField.Kind.BYTES;
      FIELDS[i] = new SegyField(name, first, size, kind, k != 'b');
      if (first != next) {
        throw new AssertionError("trace header extension 1 table has a gap at byte " + next);
      }
      next = first + size;
      m.put(name, FIELDS[i]);
    }
    if (next != SIZE + 1) {
      throw new AssertionError("trace header extension 1 table ends at byte " + next);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private SegyTraceHeaderExtension() {}

  /** Whether the 240 bytes at {@code off} are named "SEG00001" (ASCII or EBCDIC) in 233-240. */
  public static boolean isExtension1(byte[] b, int off) {
    boolean ascii = true;
    boolean ebcdic = true;
    for (int i = 0; i < 8; i++) {
      byte v = b[off + 232 + i];
      ascii &= v == NAME_ASCII[i];
      ebcdic &= v == NAME_EBCDIC[i];
    }
    return ascii || ebcdic;
  }

  /** The trace's additional header count (157-158) of the extension at {@code off}. */
  public static int additionalHeaderCount(byte[] b, int off, ByteOrder order) {
    return (int) BY_NAME.get(PREFIX + ADDITIONAL_TRACE_HEADER_COUNT).readLong(b, off + 156, order);
  }

  /** Whether {@code values} hold any field of the extension. */
  public static boolean present(Map<String, String> values) {
    return values.containsKey(PREFIX + HEADER_NAME);
  }

  /** Reads every field of the extension at {@code off} into {@code out}. */
  public static void read(byte[] b, int off, ByteOrder order, Map<String, String> out) {
    SegyField.readAll(FIELDS, b, off, 1, order, out);
  }

  /** Writes the extension's fields found in {@code values} into the 240 bytes at {@code off}. */
  public static void write(Map<String, String> values, byte[] b, int off, ByteOrder order) {
    for (SegyField f : FIELDS) {
      String v = values.get(f.name());
      if (v != null) {
        f.write(v, b, off, 1, order);
      }
    }
  }
}
