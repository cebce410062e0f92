package dev.sediment.io.seismic;

/**
 * How samples were stored in the original file; the names are what a trace record's {@code
 * encoding} field carries, so they are a contract.
 */
public final class SampleEncoding {
  /** IBM System/360 single-precision float (SEG-Y format 1). */
  public static final String IBM_FLOAT32 = "ibm_float32";
  /** IEEE-754 single precision (SEG-Y 5, miniSEED 4, SAC, SEG-2 4). */
  public static final String FLOAT32 = "float32";
  /** IEEE-754 double precision (miniSEED 5, SEG-Y 6). */
  public static final String FLOAT64 = "float64";
  /** Two's-complement integers. */
  public static final String INT8 = "int8";
  public static final String INT16 = "int16";
  public static final String INT24 = "int24";
  public static final String INT32 = "int32";
  /** Unsigned integers (SEG-Y rev 2 formats 16, 11, 15 and 10). */
  public static final String UINT8 = "uint8";
  public static final String UINT16 = "uint16";
  public static final String UINT24 = "uint24";
  public static final String UINT32 = "uint32";
  /** Steim-1 and Steim-2 compressed differences (miniSEED 10 and 11). */
  public static final String STEIM1 = "steim1";
  public static final String STEIM2 = "steim2";
  /** Text bytes, one sample per byte value 0 to 255 (miniSEED 0). */
  public static final String TEXT = "text";
  /** SEG-2 format 3: 20-bit floating point, four samples in 10 bytes. */
  public static final String SEG2_FLOAT20 = "seg2_float20";
  /** SAC alphanumeric files: decimal text, rounded to float32. */
  public static final String SAC_ALPHA = "sac_alpha";

  private SampleEncoding() {}
}
