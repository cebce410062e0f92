package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertThrows;

import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** TraceRecordCoder round trips against the records AvroCoder would carry. */
@RunWith(JUnit4.class)
public class TraceRecordCoderTest {
  private static final TraceRecordCoder CODER = TraceRecordCoder.of();
  private static final AvroCoder<GenericRecord> AVRO = AvroCoder.of(TraceRecords.SCHEMA);

  /** Up to 20 records of every file of ../shared/testdata (every format and variant). */
  @Test
  public void everyTestdataFile_roundTripsInBothContexts_andMatchesAvroCoder() throws Exception {
    int files = 0;
    long records = 0;
    long expected = 0;
    for (TestData.Entry e : TestData.all()) {
      expected += Math.min(20, e.tracesOrRecords());
      try (SeekableByteChannel ch = TestData.open(e.file());
          TraceReader r = SeismicFiles.open(SeismicFiles.detect(ch, e.path()), ch, e.path())) {
        Map<String, String> fileHeaders = r.fileHeaders();
        int n = 0;
        for (SeismicTrace t = r.next(); t != null && n < 20; t = r.next(), n++) {
          GenericRecord rec = TraceRecords.toRecord(t, e.path(), fileHeaders);
          CoderProperties.coderDecodeEncodeEqual(CODER, rec);
          GenericRecord ours = CoderUtils.clone(CODER, rec);
          GenericRecord avro = CoderUtils.clone(AVRO, rec);
          assertThat(e.path(), ours, equalTo(avro));
          assertBits(e.path(), TraceRecords.samples(ours), t.samples());
          records++;
        }
      }
      files++;
    }
    assertThat(files, equalTo(118));
    assertThat(records, equalTo(expected));
  }

  @Test
  public void specialValuesNullsAndEmpty_keepExactBits() throws Exception {
    double nanPayload = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
    double[] samples = {-0.0, 0.0, nanPayload, Double.POSITIVE_INFINITY, Double.MIN_VALUE, -1e308};
    SeismicTrace t =
        SeismicTrace.builder(SeismicFormat.SAC)
            .index(3)
            .offset(632)
            .encoding("float32")
            .samples(samples)
            .header("KSTNM", "ÅLÆ")
            .build();
    GenericRecord rec = TraceRecords.toRecord(t, "s3://b/x.sac", Map.of());
    GenericRecord back = CoderUtils.clone(CODER, rec);
    assertThat(back, equalTo(rec));
    assertBits("special", TraceRecords.samples(back), samples);
    assertThat(back.get("network"), equalTo(null));
    assertThat(back.get("sample_rate_hz"), equalTo(null));
    assertThat(back.get("start_time_ns"), equalTo(null));
    assertThat(back.get("headers"), equalTo(Map.of("KSTNM", "ÅLÆ")));
    assertThat(back.get("samples"), instanceOf(List.class));

    GenericRecord empty =
        TraceRecords.toRecord(
            SeismicTrace.builder(SeismicFormat.MSEED2).encoding("steim2").build(), "e", Map.of());
    assertThat(CoderUtils.clone(CODER, empty), equalTo(empty));
    assertThat(TraceRecords.samples(CoderUtils.clone(CODER, empty)).length, equalTo(0));
  }

  /** Records as Avro's own readers make them (Utf8 strings, GenericData.Array) encode too. */
  @Test
  public void avroDecodedRecord_utf8AndGenericArray_encodesToTheSameRecord() throws Exception {
    SeismicTrace t =
        SeismicTrace.builder(SeismicFormat.MSEED3)
            .network("XX")
            .station("ABC")
            .location("")
            .channel("HHZ")
            .startTimeNanos(1_700_000_000_123_456_789L)
            .sampleRateHz(100)
            .encoding("int32")
            .samples(new double[] {1, -2, 3})
            .header("format_version", "3")
            .build();
    Map<String, String> fh = new LinkedHashMap<>();
    fh.put("b", "2");
    fh.put("a", "1");
    GenericRecord rec = TraceRecords.toRecord(t, "f.ms3", fh);
    GenericRecord viaAvro = CoderUtils.clone(AVRO, rec);
    assertThat(viaAvro.get("station"), instanceOf(Utf8.class));
    assertThat(viaAvro.get("samples"), instanceOf(GenericData.Array.class));
    GenericRecord ours = CoderUtils.clone(CODER, viaAvro);
    assertThat(ours, equalTo(rec));
    assertThat(ours.get("station"), equalTo("ABC"));
    // Avro decodes maps into HashMaps; this coder keeps the order it is given.
    assertThat(
        new ArrayList<>(((Map<?, ?>) CoderUtils.clone(CODER, rec).get("file_headers")).keySet()),
        equalTo(List.of("b", "a")));
    assertBits("utf8", TraceRecords.samples(ours), new double[] {1, -2, 3});
  }

  @Test
  public void coder_isSerializable_andRejectsAnUnknownLayout() throws Exception {
    CoderProperties.coderSerializable(CODER);
    assertThat(
        assertThrows(
                CoderException.class,
                () -> CoderUtils.decodeFromByteArray(CODER, new byte[] {0, 0, 0, 3, 9, 0, 0}))
            .getMessage(),
        equalTo("trace record layout 9 is not 1"));
  }

  private static void assertBits(String at, double[] got, double[] want) {
    assertThat(at + " length", got.length, equalTo(want.length));
    for (int i = 0; i < want.length; i++) {
      assertThat(
          at + " sample " + i,
          Double.doubleToRawLongBits(got[i]),
          equalTo(Double.doubleToRawLongBits(want[i])));
    }
  }
}
