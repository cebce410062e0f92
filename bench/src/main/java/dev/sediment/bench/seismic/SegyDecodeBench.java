package dev.sediment.bench.seismic;

import dev.sediment.io.seismic.SampleBuffer;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.segy.SegyReader;
import dev.sediment.io.segy.SegySamples;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * Decoding a whole SEG-Y file, one operation per file: {@link #reader} through {@link SegyReader}
 * from the file (page cache), {@link #kernel} the sample decode loop alone over the file's bytes
 * held in memory. MB/s = file bytes / 10^6 / seconds per operation ({@code bench/run-decode-bench}
 * computes it).
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main SegyDecodeBench -p file=bench/target/work/ibm.sgy
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SegyDecodeBench {
  /** The SEG-Y file; set with {@code -p file=PATH}. */
  @Param({""})
  public String file;

  private Path path;
  private byte[] bytes;
  private int formatCode;
  private ByteOrder order;
  private long dataOffset;
  private long traceBytes;
  private long traces;
  private double[] samples;

  @Setup
  public void setup() throws IOException {
    path = Paths.get(file);
    try (SegyReader r = SegyReader.open(Files.newByteChannel(path), file)) {
      if (!r.fixedLength()) {
        throw new IllegalArgumentException(file + " is not a fixed-length SEG-Y file");
      }
      formatCode = r.formatCode();
      order = r.byteOrder();
      dataOffset = r.dataOffset();
      traceBytes = r.traceBytes();
      traces = r.traceCount();
      samples = new double[r.samplesPerTrace()];
    }
    bytes = Files.readAllBytes(path);
  }

  /** Every trace of the file through the reader: headers, samples, {@link SeismicTrace}. */
  @Benchmark
  public long reader(Blackhole bh) throws IOException {
    long n = 0;
    try (SegyReader r = SegyReader.open(Files.newByteChannel(path), file)) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        bh.consume(t.samples());
        n += t.sampleCount();
      }
    }
    return n;
  }

  /**
   * Every trace through the reader, its samples decoded into one reused {@link SampleBuffer}
   * ({@code next(SampleBuffer)}): headers as in {@link #reader}, no sample array per trace.
   */
  @Benchmark
  public long readerInto(Blackhole bh) throws IOException {
    long n = 0;
    SampleBuffer buffer = new SampleBuffer();
    try (SegyReader r = SegyReader.open(Files.newByteChannel(path), file)) {
      for (SeismicTrace t = r.next(buffer); t != null; t = r.next(buffer)) {
        bh.consume(buffer.values());
        n += t.sampleCount();
      }
    }
    return n;
  }

  /** The decode loop ({@link SegySamples#decode}) over every trace's samples in memory. */
  @Benchmark
  public double kernel() {
    double sum = 0;
    int ns = samples.length;
    for (long k = 0; k < traces; k++) {
      int off = (int) (dataOffset + k * traceBytes) + 240;
      SegySamples.decode(formatCode, bytes, off, samples, ns, order);
      sum += samples[ns - 1];
    }
    return sum;
  }
}
