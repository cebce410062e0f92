package dev.sediment.io.lake;

import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Raw copies of input files into the lake's raw zone ({@link LakeLayout#raw}), each exactly as it
 * arrived, at the path {@link RawPaths#destination} gives.
 *
 * <pre>{@code
 * String base = RawPaths.globBase(glob);
 * PCollectionTuple checked = files.apply("RefuseEscapingPaths",
 *     ParDo.of(new RawCopy.RefuseEscapingPathsFn(base, rawDir, RawCopy.recordErrorCoder(p)))
 *         .withOutputTags(RawCopy.RefuseEscapingPathsFn.INSIDE,
 *             TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
 * checked.get(RawCopy.RefuseEscapingPathsFn.INSIDE).setCoder(ReadableFileCoder.of())
 *     .apply("CopyRaw", ParDo.of(new RawCopy.CopyRawFn(base, rawDir)));
 * }</pre>
 *
 * <p>A file whose copy would leave the raw directory (an object key such as {@code in/../../x}) is
 * routed as a bad record of type {@code PATH_ESCAPE} by {@link RefuseEscapingPathsFn} and neither
 * copied nor read; {@link CopyRawFn} refuses it again should one get through. A retried copy
 * overwrites the same destination with the same bytes. Counters (namespace {@code sediment}):
 * {@code files_copied}; {@code files_path_escape} and {@code records_in} for refused files.
 */
public final class RawCopy {
  private RawCopy() {}

  /** The coder of the quarantine records {@link RefuseEscapingPathsFn} routes. */
  public static Coder<RecordError> recordErrorCoder(Pipeline p) {
    try {
      return p.getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
  }

  /** The glob's base as the file system spells it, e.g. with a trailing '/'; empty if none. */
  static String resolveBase(String base) {
    return base.isEmpty() ? "" : FileSystems.matchNewResource(base, true).toString();
  }

  static String destination(String resolvedBase, String rawDir, ResourceId src) {
    return RawPaths.destination(
        resolvedBase, rawDir, src.toString(), String.valueOf(src.getFilename()));
  }

  /**
   * Passes on the files whose raw copy stays below {@code rawDir} (main output {@link #INSIDE});
   * routes the others to {@link BadRecordRouter#BAD_RECORD_TAG} as bad records of type {@code
   * PATH_ESCAPE} (counted in {@code records_in} and {@code files_path_escape}).
   */
  public static final class RefuseEscapingPathsFn
      extends DoFn<FileIO.ReadableFile, FileIO.ReadableFile> {
    /** The files that may be copied and read. */
    public static final TupleTag<FileIO.ReadableFile> INSIDE =
        new TupleTag<FileIO.ReadableFile>() {};

    private final String base;
    private final String rawDir;
    private final Coder<RecordError> errorCoder;
    private final Counter recordsIn = Metrics.counter("sediment", "records_in");
    private final Counter refused = Metrics.counter("sediment", "files_path_escape");
    private transient String resolvedBase;

    /**
     * @param base the glob's base ({@link RawPaths#globBase})
     * @param rawDir the raw directory the copies go to
     * @param errorCoder {@link RawCopy#recordErrorCoder}
     */
    public RefuseEscapingPathsFn(String base, String rawDir, Coder<RecordError> errorCoder) {
      this.base = base;
      this.rawDir = rawDir;
      this.errorCoder = errorCoder;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws Exception {
      if (resolvedBase == null) {
        resolvedBase = resolveBase(base);
      }
      ResourceId src = file.getMetadata().resourceId();
      try {
        destination(resolvedBase, rawDir, src);
        out.get(INSIDE).output(file);
      } catch (SafePaths.UnsafePathException e) {
        recordsIn.inc();
        refused.inc();
        String message =
            "the path below the input's directory, "
                + e.getMessage()
                + ", so the file would be written outside "
                + rawDir
                + "; it was neither copied nor read";
        RecordError error =
            RecordError.builder()
                .setSource(SafePaths.printable(src.toString()))
                .setLine(0)
                .setOffset(0)
                .setErrorType(ErrorType.PATH_ESCAPE.name())
                .setMessage(message)
                .setRecord("")
                .build();
        BadRecordRouter.RECORDING_ROUTER.route(
            out, error, errorCoder, e, ErrorType.PATH_ESCAPE + ": " + message);
      }
    }
  }

  /** Copies each file as it is below {@code rawDir}, keeping its path below the glob's base. */
  public static final class CopyRawFn extends DoFn<FileIO.ReadableFile, Void> {
    private final String base;
    private final String rawDir;
    private final Counter copied = Metrics.counter("sediment", "files_copied");
    private transient String resolvedBase;

    /**
     * @param base the glob's base ({@link RawPaths#globBase})
     * @param rawDir the raw directory the copies go to
     */
    public CopyRawFn(String base, String rawDir) {
      this.base = base;
      this.rawDir = rawDir;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file) throws IOException {
      ResourceId src = file.getMetadata().resourceId();
      if (resolvedBase == null) {
        resolvedBase = resolveBase(base);
      }
      // Files that would leave rawDir were routed away before; this throws if one was not.
      ResourceId dest = FileSystems.matchNewResource(destination(resolvedBase, rawDir, src), false);
      try (ReadableByteChannel in = file.open();
          WritableByteChannel outCh = FileSystems.create(dest, MimeTypes.BINARY)) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        while (in.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            outCh.write(buf);
          }
          buf.clear();
        }
      }
      copied.inc();
    }
  }
}
