package dev.sediment.io.segy;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The 400-byte binary file header (file bytes 3201-3600; SEG-Y rev 2.0 section 5, table 2), field
 * by field. Names of the rev 0/1 fields are segyio's {@code BinField} names ({@code JobID}, {@code
 * Interval} (3217), {@code Samples} (3221), {@code Format} (3225), {@code SEGYRevision} (3501-3502
 * as one 16-bit word in the file's byte order, 0x0100 = rev 1), {@code TraceFlag} (3503, fixed
 * length), {@code ExtendedHeaders} (3505)); the rev 2 fields follow segyio 1.9: {@code ExtTraces},
 * {@code ExtAuxTraces}, {@code ExtSamples} (3269), {@code ExtInterval} (3273, float64), {@code
 * ExtIntervalOriginal}, {@code ExtSamplesOriginal}, {@code ExtEnsembleFold}, {@code IntConstant}
 * (3297, the byte-order word 16909060 = 0x01020304), {@code MaxAdditionalTraceHeaders}, {@code
 * TimeBasisCode}, {@code NrTracesInStream}, {@code FirstTraceOffset}, {@code NrTrailerStanza}.
 * The unassigned blocks 3301-3500 ({@code Unassigned1}) and 3533-3600 ({@code Unassigned2}) are
 * hex. The fields cover all 400 bytes, so a header round-trips exactly.
 *
 * <p>The rev 0/1 fields and the three rev 1 words at 3501-3506 are always listed; the others only
 * when their bytes are not all zero (in a rev 0 or rev 1 file they are unassigned bytes and are
 * not interpreted, only kept).
 */
public final class SegyBinaryHeader {
  /** First byte of the binary header in the file, 1-based. */
  public static final int FIRST_BYTE = 3201;
  /** Bytes in the binary header. */
  public static final int SIZE = 400;

  public static final String SAMPLES = "Samples";
  public static final String INTERVAL = "Interval";
  public static final String FORMAT = "Format";
  public static final String REVISION = "SEGYRevision";
  public static final String TRACE_FLAG = "TraceFlag";
  public static final String EXTENDED_HEADERS = "ExtendedHeaders";
  public static final String EXT_SAMPLES = "ExtSamples";
  public static final String EXT_INTERVAL = "ExtInterval";
  public static final String INT_CONSTANT = "IntConstant";
  public static final String MAX_ADDITIONAL_TRACE_HEADERS = "MaxAdditionalTraceHeaders";
  public static final String FIRST_TRACE_OFFSET = "FirstTraceOffset";
  public static final String NR_TRAILER_STANZA = "NrTrailerStanza";

  private static final Object[][] TABLE = {
    {"JobID", 3201, 4, "s"}, {"LineNumber", 3205, 4, "s"}, {"ReelNumber", 3209, 4, "s"},
    {"Traces", 3213, 2, "s"}, {"AuxTraces", 3215, 2, "s"}, {"Interval", 3217, 2, "u"},
    {"IntervalOriginal", 3219, 2, "u"}, {"Samples", 3221, 2, "u"}, {"SamplesOriginal", 3223, 2, "u"},
    {"Format", 3225, 2, "s"}, {"EnsembleFold", 3227, 2, "s"}, {"SortingCode", 3229, 2, "s"},
    {"VerticalSum", 3231, 2, "s"}, {"SweepFrequencyStart", 3233, 2, "s"},
    {"SweepFrequencyEnd", 3235, 2, "s"}, {"SweepLength", 3237, 2, "s"}, {"Sweep", 3239, 2, "s"},
    {"SweepChannel", 3241, 2, "s"}, {"SweepTaperStart", 3243, 2, "s"},
    {"SweepTaperEnd", 3245, 2, "s"}, {"Taper", 3247, 2, "s"}, {"CorrelatedTraces", 3249, 2, "s"},
    {"BinaryGainRecovery", 3251, 2, "s"}, {"AmplitudeRecovery", 3253, 2, "s"},
    {"MeasurementSystem", 3255, 2, "s"}, {"ImpulseSignalPolarity", 3257, 2, "s"},
    {"VibratoryPolarity", 3259, 2, "s"},
    {"ExtTraces", 3261, 4, "s?"}, {"ExtAuxTraces", 3265, 4, "s?"}, {"ExtSamples", 3269, 4, "s?"},
    {"ExtInterval", 3273, 8, "d?"}, {"ExtIntervalOriginal", 3281, 8, "d?"},
    {"ExtSamplesOriginal", 3289, 4, "s?"}, {"ExtEnsembleFold", 3293, 4, "s?"},
    {"IntConstant", 3297, 4, "s?"}, {"Unassigned1", 3301, 200, "b?"},
    {"SEGYRevision", 3501, 2, "u"}, {"TraceFlag", 3503, 2, "s"}, {"ExtendedHeaders", 3505, 2, "s"},
    {"MaxAdditionalTraceHeaders", 3507, 4, "s?"}, {"TimeBasisCode", 3511, 2, "s?"},
    {"NrTracesInStream", 3513, 8, "u?"}, {"FirstTraceOffset", 3521, 8, "u?"},
    {"NrTrailerStanza", 3529, 4, "s?"}, {"Unassigned2", 3533, 68, "b?"},
  };

  /** The fields in byte order. */
  public static final SegyField[] FIELDS = new SegyField[TABLE.length];

  private static final Map<String, SegyField> BY_NAME;

  static {
    Map<String, SegyField> m = new HashMap<>();
    int next = FIRST_BYTE;
    for (int i = 0; i < TABLE.length; i++) {
      String name = (String) TABLE[i][0];
      int first = (Integer) TABLE[i][1];
      int size = (Integer) TABLE[i][2];
      String k = (String) TABLE[i][3];
      SegyField.Kind kind;
      switch (k.charAt(0)) {
        case 'u':
          kind = SegyField.Kind.UNSIGNED;
          break;
        case 'd':
          kind = SegyField.Kind.FLOAT64;
          break;
        case 'b':
          kind = SegyField.Kind.BYTES;
          break;
        default:
          kind = SegyField.Kind.SIGNED;
      }
      FIELDS[i] = new SegyField(name, first, size, kind, !k.endsWith("?"));
      if (first != next) {
        throw new AssertionError("binary header table has a gap at byte " + next);
      }
      next = first + size;
      m.put(name, FIELDS[i]);
    }
    if (next != FIRST_BYTE + SIZE) {
      throw new AssertionError("binary header table ends at byte " + next);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private SegyBinaryHeader() {}

  /** The field called {@code name}, or null. */
  public static SegyField field(String name) {
    return BY_NAME.get(name);
  }

  /** Reads the fields of the 400-byte header at {@code off} into {@code out}. */
  public static void read(byte[] b, int off, ByteOrder order, Map<String, String> out) {
    SegyField.readAll(FIELDS, b, off, FIRST_BYTE, order, out);
  }

  /** One field as a long (float64 fields as raw bits). */
  public static long get(byte[] b, int off, ByteOrder order, String name) {
    SegyField f = BY_NAME.get(name);
    return f.readLong(b, off + f.firstByte() - FIRST_BYTE, order);
  }

  /** Writes the values of {@code values} that are binary header names; others are ignored. */
  public static void write(Map<String, String> values, byte[] b, int off, ByteOrder order) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      SegyField f = BY_NAME.get(e.getKey());
      if (f != null && e.getValue() != null) {
        f.write(e.getValue(), b, off, FIRST_BYTE, order);
      }
    }
  }
}
