package dev.sediment.io.seismic;

import dev.sediment.io.mseed.MseedReader;
import dev.sediment.io.mseed.MseedWriter;
import dev.sediment.io.sac.SacReader;
import dev.sediment.io.sac.SacWriter;
import dev.sediment.io.seg2.Seg2Reader;
import dev.sediment.io.segy.SegyReader;
import dev.sediment.io.segy.SegyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Detects the format of a seismic file from its content, opens the format's reader, and writes
 * traces in the writable formats (SEG-Y, miniSEED 2 and 3, SAC).
 */
public final class SeismicFiles {
  /** How many bytes of the file's start detection looks at. */
  public static final int PROBE_BYTES = 8192;

  private SeismicFiles() {}

  /**
   * The format of the file open on {@code channel}, from its first bytes; fails with {@link
   * SeismicError#BAD_MAGIC} when it is none of SEG-Y, SEG-2, miniSEED 2/3 and SAC.
   */
  public static SeismicFormat detect(SeekableByteChannel channel, String name) throws IOException {
    long size = channel.size();
    int len = (int) Math.min(size, PROBE_BYTES);
    ByteBuffer buf = ByteBuffer.allocate(len);
    channel.position(0);
    while (buf.hasRemaining() && channel.read(buf) >= 0) {
      // fill
    }
    byte[] head = buf.array();
    len = buf.position();
    // Strongest signatures first: SEG-Y's check is the weakest (any 3,600 bytes may pass).
    if (len >= 3 && head[0] == 'M' && head[1] == 'S' && head[2] == 3 && MseedReader.probe(head, len)) {
      return SeismicFormat.MSEED3;
    }
    if (MseedReader.probe(head, len)) {
      return SeismicFormat.MSEED2;
    }
    if (Seg2Reader.probe(head, len)) {
      return SeismicFormat.SEG2;
    }
    if (SacReader.probe(head, len)) {
      return SeismicFormat.SAC;
    }
    if (SegyReader.probe(head, len)) {
      return SeismicFormat.SEGY;
    }
    throw new SeismicFormatException(
        name,
        0,
        SeismicError.BAD_MAGIC,
        size == 0
            ? "the file is empty"
            : "not a SEG-Y, SEG-2, miniSEED or SAC file (no known header in the first "
                + len
                + " bytes)");
  }

  /** A reader of the whole file. */
  public static TraceReader open(SeismicFormat format, SeekableByteChannel channel, String name)
      throws IOException {
    return open(format, channel, name, 0, Long.MAX_VALUE);
  }

  /**
   * A reader of the traces or records whose first byte lies in [{@code start}, {@code end}); see
   * {@link TraceReader}.
   */
  public static TraceReader open(
      SeismicFormat format, SeekableByteChannel channel, String name, long start, long end)
      throws IOException {
    switch (format) {
      case SEGY:
        return SegyReader.open(channel, name, start, end);
      case SEG2:
        return Seg2Reader.open(channel, name, start, end);
      case MSEED2:
      case MSEED3:
        return MseedReader.open(channel, name, start, end);
      case SAC:
        return SacReader.open(channel, name, start, end);
      default:
        throw new IllegalArgumentException("no reader for " + format);
    }
  }

  /** Whether Sediment can write {@code format} (SEG-2 is read-only). */
  public static boolean writable(SeismicFormat format) {
    return format != SeismicFormat.SEG2;
  }

  /** The file name extension of {@code format}, with its dot. */
  public static String extension(SeismicFormat format) {
    switch (format) {
      case SEGY:
        return ".sgy";
      case SEG2:
        return ".seg2";
      case MSEED2:
        return ".mseed";
      case MSEED3:
        return ".ms3";
      default:
        return ".sac";
    }
  }

  /**
   * Writes {@code traces} in file order to local files of {@code format}: one file {@code
   * base + extension} for SEG-Y and miniSEED; for SAC, which holds one trace per file, {@code
   * base + extension} for a single trace and {@code base.N + extension} (N = 0, 1, ...) for more.
   * {@code fileHeaders} (SEG-Y textual and binary headers) are used when the traces were read
   * from the same format. Returns the files written.
   */
  public static List<Path> write(
      SeismicFormat format, List<SeismicTrace> traces, Map<String, String> fileHeaders, Path dir, String base)
      throws IOException {
    return write(format, traces.iterator(), traces.size(), fileHeaders, dir, base);
  }

  /**
   * As {@link #write(SeismicFormat, List, Map, Path, String)}, taking each trace from {@code
   * traces} only when it is written, so one trace at a time is held here however long the file.
   * {@code count} is the number of traces {@code traces} yields, needed up front for SAC's file
   * names; a different number fails with {@link IllegalArgumentException}, leaving what was
   * written in {@code dir}.
   */
  public static List<Path> write(
      SeismicFormat format,
      Iterator<SeismicTrace> traces,
      long count,
      Map<String, String> fileHeaders,
      Path dir,
      String base)
      throws IOException {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    List<Path> out = new ArrayList<>();
    long written = 0;
    // The first trace decides whether the file headers apply; no other trace is kept.
    SeismicTrace t = next(traces, written, count);
    boolean sameFormat = t != null && t.format() == format;
    Map<String, String> headers = sameFormat ? fileHeaders : Map.of();
    switch (format) {
      case SEGY:
        {
          Path f = dir.resolve(base + extension(format));
          // Seekable output: a writer of traces of varying length marks the file variable-length.
          try (FileChannel ch = open(f);
              SegyWriter w = new SegyWriter(ch, headers)) {
            for (; t != null; t = next(traces, ++written, count)) {
              w.write(t);
            }
          }
          out.add(f);
          break;
        }
      case MSEED2:
      case MSEED3:
        {
          Path f = dir.resolve(base + extension(format));
          MseedWriter.Options o =
              MseedWriter.Options.defaults().withFormatVersion(format == SeismicFormat.MSEED3 ? 3 : 2);
          try (FileChannel ch = open(f);
              MseedWriter w = new MseedWriter(ch, o)) {
            for (; t != null; t = next(traces, ++written, count)) {
              w.write(t);
            }
          }
          out.add(f);
          break;
        }
      case SAC:
        for (; t != null; t = next(traces, ++written, count)) {
          Path f = dir.resolve(base + (count == 1 ? "" : "." + written) + extension(format));
          try (FileChannel ch = open(f);
              SacWriter w = new SacWriter(ch)) {
            w.write(t);
          }
          out.add(f);
        }
        break;
      default:
        throw new IllegalArgumentException(format.label() + " can not be written, only read");
    }
    if (written != count) {
      throw new IllegalArgumentException(
          "count was " + count + " but the traces held only " + written);
    }
    return out;
  }

  /** The next trace, or null at the end; fails once {@code traces} yields over {@code count}. */
  private static @Nullable SeismicTrace next(
      Iterator<SeismicTrace> traces, long taken, long count) {
    if (!traces.hasNext()) {
      return null;
    }
    if (taken >= count) {
      throw new IllegalArgumentException("count was " + count + " but the traces hold more");
    }
    return traces.next();
  }

  private static FileChannel open(Path f) throws IOException {
    return FileChannel.open(
        f, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }
}
