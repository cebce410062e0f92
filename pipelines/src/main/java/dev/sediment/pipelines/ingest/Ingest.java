package dev.sediment.pipelines.ingest;

import dev.sediment.io.lake.LakeCommit;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicIO;
import dev.sediment.io.seismic.TraceRecordCoder;
import dev.sediment.io.seismic.TraceRecords;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.LakePaths;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.StagedRun;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.validate.ValidationStep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.avro.generic.GenericRecord;
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
    public final ValidationStep.@Nullable Spec validation;

    public Spec(String input, String lake, String dataset, SeismicFormat format, long splitBytes) {
      this(input, lake, dataset, format, splitBytes, null);
    }

    public Spec(
        String input,
        String lake,
        String dataset,
        SeismicFormat format,
        long splitBytes,
        ValidationStep.@Nullable Spec validation) {
      this.input = input;
      this.lake = lake;
      this.dataset = dataset;
      this.format = format;
      this.splitBytes = splitBytes;
      this.validation = validation;
    }

    public String rawDir() {
      return LakePaths.join(lake, "raw", dataset);
    }

    public String processedDir() {
      return LakePaths.join(lake, "processed", dataset);
    }

    public String quarantineDir() {
      return LakePaths.join(lake, "quarantine", dataset);
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
    if (!IngestTable.DATASET.matcher(o.getDataset()).matches()) {
      throw new UsageException(
          "--dataset=" + o.getDataset() + " is not a valid name; use letters, digits, '.', '_' and '-'");
    }
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
    ValidationStep.Spec validation =
        ValidationStep.Spec.ofIngest(
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
    ValidationStep.Spec validation = spec.validation;
    LakeCommit commit =
        StagedRun.begin(
            spec.lake,
            spec.dataset,
            validation != null
                ? validation.runId()
                : ValidationStep.newRunId(org.joda.time.Instant.now()));
    String processed = commit.stage(spec.processedDir());
    String quarantine = commit.stage(spec.quarantineDir());
    if (validation != null) {
      validation =
          validation.stagedIn(
              quarantine, commit.stageWithMarker(validation.reportDir(), ValidationStep.REPORT_JSON));
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
      ValidationStep.@Nullable Spec validation) {
    BadRecordErrorHandler<? extends POutput> quarantine =
        validation == null
            ? p.registerBadRecordErrorHandler(LakeIO.quarantine().to(quarantineDir))
            : p.registerBadRecordErrorHandler(ValidationStep.countingQuarantine(quarantineDir));
    PCollection<FileIO.ReadableFile> files =
        p.apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(spec.input)
                    .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply("OpenFiles", FileIO.readMatches());
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
          ValidationStep.expand(rows, validation, unparsed)
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
        "ingest %s: %,d files (%,d copied raw), %,d traces or records in, %,d written, %,d"
            + " quarantined%n",
        spec.dataset, c.get("files_read"), c.get("files_copied"), in, written, quarantined);
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
      return ValidationStep.printSummary(
          "ingest " + spec.dataset,
          spec.validation,
          ValidationStep.readReport(spec.validation),
          out);
    }
    return 0;
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
        resolvedBase =
            base.isEmpty() ? "" : FileSystems.matchNewResource(base, true).toString();
      }
      String s = src.toString();
      String relative =
          !resolvedBase.isEmpty() && s.startsWith(resolvedBase)
              ? s.substring(resolvedBase.length())
              : src.getFilename();
      ResourceId dest = FileSystems.matchNewResource(LakePaths.join(rawDir, relative), false);
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
    return "station=" + station.replaceAll("[^A-Za-z0-9._-]", "_") + "/date=" + date;
  }
}
