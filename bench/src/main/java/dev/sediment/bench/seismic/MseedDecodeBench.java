package dev.sediment.bench.seismic;

import dev.sediment.io.mseed.MseedReader;
import dev.sediment.io.mseed.Steim;
import dev.sediment.io.seismic.SampleBuffer;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding a whole miniSEED 2 Steim file, one operation per file: {@link #reader} through {@link
 * MseedReader} from the file (page cache), {@link #kernel} {@code Steim.decodeSteim1/2} alone over
 * every record's frames held in memory. Msamples/s = samples / 10^6 / seconds per operation
 * ({@code bench/run-decode-bench} computes it).
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main MseedDecodeBench -p file=bench/target/work/steim2_4096.mseed
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MseedDecodeBench {
  /** The miniSEED 2 file (Steim-1 or Steim-2 records); set with {@code -p file=PATH}. */
  @Param({""})
  public String file;

  private Path path;
  private byte[] bytes;
  private int records;
  private int[] dataStart;
  private int[] frames;
  private int[] counts;
  private boolean steim2;
  private ByteOrder order;
  private double[] samples;

  @Setup
  public void setup() throws IOException {
    path = Paths.get(file);
    int cap = 1024;
    dataStart = new int[cap];
    frames = new int[cap];
    counts = new int[cap];
    int max = 0;
    try (MseedReader r = MseedReader.open(Files.newByteChannel(path), file)) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        if (records == cap) {
          cap *= 2;
          dataStart = Arrays.copyOf(dataStart, cap);
          frames = Arrays.copyOf(frames, cap);
          counts = Arrays.copyOf(counts, cap);
        }
        int enc = Integer.parseInt(t.header("encoding_format"));
        if (enc != 10 && enc != 11) {
          throw new IllegalArgumentException(file + ": record " + records + " is not Steim-1/2");
        }
        steim2 = enc == 11;
        order = "0".equals(t.header("word_order")) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int dataOffset = Integer.parseInt(t.header("data_offset"));
        int length = Integer.parseInt(t.header("record_length"));
        dataStart[records] = (int) t.offset() + dataOffset;
        frames[records] = (length - dataOffset) / 64;
        counts[records] = t.sampleCount();
        max = Math.max(max, t.sampleCount());
        records++;
      }
    }
    samples = new double[max];
    bytes = Files.readAllBytes(path);
  }

  /** Every record of the file through the reader: header, blockettes, samples. */
  @Benchmark
  public long reader(Blackhole bh) throws IOException {
    long n = 0;
    try (MseedReader r = MseedReader.open(Files.newByteChannel(path), file)) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        bh.consume(t.samples());
        n += t.sampleCount();
      }
    }
    return n;
  }

  /**
   * Every record through the reader, its samples decoded into one reused {@link SampleBuffer}
   * ({@code next(SampleBuffer)}), as libmseed's {@code ms_readmsr} reuses its record's buffer.
   */
  @Benchmark
  public long readerInto(Blackhole bh) throws IOException {
    long n = 0;
    SampleBuffer buffer = new SampleBuffer();
    try (MseedReader r = MseedReader.open(Files.newByteChannel(path), file)) {
      for (SeismicTrace t = r.next(buffer); t != null; t = r.next(buffer)) {
        bh.consume(buffer.values());
        n += t.sampleCount();
      }
    }
    return n;
  }

  /** {@code Steim.decodeSteim1/2} over every record's frames, into one reused array. */
  @Benchmark
  public double kernel() throws Steim.SteimException {
    double sum = 0;
    for (int k = 0; k < records; k++) {
      if (steim2) {
        Steim.decodeSteim2(bytes, dataStart[k], frames[k], order, samples, 0, counts[k]);
      } else {
        Steim.decodeSteim1(bytes, dataStart[k], frames[k], order, samples, 0, counts[k]);
      }
      sum += samples[counts[k] - 1];
    }
    return sum;
  }
}
