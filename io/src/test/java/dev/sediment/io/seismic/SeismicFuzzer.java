package dev.sediment.io.seismic;

import dev.sediment.io.mseed.MseedWriter;
import dev.sediment.io.sac.SacWriter;
import dev.sediment.io.segy.SegyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * A seeded mutation fuzzer of the seismic readers: mutates real files of one format and reads
 * every mutant to its end; a read may end normally or with {@link SeismicFormatException}, and
 * anything else (another exception, an {@link Error}, more than {@link #MAX_ALLOCATED_BYTES}
 * allocated for one input, no end within the time limit) is a finding.
 *
 * <pre>{@code
 * SeismicFuzzer.Result r =
 *     new SeismicFuzzer(SeismicFormat.SEGY, SeismicFuzzer.seeds(SeismicFormat.SEGY, testdata), 42)
 *         .run(3000, null);
 * }</pre>
 *
 * <p>Each input is read four ways: {@link SeismicFiles#detect} then the detected format's reader;
 * the seed's format forced; and two range readers of the seed's format, [0, cut) and [cut, end)
 * at a random cut. Every trace's samples, headers and the file headers are touched. Mutations:
 * bit flips, bytes set to 0, 0x7F, 0x80, 0xFF, 32-bit and 16-bit extremes (0x7FFFFFFF,
 * 0x80000000, -1, 0, 0x7FFF, 0x8000) written into the first 4 KiB (the headers), truncation,
 * deletion and duplication of chunks, and splices of two seeds; one to four per input. The same
 * seed and seeds give the same inputs in the same order.
 */
public final class SeismicFuzzer {
  /** More than this allocated by one input's four reads is a finding (a header-driven allocation). */
  public static final long MAX_ALLOCATED_BYTES = 256L << 20;

  /** One seed file. */
  public static final class Seed {
    final String name;
    final byte[] bytes;

    public Seed(String name, byte[] bytes) {
      this.name = name;
      this.bytes = bytes;
    }
  }

  /** What went wrong with one input. */
  public static final class Finding {
    public final long input;
    public final String seed;
    public final String kind;
    public final String trace;
    public final byte[] bytes;

    Finding(long input, String seed, String kind, String trace, byte[] bytes) {
      this.input = input;
      this.seed = seed;
      this.kind = kind;
      this.trace = trace;
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      return "input " + input + " (seed " + seed + ", " + bytes.length + " bytes): " + kind;
    }
  }

  /** Counts of a run. */
  public static final class Result {
    public long inputs;
    public long traces;
    public long typedErrors;
    public long clean;
    /** Inputs that passed the time limit but ended within five times it (a busy machine). */
    public long slow;
    public final List<Finding> findings = new ArrayList<>();
    public long millis;

    @Override
    public String toString() {
      return inputs + " inputs, " + clean + " read to the end, " + typedErrors + " typed errors, "
          + traces + " traces, " + slow + " slow, " + findings.size() + " findings, " + millis + " ms";
    }
  }

  private static final int[] INTERESTING_32 = {0x7FFFFFFF, 0x80000000, -1, 0, 0x7FFF, 0x8000, 0xFFFF};
  private static final int[] INTERESTING_8 = {0, 0x7F, 0x80, 0xFF, 1};
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final SeismicFormat format;
  private final List<Seed> seeds;
  private final Random rnd;
  private long timeLimitMillis = 2000;
  private ExecutorService worker = newWorker();

  public SeismicFuzzer(SeismicFormat format, List<Seed> seeds, long seed) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seeds for " + format);
    }
    this.format = format;
    this.seeds = seeds;
    this.rnd = new Random(seed);
  }

  /** Time one input may take before it is a hang finding; default 2 s. */
  public SeismicFuzzer withTimeLimitMillis(long millis) {
    this.timeLimitMillis = millis;
    return this;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "seismic-fuzz-worker");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code count} inputs; findings are kept (and, with {@code findingsDir}, saved there as
   * {@code FORMAT-INPUT.bin} and {@code .txt} with the stack trace).
   */
  public Result run(long count, Path findingsDir) throws IOException {
    return run(count, findingsDir, 0);
  }

  /** As {@link #run(long, Path)}, numbering the inputs from {@code firstIndex}. */
  public Result run(long count, Path findingsDir, long firstIndex) throws IOException {
    Result result = new Result();
    long t0 = System.nanoTime();
    for (long i = 0; i < count; i++) {
      Seed seed = seeds.get(rnd.nextInt(seeds.size()));
      byte[] input = mutate(seed.bytes);
      long cut = input.length == 0 ? 0 : (long) rnd.nextInt(input.length + 1);
      Finding f = runOne(firstIndex + i, seed.name, input, cut, result);
      result.inputs++;
      if (f != null) {
        result.findings.add(f);
        if (findingsDir != null) {
          Files.createDirectories(findingsDir);
          String base = format + "-" + (firstIndex + i);
          Files.write(findingsDir.resolve(base + ".bin"), f.bytes);
          Files.writeString(findingsDir.resolve(base + ".txt"), f + "\n" + f.trace);
        }
      }
    }
    result.millis = (System.nanoTime() - t0) / 1_000_000;
    return result;
  }

  /** Reads {@code input} the four ways; null when every read ended normally or with a typed error. */
  public Finding runOne(long index, String seedName, byte[] input, long cut, Result result) {
    Future<int[]> future = worker.submit(() -> readAll(input, cut));
    try {
      int[] r = future.get(timeLimitMillis, TimeUnit.MILLISECONDS);
      result.traces += r[0];
      result.typedErrors += r[1];
      result.clean += r[1] == 0 ? 1 : 0;
      return null;
    } catch (TimeoutException e) {
      // A stalled machine (other jobs, a stopped JVM) also passes the limit: give the input four
      // more limits before calling it a hang, and keep where the reader was at the first.
      String at = workerStack();
      try {
        int[] r = future.get(4 * timeLimitMillis, TimeUnit.MILLISECONDS);
        result.traces += r[0];
        result.typedErrors += r[1];
        result.clean += r[1] == 0 ? 1 : 0;
        result.slow++;
        return null;
      } catch (TimeoutException stillRunning) {
        // a hang
      } catch (ExecutionException failed) {
        Throwable c = failed.getCause();
        return new Finding(index, seedName, c.toString(), stack(c), input);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", ie);
      }
      abandonWorker();
      return new Finding(index, seedName, "HANG",
          "no end after " + 5 * timeLimitMillis + " ms; after " + timeLimitMillis + " ms the reader was at:\n" + at,
          input);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof OutOfMemoryError || c instanceof StackOverflowError) {
        abandonWorker();
      }
      return new Finding(index, seedName, c.toString(), stack(c), input);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String workerStack() {
    StringBuilder where = new StringBuilder();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("seismic-fuzz-worker")) {
        for (StackTraceElement s : t.getStackTrace()) {
          where.append("\tat ").append(s).append('\n');
        }
      }
    }
    return where.toString();
  }

  @SuppressWarnings({"deprecation", "removal"})
  private void abandonWorker() {
    worker.shutdownNow();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("seismic-fuzz-worker") && t.isAlive()) {
        try {
          t.stop(); // a reader in an endless loop ignores interrupts; this is a test harness
        } catch (UnsupportedOperationException ignored) {
          // newer JDKs: the daemon thread keeps running; the finding is reported all the same
        }
      }
    }
    worker = newWorker();
  }

  private static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /** {traces read, reads that ended with a typed error}; throws anything else. */
  private int[] readAll(byte[] input, long cut) throws IOException {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    int[] r = new int[2];
    String name = "fuzz-input";
    SeismicFormat detected = null;
    try {
      detected = SeismicFiles.detect(new SeekableInMemoryByteChannel(input), name);
    } catch (SeismicFormatException e) {
      check(e, name, input.length);
      r[1]++;
    }
    if (detected != null) {
      read(detected, input, 0, Long.MAX_VALUE, r);
    }
    read(format, input, 0, Long.MAX_VALUE, r);
    read(format, input, 0, cut, r);
    read(format, input, cut, Long.MAX_VALUE, r);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    if (allocated > MAX_ALLOCATED_BYTES) {
      throw new IllegalStateException(
          "allocated " + allocated + " bytes for a " + input.length + "-byte input");
    }
    return r;
  }

  private static void read(SeismicFormat f, byte[] input, long start, long end, int[] r)
      throws IOException {
    String name = "fuzz-input";
    try (TraceReader reader = SeismicFiles.open(f, new SeekableInMemoryByteChannel(input), name, start, end)) {
      reader.variant();
      for (Map.Entry<String, String> e : reader.fileHeaders().entrySet()) {
        e.getValue().length();
      }
      for (SeismicTrace t = reader.next(); t != null; t = reader.next()) {
        r[0]++;
        t.headers().size();
        t.samples();
        t.startTimeNanos();
      }
    } catch (SeismicFormatException e) {
      check(e, name, input.length);
      r[1]++;
    }
  }

  /** A typed error must name the file and an offset inside it (or its end). */
  private static void check(SeismicFormatException e, String name, long size) {
    if (!name.equals(e.file()) || e.offset() < 0 || e.offset() > Math.max(size, 3600)) {
      throw new IllegalStateException("typed error without the file or a valid offset: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- mutations

  byte[] mutate(byte[] seed) {
    byte[] b = seed.clone();
    int n = 1 + rnd.nextInt(4);
    for (int k = 0; k < n; k++) {
      b = mutateOnce(b);
    }
    if (format == SeismicFormat.MSEED3 && rnd.nextBoolean()) {
      fixCrcs(b); // else nearly every mutant stops at the CRC check and the decoders go untested
    }
    return b;
  }

  /** Rewrites the CRC-32C of every whole miniSEED 3 record from the start of {@code b}. */
  private static void fixCrcs(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int p = 0;
    while (p + 40 <= b.length && b[p] == 'M' && b[p + 1] == 'S' && b[p + 2] == 3) {
      long len = 40L + (b[p + 33] & 0xFF) + (bb.getShort(p + 34) & 0xFFFF) + (bb.getInt(p + 36) & 0xFFFFFFFFL);
      if (p + len > b.length) {
        return;
      }
      bb.putInt(p + 28, 0);
      CRC32C crc = new CRC32C();
      crc.update(b, p, (int) len);
      bb.putInt(p + 28, (int) crc.getValue());
      p += (int) len;
    }
  }

  private int headerPos(byte[] b) {
    // Most structure is in the first 4 KiB (file and first trace/record headers).
    int lim = rnd.nextInt(4) == 0 ? b.length : Math.min(b.length, 4096);
    return rnd.nextInt(lim);
  }

  private byte[] mutateOnce(byte[] b) {
    if (b.length == 0) {
      return new byte[] {(byte) rnd.nextInt(256)};
    }
    switch (rnd.nextInt(9)) {
      case 0: { // bit flips
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips; i++) {
          int p = headerPos(b);
          b[p] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      }
      case 1: { // interesting byte
        b[headerPos(b)] = (byte) INTERESTING_8[rnd.nextInt(INTERESTING_8.length)];
        return b;
      }
      case 2:
      case 3: { // interesting 32-bit or 16-bit word, either byte order, word-aligned or not
        int p = headerPos(b);
        int v = INTERESTING_32[rnd.nextInt(INTERESTING_32.length)];
        boolean le = rnd.nextBoolean();
        int width = rnd.nextBoolean() ? 4 : 2;
        if (rnd.nextBoolean()) {
          p &= ~(width - 1);
        }
        for (int i = 0; i < width && p + i < b.length; i++) {
          int shift = le ? 8 * i : 8 * (width - 1 - i);
          b[p + i] = (byte) (v >>> shift);
        }
        return b;
      }
      case 4: // truncation
        return Arrays.copyOf(b, rnd.nextInt(b.length));
      case 5: { // delete a chunk
        int p = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(b.length - p, 1024));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, p);
        System.arraycopy(b, p + len, out, p, b.length - p - len);
        return out;
      }
      case 6: { // duplicate a chunk
        int p = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(b.length - p, 1024));
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, p + len);
        System.arraycopy(b, p, out, p + len, b.length - p);
        return out;
      }
      case 7: { // splice: the start of this input and the rest of another seed
        byte[] other = seeds.get(rnd.nextInt(seeds.size())).bytes;
        int p = rnd.nextInt(b.length + 1);
        int q = other.length == 0 ? 0 : rnd.nextInt(other.length);
        byte[] out = Arrays.copyOf(b, p + other.length - q);
        System.arraycopy(other, q, out, p, other.length - q);
        return out;
      }
      default: { // random garbage over a run of bytes
        int p = headerPos(b);
        int len = Math.min(b.length - p, 1 + rnd.nextInt(64));
        for (int i = 0; i < len; i++) {
          b[p + i] = (byte) rnd.nextInt(256);
        }
        return b;
      }
    }
  }

  // ---------------------------------------------------------------- seeds

  /** The directories of {@code testdata} that hold each format's real files. */
  private static String folder(SeismicFormat f) {
    switch (f) {
      case SEGY:
        return "segy";
      case SEG2:
        return "seg2";
      case MSEED2:
        return "mseed2";
      case MSEED3:
        return "mseed3";
      case SAC:
        return "sac";
      default:
        throw new IllegalArgumentException(f.toString());
    }
  }

  /**
   * Seeds of {@code format}: the files under {@code testdata/FOLDER} of at most {@code maxBytes}
   * that are not text, plus small files written by our writers (SEG-Y, miniSEED 2 and 3, SAC).
   */
  public static List<Seed> seeds(SeismicFormat format, Path testdata, int maxBytes) throws IOException {
    List<Seed> out = new ArrayList<>();
    Path dir = testdata.resolve(folder(format));
    if (Files.isDirectory(dir)) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile)
            .filter(p -> !p.toString().endsWith(".txt"))
            .sorted()
            .collect(Collectors.toList());
      }
      for (Path p : files) {
        if (Files.size(p) <= maxBytes) {
          out.add(new Seed(testdata.relativize(p).toString(), Files.readAllBytes(p)));
        }
      }
    }
    out.addAll(written(format));
    return out;
  }

  private static SeismicTrace synthetic(SeismicFormat f, String encoding, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.round(1000 * Math.sin(i / 7.0) + (i % 13) * 31);
    }
    return SeismicTrace.builder(f).network("XX").station("FUZZ").location("00").channel("HHZ")
        .startTimeNanos(1_767_225_600_000_000_000L).sampleRateHz(100).encoding(encoding)
        .samples(x).index(0).build();
  }

  private static List<Seed> written(SeismicFormat format) throws IOException {
    List<Seed> out = new ArrayList<>();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    switch (format) {
      case SEGY:
        for (int code : new int[] {1, 5, 3}) {
          for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            b.reset();
            try (SegyWriter w = new SegyWriter(b, Map.of(), code, o)) {
              for (int k = 0; k < 3; k++) {
                w.write(synthetic(format, "float32", 50));
              }
            }
            out.add(new Seed("SegyWriter format " + code + " " + o, b.toByteArray()));
          }
        }
        break;
      case MSEED2:
      case MSEED3:
        int version = format == SeismicFormat.MSEED2 ? 2 : 3;
        for (String enc : new String[] {"steim1", "steim2", "int32", "float64"}) {
          b.reset();
          MseedWriter.Options o = MseedWriter.Options.defaults().withFormatVersion(version)
              .withEncoding(enc).withRecordLength(512);
          try (MseedWriter w = new MseedWriter(b, o)) {
            w.write(synthetic(format, "int32", 700));
          }
          out.add(new Seed("MseedWriter v" + version + " " + enc, b.toByteArray()));
        }
        break;
      case SAC:
        for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
          b.reset();
          try (SacWriter w = new SacWriter(b, o)) {
            w.write(synthetic(format, "float32", 300));
          }
          out.add(new Seed("SacWriter " + o, b.toByteArray()));
        }
        break;
      default:
        break; // no SEG-2 writer
    }
    return out;
  }

}
