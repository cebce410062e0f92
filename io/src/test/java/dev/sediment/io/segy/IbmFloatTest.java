package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.ByteOrder;
import java.util.Random;
import org.junit.Test;

public class IbmFloatTest {

  @Test
  public void toDouble_knownValues() {
    assertThat(IbmFloat.toDouble(0xC276A000), equalTo(-118.625)); // the textbook example
    assertThat(IbmFloat.toDouble(0x41100000), equalTo(1.0));
    assertThat(IbmFloat.toDouble(0x42640000), equalTo(100.0));
    assertThat(IbmFloat.toDouble(0x00000000), equalTo(0.0));
    assertThat(IbmFloat.toDouble(0x7FFFFFFF), equalTo(Math.scalb((double) 0xFFFFFF, 4 * 63 - 24)));
    assertThat(IbmFloat.toDouble(0x00100000), equalTo(Math.scalb(1.0, -260)));
  }

  @Test
  public void toDouble_unnormalisedValueIsExact() {
    // leading hex digit 0: 0x000001 * 16^(0x41-64) * 2^-24 = 2^-20
    assertThat(IbmFloat.toDouble(0x41000001), equalTo(Math.scalb(1.0, -20)));
    assertThat(IbmFloat.toDouble(0xBF0ABCDE), equalTo(-(double) 0x0ABCDE * Math.scalb(1.0, 4 * -1 - 24)));
  }

  @Test
  public void fromDouble_normalisedBitsRoundTrip() {
    Random rnd = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      int e = rnd.nextInt(128);
      int m = 0x100000 + rnd.nextInt(0xF00000);
      int bits = (rnd.nextBoolean() ? 0x80000000 : 0) | (e << 24) | m;
      assertThat(Integer.toHexString(bits), IbmFloat.fromDouble(IbmFloat.toDouble(bits)), equalTo(bits));
    }
  }

  @Test
  public void fromDouble_unnormalisedInputWrittenNormalisedWithSameValue() {
    int bits = 0x41000001;
    int written = IbmFloat.fromDouble(IbmFloat.toDouble(bits));
    assertThat(written, equalTo(0x3C100000));
    assertThat(IbmFloat.toDouble(written), equalTo(IbmFloat.toDouble(bits)));
  }

  @Test
  public void fromDouble_roundsToNearestAndClampsRange() {
    assertThat(IbmFloat.fromDouble(0.1), equalTo(0x4019999A));
    assertThat(IbmFloat.fromDouble(-0.0), equalTo(0x80000000));
    assertThat(IbmFloat.fromDouble(1e300), equalTo(0x7FFFFFFF));
    assertThat(IbmFloat.fromDouble(Double.NEGATIVE_INFINITY), equalTo(0xFFFFFFFF));
    assertThat(IbmFloat.fromDouble(1e-300), equalTo(0));
    // 0xFFFFFF.8 rounds up into the next hex digit
    assertThat(IbmFloat.fromDouble(Math.scalb((double) 0x1FFFFFF, -1)), equalTo(0x47100000));
  }

  @Test
  public void decode_negativeZeroKeepsItsSign() {
    byte[] b = {(byte) 0x80, 0, 0, 0};
    double[] out = new double[1];
    IbmFloat.decode(b, 0, out, 0, 1, ByteOrder.BIG_ENDIAN);
    assertThat(Double.doubleToRawLongBits(out[0]), equalTo(Double.doubleToRawLongBits(-0.0)));
    assertThat(IbmFloat.fromDouble(out[0]), equalTo(0x80000000));
  }

  @Test
  public void decode_bigAndLittleEndianBuffers() {
    byte[] be = {(byte) 0xC2, 0x76, (byte) 0xA0, 0x00, 0x41, 0x10, 0, 0};
    byte[] le = {0x00, (byte) 0xA0, 0x76, (byte) 0xC2, 0, 0, 0x10, 0x41};
    double[] out = new double[2];
    IbmFloat.decode(be, 0, out, 0, 2, ByteOrder.BIG_ENDIAN);
    assertThat(out, equalTo(new double[] {-118.625, 1.0}));
    IbmFloat.decode(le, 0, out, 0, 2, ByteOrder.LITTLE_ENDIAN);
    assertThat(out, equalTo(new double[] {-118.625, 1.0}));
  }
}
