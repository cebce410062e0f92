package dev.sediment.pipelines.ingest;

import dev.sediment.io.lake.LakeCommit;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.io.lake.SafePaths;
import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicIO;
import dev.sediment.io.seismic.TraceRecordCoder;
import dev.sediment.io.seismic.TraceRecords;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.pipelines.Names;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.StagedRun;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.validate.ValidationRun;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import dev.sediment.schemas.RecordError;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code bin/sediment ingest}: seismic files (SEG-Y, SEG-2, miniSEED 2/3, SAC; the format of each
 * is detected from its content) into the lake. Each file is copied as it is to {@code
 * LAKE/raw/DATASET/} (keeping its path below the glob's directory), its traces or records are
 * written as Parquet ({@code SeismicTrace.avsc}) to {@code
 * LAKE/processed/DATASET/station=NET.STA/date=YYYYMMDD/}, and files or records that do not decode
 * go to {@code LAKE/quarantine/DATASET/} with a typed error, the file and the byte offset.
 *
 * <p>Steps: match the files; copy them raw; read them split in byte ranges; key each trace by
 * station and UTC date of its first sample; write Parquet; report the counts.
 */
public final class Ingest implements Command<IngestOptions> {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  /** What one ingest reads and writes where. */
  public static final class Spec {
    public final String input;
    public final String lake;
    public final String dataset;
    public final SeismicFormat format;
    public final long splitBytes;
    /** The validation of the trace records before writing ({@code --rules}), or null. */
    public final ValidateIntoLake.@Nullable Spec validation;

    public Spec(String input, String lake, String dataset, SeismicFormat format, long splitBytes) {
      this(input, lake, dataset, format, splitBytes, null);
    }

    public Spec(
        String input,
        String lake,
        String dataset,
        SeismicFormat format,
        long splitBytes,
        ValidateIntoLake.@Nullable Spec validation) {
      this.input = input;
      this.lake = lake;
      this.dataset = dataset;
      this.format = format;
      this.splitBytes = splitBytes;
      this.validation = validation;
    }

    public String rawDir() {
      return LakeLayout.of(lake).raw(dataset);
    }

    public String processedDir() {
      return LakeLayout.of(lake).processed(dataset);
    }

    public String quarantineDir() {
      return LakeLayout.of(lake).quarantine(dataset);
    }
  }

  public static void main(String[] args) throws Exception {
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(IngestOptions.class);
    System.exit(new Ingest().run(options, System.out));
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String summary() {
    return "Copy seismic files (SEG-Y, SEG-2, miniSEED, SAC) to the lake and write their traces as Parquet.";
  }

  @Override
  public String usage() {
    return "--input=GLOB --dataset=NAME [--lake=DIR] [--seismicFormat=SEG-Y|SEG-2|miniSEED2|miniSEED3|SAC]"
        + " [--rules=FILE]";
  }

  @Override
  public Class<IngestOptions> optionsClass() {
    return IngestOptions.class;
  }

  @Override
  public int run(IngestOptions options, PrintStream out) throws Exception {
    Spec spec = specFrom(options);
    PipelineResult result = run(spec, options, out);
    return report(spec, result, out);
  }

  static Spec specFrom(IngestOptions o) {
    Names.check("--dataset", o.getDataset());
    SeismicFormat format = null;
    if (o.getSeismicFormat() != null && !o.getSeismicFormat().isEmpty()) {
      try {
        format = SeismicFormat.parse(o.getSeismicFormat());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--seismicFormat=" + o.getSeismicFormat() + ": " + e.getMessage());
      }
    }
    if (o.getSplitBytes() < 1024) {
      throw new UsageException("--splitBytes=" + o.getSplitBytes() + " is too small; use at least 1024");
    }
    ValidateIntoLake.Spec validation =
        ValidationRun.ofIngest(
            o,
            LakePaths.absolute(o.getLake()),
            o.getDataset(),
            LakePaths.absolute(o.getInput()),
            format == null ? "detected" : format.toString());
    if (validation != null) {
      validation = validation.leavingOutOfQuarantine(java.util.Set.of("samples"));
      try {
        validation.rules().checkAgainst(TRACE_ROW_SCHEMA);
      } catch (IllegalArgumentException e) {
        throw new CommandFailedException("the rules do not fit trace records: " + e.getMessage());
      }
    }
    return new Spec(
        LakePaths.absolute(o.getInput()),
        LakePaths.absolute(o.getLake()),
        o.getDataset(),
        format,
        o.getSplitBytes(),
        validation);
  }

  /** Builds and runs the pipeline of {@code spec}, printing progress, and waits for it. */
  public static PipelineResult run(Spec spec, PipelineOptions options, PrintStream progress) {
    int files = IngestTable.checkInputExists(spec.input);
    Pipeline p = Pipeline.create(options);
    // Processed rows, quarantine (and report) are staged and replace the previous ones as a
    // whole when the run succeeded; raw copies go straight to raw/.
    ValidateIntoLake.Spec validation = spec.validation;
    LakeCommit commit =
        StagedRun.begin(
            spec.lake,
            spec.dataset,
            validation != null
                ? validation.runId()
                : ValidateIntoLake.newRunId(org.joda.time.Instant.now()));
    String processed = commit.stage(spec.processedDir());
    String quarantine = commit.stage(spec.quarantineDir());
    if (validation != null) {
      validation =
          validation.stagedIn(
              quarantine, commit.stageWithMarker(validation.reportDir(), ValidateIntoLake.REPORT_JSON));
    }
    expand(p, spec, processed, quarantine, validation);
    progress.printf(
        "ingest %s: reading %,d files on %s%n",
        spec.dataset, files, options.getRunner().getSimpleName());
    return StagedRun.run(
        p,
        commit,
        progress,
        r ->
            String.format(
                "ingest %s: %,d traces read so far",
                spec.dataset, RunCounts.of(r).get("traces_read")),
        IngestTable::lostRecords);
  }

  /** Adds the ingest of {@code spec} to {@code p}, writing straight into the lake. */
  public static void expand(Pipeline p, Spec spec) {
    expand(p, spec, spec.processedDir(), spec.quarantineDir(), spec.validation);
  }

  private static void expand(
      Pipeline p,
      Spec spec,
      String processedDir,
      String quarantineDir,
      ValidateIntoLake.@Nullable Spec validation) {
    BadRecordErrorHandler<? extends POutput> quarantine =
        validation == null
            ? p.registerBadRecordErrorHandler(LakeIO.quarantine().to(quarantineDir))
            : p.registerBadRecordErrorHandler(ValidateIntoLake.countingQuarantine(quarantineDir));
    PCollection<FileIO.ReadableFile> matched =
        p.apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(spec.input)
                    .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply("OpenFiles", FileIO.readMatches());
    // A file whose path would leave raw/DATASET (an object key such as in/../../x) is quarantined
    // as PATH_ESCAPE and neither copied nor read; the others go on.
    PCollectionTuple checked =
        matched.apply(
            "RefuseEscapingPaths",
            ParDo.of(new RefuseEscapingPathsFn(globBase(spec.input), spec.rawDir(), errorCoder(p)))
                .withOutputTags(
                    RefuseEscapingPathsFn.INSIDE, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    PCollection<BadRecord> escaping = checked.get(BadRecordRouter.BAD_RECORD_TAG);
    escaping.setCoder(BadRecord.getCoder(p));
    quarantine.addErrorCollection(escaping);
    PCollection<FileIO.ReadableFile> files =
        checked.get(RefuseEscapingPathsFn.INSIDE).setCoder(ReadableFileCoder.of());
    files.apply("CopyRaw", ParDo.of(new CopyRawFn(globBase(spec.input), spec.rawDir())));
    SeismicIO.ReadFiles read =
        SeismicIO.readFiles().withSplitBytes(spec.splitBytes).withBadRecordErrorHandler(quarantine);
    if (spec.format != null) {
      read = read.withFormat(spec.format);
    }
    PCollection<GenericRecord> traces = files.apply("ReadTraces", read);
    quarantine.close();
    if (validation != null) {
      @SuppressWarnings("unchecked")
      PCollection<Long> unparsed = (PCollection<Long>) quarantine.getOutput();
      PCollection<Row> rows =
          traces
              .apply("TracesToRows", ParDo.of(new ToRowFn()))
              .setRowSchema(TRACE_ROW_SCHEMA);
      traces =
          ValidationRun.expand(rows, validation, unparsed)
              .apply("RowsToTraces", ParDo.of(new ToTraceFn()))
              .setCoder(TraceRecordCoder.of());
    }
    traces
        .apply("KeyByStationDate", ParDo.of(new KeyByStationDateFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TraceRecordCoder.of()))
        .apply(
            "WriteProcessed",
            LakeIO.writeRecords()
                .to(processedDir)
                .withAvroSchema(TraceRecords.SCHEMA.toString()));
  }

  /** The Beam schema of trace records, which validation rules see. */
  public static final Schema TRACE_ROW_SCHEMA = AvroUtils.toBeamSchema(TraceRecords.SCHEMA);

  static class ToRowFn extends DoFn<GenericRecord, Row> {
    @ProcessElement
    public void process(@Element GenericRecord r, OutputReceiver<Row> out) {
      out.output(AvroUtils.toBeamRowStrict(r, TRACE_ROW_SCHEMA));
    }
  }

  static class ToTraceFn extends DoFn<Row, GenericRecord> {
    @ProcessElement
    public void process(@Element Row r, OutputReceiver<GenericRecord> out) {
      out.output(AvroUtils.toGenericRecord(r, TraceRecords.SCHEMA));
    }
  }

  /** The directory part of a glob, up to the last '/' before its first wildcard. */
  static String globBase(String glob) {
    int wild = glob.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = glob.indexOf(c);
      if (i >= 0) {
        wild = Math.min(wild, i);
      }
    }
    int slash = glob.lastIndexOf('/', wild == glob.length() ? glob.length() - 1 : wild);
    return slash < 0 ? "" : glob.substring(0, slash + 1);
  }

  /** Prints the summary; returns 0, or 1 when the counts do not add up. */
  public static int report(Spec spec, PipelineResult result, PrintStream out) {
    if (result.getState() != PipelineResult.State.DONE) {
      throw new CommandFailedException("the pipeline ended in state " + result.getState());
    }
    RunCounts c = RunCounts.of(result);
    long in = c.get("records_in");
    long written = c.get("records_written");
    long quarantined = c.get("records_quarantined");
    out.printf(
        "ingest %s: %,d files (%,d copied raw%s), %,d traces or records in, %,d written, %,d"
            + " quarantined%n",
        spec.dataset,
        c.get("files_read") + c.get("files_path_escape"),
        c.get("files_copied"),
        c.get("files_path_escape") == 0
            ? ""
            : String.format(
                ", %,d refused: their path would leave the lake", c.get("files_path_escape")),
        in,
        written,
        quarantined);
    out.printf("  raw:         %s/%n", spec.rawDir());
    out.printf("  written:     %s/%n", spec.processedDir());
    out.printf(
        "  quarantine:  %s/%s%n",
        spec.quarantineDir(),
        quarantined > 0 ? " (each line says file, byte offset and error type)" : "");
    if (in != written + quarantined) {
      out.printf(
          "ERROR: records in (%d) != written (%d) + quarantined (%d): records were lost; report"
              + " this as a bug with the input attached%n",
          in, written, quarantined);
      return 1;
    }
    if (spec.validation != null) {
      return ValidationRun.printSummary(
          "ingest " + spec.dataset,
          spec.validation,
          ValidationRun.readReport(spec.validation),
          out);
    }
    return 0;
  }

  private static Coder<RecordError> errorCoder(Pipeline p) {
    try {
      return p.getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
  }

  /**
   * Where a file's raw copy goes: {@code rawDir/PATH}, PATH being the file's path below the
   * glob's base (its name when it is not below it), proven by {@link SafePaths} to stay below
   * {@code rawDir}.
   *
   * @throws SafePaths.UnsafePathException when PATH has a {@code ..}, {@code .} or empty segment,
   *     a NUL or a backslash
   */
  static String rawDestination(String resolvedBase, String rawDir, ResourceId src) {
    String s = src.toString();
    String relative =
        !resolvedBase.isEmpty() && s.startsWith(resolvedBase)
            ? s.substring(resolvedBase.length())
            : String.valueOf(src.getFilename());
    return SafePaths.resolve(rawDir, relative);
  }

  /** The glob's base as the file system spells it, e.g. with a trailing '/'; empty if none. */
  static String resolveBase(String base) {
    return base.isEmpty() ? "" : FileSystems.matchNewResource(base, true).toString();
  }

  /**
   * Passes on the files whose raw copy stays below {@code rawDir}; routes the others as bad
   * records of type {@code PATH_ESCAPE} (counted in {@code records_in} and {@code
   * files_path_escape}), so that they are neither copied nor read.
   */
  static class RefuseEscapingPathsFn extends DoFn<FileIO.ReadableFile, FileIO.ReadableFile> {
    static final TupleTag<FileIO.ReadableFile> INSIDE = new TupleTag<FileIO.ReadableFile>() {};

    private final String base;
    private final String rawDir;
    private final Coder<RecordError> errorCoder;
    private final Counter recordsIn = Metrics.counter("sediment", "records_in");
    private final Counter refused = Metrics.counter("sediment", "files_path_escape");
    private transient String resolvedBase;

    RefuseEscapingPathsFn(String base, String rawDir, Coder<RecordError> errorCoder) {
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
        rawDestination(resolvedBase, rawDir, src);
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
                .setErrorType(SeismicError.PATH_ESCAPE.name())
                .setMessage(message)
                .setRecord("")
                .build();
        BadRecordRouter.RECORDING_ROUTER.route(
            out, error, errorCoder, e, SeismicError.PATH_ESCAPE + ": " + message);
      }
    }
  }

  /** Copies each file as it is below {@code rawDir}, keeping its path below the glob's base. */
  static class CopyRawFn extends DoFn<FileIO.ReadableFile, Void> {
    private final String base;
    private final String rawDir;
    private final Counter copied = Metrics.counter("sediment", "files_copied");
    private transient String resolvedBase;

    CopyRawFn(String base, String rawDir) {
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
      ResourceId dest =
          FileSystems.matchNewResource(rawDestination(resolvedBase, rawDir, src), false);
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

  /** Keys a trace record by {@code station=NET.STA/date=YYYYMMDD} ("unknown" where absent). */
  static class KeyByStationDateFn extends DoFn<GenericRecord, KV<String, GenericRecord>> {
    private final Counter written = Metrics.counter("sediment", "records_written");

    @ProcessElement
    public void process(@Element GenericRecord r, OutputReceiver<KV<String, GenericRecord>> out) {
      out.output(KV.of(partitionOf(r), r));
      written.inc();
    }
  }

  static String partitionOf(GenericRecord r) {
    Object net = r.get("network");
    Object sta = r.get("station");
    String station;
    if (sta == null || sta.toString().isBlank()) {
      station = "unknown";
    } else if (net == null || net.toString().isBlank()) {
      station = sta.toString().trim();
    } else {
      station = net.toString().trim() + "." + sta.toString().trim();
    }
    Object start = r.get("start_time_ns");
    String date =
        start == null
            ? "unknown"
            : DATE.format(Instant.ofEpochSecond(0, (Long) start));
    // Header strings only keep [A-Za-z0-9._-], and each level starts with its key, so no level
    // can be '.' or '..'; SafePaths proves it.
    return SafePaths.checkRelative(
        "station=" + station.replaceAll("[^A-Za-z0-9._-]", "_") + "/date=" + date);
  }
}
