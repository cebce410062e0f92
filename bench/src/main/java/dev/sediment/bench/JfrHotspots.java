package dev.sediment.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of a {@code sediment compact} run: where the samples of the
 * compaction fall, by phase of {@code PartitionCompactor} (pre-check pass, merge + write, read-back
 * verify, sha256), by operation inside a phase (reading a run, comparing, writing) and by the
 * library the sampled frame belongs to (Parquet decode/encode, parquet-avro record conversion,
 * Snappy, ...); the top leaf methods; each phase's wall-clock span (first to last sample); GC.
 *
 * <pre>{@code
 * java -cp ... dev.sediment.bench.JfrHotspots sediment.jfr
 * }</pre>
 *
 * <p>Execution samples are taken of threads running Java code, native-method samples of threads
 * in native code (e.g. Snappy through JNI, {@code fsync}); both are counted. Threads that wait are
 * not sampled, so percentages are shares of on-CPU (or in-native) time.
 */
public final class JfrHotspots {
  private JfrHotspots() {}

  /** Outermost phase of the compaction a stack is in; the first marker found wins. */
  private static final String[][] PHASES = {
    {"PartitionCompactor.sha256", "4 sha256 of data.parquet"},
    {"PartitionCompactor.verify", "3 read-back verify of data.parquet"},
    {"PartitionCompactor.write", "2 merge + write data.parquet"},
    {"PartitionCompactor.sortIntoRuns", "2a sort unsorted files into runs"},
    {"PartitionCompactor.mergeToSpill", "2b merge runs to spill"},
    {"SpoolFileCheck.schemaOf", "0 read footers (schema vote)"},
    {"PartitionCompactor.compact", "1 pre-check pass over every file"},
    {"PartitionVerifier.", "5 verify meta.json (CompactJob)"},
    {"CompactMeta.", "5 write meta.json (CompactJob)"},
    {"CompactJob.", "5 CompactJob (fingerprint, listing)"},
  };

  /** The operation inside a phase; the innermost (closest to the leaf) marker wins. */
  private static final String[][] OPERATIONS = {
    {"ParquetWriter.write", "write rows (AvroWriteSupport -> column writers)"},
    {"ParquetWriter.close", "flush row group (encode pages, compress, write)"},
    {"InternalParquetRecordWriter.checkBlockSizeReached", "flush row group (encode pages, compress, write)"},
    {"ParquetReader.read", "read rows (decode, decompress, build GenericRecord)"},
    {"ParquetReader.<init>", "open reader (footer)"},
    {"ParquetReader$Builder.build", "open reader (footer)"},
    {"ParquetFileReader.open", "open reader (footer)"},
    {"RecordOrder.compare", "compare rows (RecordOrder)"},
    {"KWayMerge.", "merge heap (KWayMerge)"},
    {"MessageDigest.", "SHA-256 digest"},
    {"InputStream.read", "file read"},
    {"DataFileReader.", "spill read (Avro)"},
    {"DataFileWriter.", "spill write (Avro)"},
  };

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      throw new IllegalArgumentException("usage: JfrHotspots RECORDING.jfr [--examples=N]");
    }
    Path file = Paths.get(args[0]);
    Map<String, long[]> byPhase = new LinkedHashMap<>();
    Map<String, Long> byPhaseOp = new HashMap<>();
    Map<String, Long> byPhaseOpLib = new HashMap<>();
    Map<String, Long> byLib = new HashMap<>();
    Map<String, Long> byLeaf = new HashMap<>();
    Map<String, Long> byThread = new HashMap<>();
    Map<String, Instant[]> phaseSpan = new HashMap<>();
    long total = 0;
    long compaction = 0;
    long nativeSamples = 0;
    long truncated = 0;
    int examples = args.length > 1 ? Integer.parseInt(args[1].substring(args[1].indexOf('=') + 1)) : 0;
    Map<String, List<String>> exampleStacks = new LinkedHashMap<>();
    Map<String, Long> seen = new HashMap<>();
    Instant jvmStart = null;
    Instant last = null;
    long gcCount = 0;
    Duration gcTime = Duration.ZERO;
    Duration gcLongest = Duration.ZERO;
    long heapUsedMax = 0;
    Map<String, double[]> threadLoad = new HashMap<>();
    Map<String, long[]> threadSplit = new HashMap<>();
    int hwThreads = 1;
    double cpuJvmSum = 0;
    double cpuMachineSum = 0;
    long cpuN = 0;
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        String type = e.getEventType().getName();
        if (last == null || e.getEndTime().isAfter(last)) {
          last = e.getEndTime();
        }
        switch (type) {
          case "jdk.JVMInformation":
            jvmStart = e.getInstant("jvmStartTime");
            continue;
          case "jdk.GarbageCollection":
            gcCount++;
            gcTime = gcTime.plus(e.getDuration());
            if (e.getDuration().compareTo(gcLongest) > 0) {
              gcLongest = e.getDuration();
            }
            continue;
          case "jdk.GCHeapSummary":
            heapUsedMax = Math.max(heapUsedMax, e.getLong("heapUsed"));
            continue;
          case "jdk.CPUInformation":
            hwThreads = Math.max(1, e.getInt("hwThreads"));
            continue;
          case "jdk.ThreadCPULoad":
            {
              String tn = e.getThread() == null ? "?" : e.getThread().getJavaName() + "#" + e.getThread().getJavaThreadId();
              double[] acc = threadLoad.computeIfAbsent(tn, k -> new double[2]);
              acc[0] += e.getFloat("user") + e.getFloat("system");
              acc[1]++;
            }
            continue;
          case "jdk.CPULoad":
            cpuJvmSum += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
            cpuMachineSum += e.getFloat("machineTotal");
            cpuN++;
            continue;
          case "jdk.ExecutionSample":
          case "jdk.NativeMethodSample":
            break;
          default:
            continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        total++;
        if (type.equals("jdk.NativeMethodSample")) {
          nativeSamples++;
        }
        String thread =
            e.getThread("sampledThread") == null
                ? "?"
                : e.getThread("sampledThread").getJavaName() + "#" + e.getThread("sampledThread").getJavaThreadId();
        byThread.merge(String.valueOf(thread), 1L, Long::sum);
        List<String> frames = new ArrayList<>();
        for (RecordedFrame f : st.getFrames()) {
          RecordedMethod m = f.getMethod();
          frames.add(m.getType().getName() + "." + m.getName());
        }
        if (st.isTruncated()) {
          truncated++;
        }
        String phase = phaseOf(frames);
        String leaf = frames.get(0);
        String group = phase == null ? "not compaction, thread " + thread : phase;
        long nth = seen.merge(group, 1L, Long::sum);
        if (examples > 0 && exampleStacks.getOrDefault(group, List.of()).size() < examples && nth % 25 == 1) {
          String at = jvmStart == null ? "" : String.format(" at %.2f s", secs(jvmStart, e.getStartTime()));
          exampleStacks.computeIfAbsent(group, k -> new ArrayList<>())
              .add(at + "\n      " + String.join("\n      ", frames.subList(0, Math.min(30, frames.size()))));
        }
        byLeaf.merge(leaf, 1L, Long::sum);
        threadSplit.computeIfAbsent(thread, k -> new long[2])[phase == null ? 1 : 0]++;
        if (phase == null) {
          continue;
        }
        compaction++;
        String op = operationOf(frames);
        String lib = libraryOf(frames);
        byPhase.computeIfAbsent(phase, k -> new long[1])[0]++;
        byPhaseOp.merge(phase + "\t" + op, 1L, Long::sum);
        byPhaseOpLib.merge(phase + "\t" + op + "\t" + lib, 1L, Long::sum);
        byLib.merge(lib, 1L, Long::sum);
        Instant t = e.getStartTime();
        Instant[] span = phaseSpan.computeIfAbsent(phase, k -> new Instant[] {t, t});
        if (t.isBefore(span[0])) {
          span[0] = t;
        }
        if (t.isAfter(span[1])) {
          span[1] = t;
        }
      }
    }

    final long all = total;
    final long inCompaction = compaction;
    final Instant start = jvmStart;
    System.out.printf("JFR recording: %s%n", file);
    System.out.printf(
        "samples: %,d (%,d in native methods); in the compaction (PartitionCompactor/CompactJob on the stack): %,d = %.1f%%%n",
        all, nativeSamples, inCompaction, pct(inCompaction, all));
    if (start != null && last != null) {
      System.out.printf("recording spans JVM start .. last event: %.2f s%n", secs(start, last));
    }
    System.out.printf(
        "GC: %d collections, %.2f s in total, longest %.0f ms; max heap used after/before GC %,d MB%n",
        gcCount, gcTime.toNanos() / 1e9, gcLongest.toNanos() / 1e6, heapUsedMax >> 20);
    if (cpuN > 0) {
      System.out.printf(
          "CPU load (mean of %d samples): JVM %.0f%%, machine %.0f%% of all cores%n",
          cpuN, 100 * cpuJvmSum / cpuN, 100 * cpuMachineSum / cpuN);
    }

    System.out.println();
    System.out.println("samples by thread (top 8): share of all samples, and of the thread's own samples in the compaction:");
    top(byThread, 8).forEach(
        en -> {
          long[] split = threadSplit.getOrDefault(en.getKey(), new long[2]);
          System.out.printf(
              "  %6.1f%%  %-28s %5.1f%% of its samples in the compaction%n",
              pct(en.getValue(), all), en.getKey(), pct(split[0], split[0] + split[1]));
        });
    System.out.println();
    System.out.printf("mean CPU load per thread (jdk.ThreadCPULoad, in cores; %d hardware threads):%n", hwThreads);
    final int hw = hwThreads;
    threadLoad.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0] / b.getValue()[1], a.getValue()[0] / a.getValue()[1]))
        .limit(8)
        .forEach(en -> System.out.printf("  %5.2f  %s (%d periods)%n", hw * en.getValue()[0] / en.getValue()[1], en.getKey(), (long) en.getValue()[1]));

    System.out.println();
    System.out.println("compaction phases (share of compaction samples; wall span = first..last sample, from JVM start):");
    byPhase.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            en -> {
              Instant[] sp = phaseSpan.get(en.getKey());
              System.out.printf(
                  "  %6.1f%%  %-40s %7.2f s .. %7.2f s (span %6.2f s)%n",
                  pct(en.getValue()[0], inCompaction), en.getKey(),
                  start == null ? 0 : secs(start, sp[0]),
                  start == null ? 0 : secs(start, sp[1]),
                  secs(sp[0], sp[1]));
            });

    System.out.println();
    System.out.println("phase / operation (share of compaction samples, >= 0.5%):");
    byPhaseOp.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(en -> pct(en.getValue(), inCompaction) >= 0.5)
        .forEach(en -> System.out.printf("  %6.1f%%  %s%n", pct(en.getValue(), inCompaction), en.getKey().replace("\t", "  /  ")));

    System.out.println();
    System.out.println("phase / operation / library of the sampled frame (>= 1%):");
    byPhaseOpLib.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(en -> pct(en.getValue(), inCompaction) >= 1.0)
        .forEach(en -> System.out.printf("  %6.1f%%  %s%n", pct(en.getValue(), inCompaction), en.getKey().replace("\t", "  /  ")));

    System.out.println();
    System.out.println("library of the sampled frame, whole compaction:");
    top(byLib, 20).forEach(en -> System.out.printf("  %6.1f%%  %s%n", pct(en.getValue(), inCompaction), en.getKey()));

    System.out.println();
    System.out.println("top 25 leaf methods (share of all samples):");
    top(byLeaf, 25).forEach(en -> System.out.printf("  %6.1f%%  %s%n", pct(en.getValue(), all), en.getKey()));
    for (Map.Entry<String, List<String>> en : exampleStacks.entrySet()) {
      System.out.println();
      System.out.println("example stacks: " + en.getKey());
      en.getValue().forEach(x -> System.out.println("    sample" + x));
    }
  }

  static String phaseOf(List<String> frames) {
    for (String[] p : PHASES) {
      for (String f : frames) {
        if (f.contains(p[0])) {
          return p[1];
        }
      }
    }
    return null;
  }

  static String operationOf(List<String> frames) {
    for (String f : frames) {
      for (String[] o : OPERATIONS) {
        if (f.contains(o[0])) {
          return o[1];
        }
      }
    }
    return "other";
  }

  /** The library doing the work: the leaf frame's, or for JDK frames the first caller's that is not JDK. */
  static String libraryOf(List<String> frames) {
    String leaf = frames.get(0);
    if (leaf.contains("Snappy") || leaf.startsWith("org.xerial.snappy")) {
      return "Snappy (de)compression";
    }
    if (leaf.startsWith("sun.security.provider") || leaf.startsWith("java.security")) {
      return "SHA-256 (JDK)";
    }
    if (leaf.startsWith("sun.nio.ch") || leaf.startsWith("java.io.File") || leaf.startsWith("java.nio.channels")) {
      return "file I/O (JDK)";
    }
    for (String f : frames) {
      if (f.startsWith("java.") || f.startsWith("jdk.") || f.startsWith("sun.")) {
        continue;
      }
      if (f.contains("Snappy")) {
        return "Snappy (de)compression";
      }
      if (f.startsWith("org.apache.parquet.avro")) {
        return "parquet-avro (GenericRecord <-> columns)";
      }
      if (f.startsWith("org.apache.avro")) {
        return "Avro (GenericData)";
      }
      if (f.startsWith("org.apache.parquet.column") || f.startsWith("org.apache.parquet.io")) {
        return "Parquet column encode/decode";
      }
      if (f.startsWith("org.apache.parquet") || f.startsWith("shaded.parquet")) {
        return "Parquet pages, bytes, footer";
      }
      if (f.startsWith("dev.sediment")) {
        String cls = f.substring(0, f.lastIndexOf('.'));
        return "Sediment " + cls.substring(cls.lastIndexOf('.') + 1);
      }
      if (f.startsWith("org.apache.hadoop")) {
        return "Hadoop";
      }
      return "other: " + f;
    }
    return "JDK: " + leaf;
  }

  private static List<Map.Entry<String, Long>> top(Map<String, Long> m, int n) {
    List<Map.Entry<String, Long>> l = new ArrayList<>(m.entrySet());
    l.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    return l.subList(0, Math.min(n, l.size()));
  }

  private static double pct(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  private static double secs(Instant a, Instant b) {
    return Duration.between(a, b).toNanos() / 1e9;
  }
}
