package dev.sediment.io.seismic;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the traces (SEG-Y, SEG-2, SAC) or data records (miniSEED) of one file, one at a time,
 * so memory does not grow with the file. A reader opened on a byte range returns exactly the
 * traces or records whose first byte lies in that range; the ranges of a file's splits together
 * return every trace once.
 */
public interface TraceReader extends Closeable {

  SeismicFormat format();

  /** A short description of the file's encoding, byte order, revision: "rev1 ibm_float32 big-endian". */
  String variant();

  /**
   * File-level headers by name (SEG-Y textual and binary header, SEG-2 file descriptor strings),
   * empty for formats without them. The writer of the same format takes them back.
   */
  Map<String, String> fileHeaders();

  /** The next trace or record, or {@code null} at the end of the file or range. */
  SeismicTrace next() throws IOException;

  /**
   * As {@link #next()}, but the samples go into {@code buffer} instead of a new array: the
   * returned trace has every field and header, its {@link SeismicTrace#sampleCount()} is {@code
   * buffer.count()}, and its {@link SeismicTrace#samples()} refuses. For loops that look at each
   * trace's samples once (statistics, checks) and keep none: the SEG-Y and miniSEED readers then
   * decode straight into the buffer and allocate no sample arrays. The default copies.
   */
  default SeismicTrace next(SampleBuffer buffer) throws IOException {
    SeismicTrace t = next();
    return t == null ? null : t.withSamplesIn(buffer);
  }
}
