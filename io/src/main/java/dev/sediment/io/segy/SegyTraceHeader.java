package dev.sediment.io.segy;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The 240-byte standard trace header (SEG-Y rev 2.0 section 6, table 6; rev 1 and rev 0 share
 * its layout), field by field, with segyio's {@code TraceField} names, which many tools know:
 * {@code TRACE_SEQUENCE_LINE} (1-4), {@code TRACE_SEQUENCE_FILE} (5-8), {@code FieldRecord}
 * (9-12), {@code CDP} (21-24), {@code TRACE_SAMPLE_COUNT} (115-116), {@code
 * TRACE_SAMPLE_INTERVAL} (117-118, microseconds), {@code YearDataRecorded} (157), {@code
 * DayOfYear}, {@code HourOfDay}, {@code MinuteOfHour}, {@code SecondOfMinute}, {@code
 * TimeBaseCode} (167), {@code INLINE_3D} (189-192), {@code CROSSLINE_3D} (193-196), ... up to
 * {@code UnassignedInt1} (233-236) and {@code UnassignedInt2} (237-240), which rev 2 uses for the
 * header name "SEG00000" and which are kept so headers round-trip. The fields cover all 240
 * bytes.
 *
 * <p>Every field is a two's complement integer, except the sample count and interval, which
 * rev 2 makes unsigned.
 */
public final class SegyTraceHeader {
  /** Bytes in a standard trace header. */
  public static final int SIZE = 240;

  private static final Object[][] TABLE = {
    {"TRACE_SEQUENCE_LINE", 1, 4}, {"TRACE_SEQUENCE_FILE", 5, 4}, {"FieldRecord", 9, 4},
    {"TraceNumber", 13, 4}, {"EnergySourcePoint", 17, 4}, {"CDP", 21, 4}, {"CDP_TRACE", 25, 4},
    {"TraceIdentificationCode", 29, 2}, {"NSummedTraces", 31, 2}, {"NStackedTraces", 33, 2},
    {"DataUse", 35, 2}, {"offset", 37, 4}, {"ReceiverGroupElevation", 41, 4},
    {"SourceSurfaceElevation", 45, 4}, {"SourceDepth", 49, 4}, {"ReceiverDatumElevation", 53, 4},
    {"SourceDatumElevation", 57, 4}, {"SourceWaterDepth", 61, 4}, {"GroupWaterDepth", 65, 4},
    {"ElevationScalar", 69, 2}, {"SourceGroupScalar", 71, 2}, {"SourceX", 73, 4},
    {"SourceY", 77, 4}, {"GroupX", 81, 4}, {"GroupY", 85, 4}, {"CoordinateUnits", 89, 2},
    {"WeatheringVelocity", 91, 2}, {"SubWeatheringVelocity", 93, 2}, {"SourceUpholeTime", 95, 2},
    {"GroupUpholeTime", 97, 2}, {"SourceStaticCorrection", 99, 2},
    {"GroupStaticCorrection", 101, 2}, {"TotalStaticApplied", 103, 2}, {"LagTimeA", 105, 2},
    {"LagTimeB", 107, 2}, {"DelayRecordingTime", 109, 2}, {"MuteTimeStart", 111, 2},
    {"MuteTimeEND", 113, 2}, {"TRACE_SAMPLE_COUNT", 115, -2}, {"TRACE_SAMPLE_INTERVAL", 117, -2},
    {"GainType", 119, 2}, {"InstrumentGainConstant", 121, 2}, {"InstrumentInitialGain", 123, 2},
    {"Correlated", 125, 2}, {"SweepFrequencyStart", 127, 2}, {"SweepFrequencyEnd", 129, 2},
    {"SweepLength", 131, 2}, {"SweepType", 133, 2}, {"SweepTraceTaperLengthStart", 135, 2},
    {"SweepTraceTaperLengthEnd", 137, 2}, {"TaperType", 139, 2}, {"AliasFilterFrequency", 141, 2},
    {"AliasFilterSlope", 143, 2}, {"NotchFilterFrequency", 145, 2}, {"NotchFilterSlope", 147, 2},
    {"LowCutFrequency", 149, 2}, {"HighCutFrequency", 151, 2}, {"LowCutSlope", 153, 2},
    {"HighCutSlope", 155, 2}, {"YearDataRecorded", 157, 2}, {"DayOfYear", 159, 2},
    {"HourOfDay", 161, 2}, {"MinuteOfHour", 163, 2}, {"SecondOfMinute", 165, 2},
    {"TimeBaseCode", 167, 2}, {"TraceWeightingFactor", 169, 2},
    {"GeophoneGroupNumberRoll1", 171, 2}, {"GeophoneGroupNumberFirstTraceOrigField", 173, 2},
    {"GeophoneGroupNumberLastTraceOrigField", 175, 2}, {"GapSize", 177, 2}, {"OverTravel", 179, 2},
    {"CDP_X", 181, 4}, {"CDP_Y", 185, 4}, {"INLINE_3D", 189, 4}, {"CROSSLINE_3D", 193, 4},
    {"ShotPoint", 197, 4}, {"ShotPointScalar", 201, 2}, {"TraceValueMeasurementUnit", 203, 2},
    {"TransductionConstantMantissa", 205, 4}, {"TransductionConstantPower", 209, 2},
    {"TransductionUnit", 211, 2}, {"TraceIdentifier", 213, 2}, {"ScalarTraceHeader", 215, 2},
    {"SourceType", 217, 2}, {"SourceEnergyDirectionMantissa", 219, 4},
    {"SourceEnergyDirectionExponent", 223, 2}, {"SourceMeasurementMantissa", 225, 4},
    {"SourceMeasurementExponent", 229, 2}, {"SourceMeasurementUnit", 231, 2},
    {"UnassignedInt1", 233, 4}, {"UnassignedInt2", 237, 4},
  };

  /** The fields in byte order. */
  public static final SegyField[] FIELDS = new SegyField[TABLE.length];

  private static final Map<String, SegyField> BY_NAME;

  // Field names used by the reader and writer.
  public static final String TRACE_SEQUENCE_LINE = "TRACE_SEQUENCE_LINE";
  public static final String TRACE_SEQUENCE_FILE = "TRACE_SEQUENCE_FILE";
  public static final String FIELD_RECORD = "FieldRecord";
  public static final String CDP = "CDP";
  public static final String TRACE_IDENTIFICATION_CODE = "TraceIdentificationCode";
  public static final String TRACE_SAMPLE_COUNT = "TRACE_SAMPLE_COUNT";
  public static final String TRACE_SAMPLE_INTERVAL = "TRACE_SAMPLE_INTERVAL";
  public static final String YEAR = "YearDataRecorded";
  public static final String DAY_OF_YEAR = "DayOfYear";
  public static final String HOUR = "HourOfDay";
  public static final String MINUTE = "MinuteOfHour";
  public static final String SECOND = "SecondOfMinute";
  public static final String TIME_BASE_CODE = "TimeBaseCode";
  public static final String INLINE_3D = "INLINE_3D";
  public static final String CROSSLINE_3D = "CROSSLINE_3D";

  static {
    Map<String, SegyField> m = new HashMap<>();
    int next = 1;
    for (int i = 0; i < TABLE.length; i++) {
      String name = (String) TABLE[i][0];
      int first = (Integer) TABLE[i][1];
      int size = (Integer) TABLE[i][2];
      SegyField.Kind kind = size < 0 ? SegyField.Kind.UNSIGNED : SegyField.Kind.SIGNED;
      FIELDS[i] = new SegyField(name, first, Math.abs(size), kind, true);
      if (first != next) {
        throw new AssertionError("trace header table has a gap at byte " + next);
      }
      next = first + Math.abs(size);
      m.put(name, FIELDS[i]);
    }
    if (next != SIZE + 1) {
      throw new AssertionError("trace header table ends at byte " + next);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private SegyTraceHeader() {}

  /** The field called {@code name}, or null. */
  public static SegyField field(String name) {
    return BY_NAME.get(name);
  }

  /** Reads every field of the header at {@code off} into {@code out}. */
  public static void read(byte[] b, int off, ByteOrder order, Map<String, String> out) {
    SegyField.readAll(FIELDS, b, off, 1, order, out);
  }

  /** One field's value as a long (unsigned fields zero-extended). */
  public static long get(byte[] b, int off, ByteOrder order, String name) {
    SegyField f = BY_NAME.get(name);
    return f.readLong(b, off + f.firstByte() - 1, order);
  }

  /**
   * Writes the fields of {@code values} that are trace header names into the header at {@code
   * off}; other names are ignored.
   */
  public static void write(Map<String, String> values, byte[] b, int off, ByteOrder order) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      SegyField f = BY_NAME.get(e.getKey());
      if (f != null && e.getValue() != null) {
        f.write(e.getValue(), b, off, 1, order);
      }
    }
  }

  /** Writes one field. */
  public static void set(byte[] b, int off, ByteOrder order, String name, long value) {
    BY_NAME.get(name).write(Long.toString(value), b, off, 1, order);
  }
}
