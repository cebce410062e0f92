package dev.sediment.pipelines.ingest;

import dev.sediment.io.lake.LakeCommit;
import dev.sediment.io.lake.LakeIO;
import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.lake.RawCopy;
import dev.sediment.io.lake.RawPaths;
import dev.sediment.io.seismic.KeyByStationDateFn;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicIO;
import dev.sediment.io.seismic.TraceRecordCoder;
import dev.sediment.io.seismic.TraceRecords;
import dev.sediment.pipelines.Command;
import dev.sediment.pipelines.CommandFailedException;
import dev.sediment.pipelines.Names;
import dev.sediment.pipelines.RunCounts;
import dev.sediment.pipelines.StagedRun;
import dev.sediment.pipelines.UsageException;
import dev.sediment.pipelines.validate.ValidationRun;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.PrintStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code bin/sediment ingest}: seismic files (SEG-Y, SEG-2, miniSEED 2/3, SAC; the format of each
 * is detected from its content) into the lake. Each file is copied as it is to {@code
 * LAKE/raw/DATASET/} (keeping its path below the glob's directory), its traces or records are
 * written as Parquet ({@code SeismicTrace.avsc}) to {@code
 * LAKE/processed/DATASET/station=NET.STA/date=YYYYMMDD/}, and files or records that do not decode
 * go to {@code LAKE/quarantine/DATASET/} with a typed error, the file and the byte offset.
 *
 * <p>Steps: match the files; copy them raw ({@link RawCopy}); read them split in byte ranges; key
 * each trace by station and UTC date of its first sample ({@link KeyByStationDateFn}); write
 * Parquet; report the counts.
 */
public final class Ingest implements Command<IngestOptions> {
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
              quarantine,
              commit.stageWithMarker(validation.reportDir(), ValidateIntoLake.REPORT_JSON));
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
            ParDo.of(
                    new RawCopy.RefuseEscapingPathsFn(
                        RawPaths.globBase(spec.input), spec.rawDir(), RawCopy.recordErrorCoder(p)))
                .withOutputTags(
                    RawCopy.RefuseEscapingPathsFn.INSIDE,
                    TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    PCollection<BadRecord> escaping = checked.get(BadRecordRouter.BAD_RECORD_TAG);
    escaping.setCoder(BadRecord.getCoder(p));
    quarantine.addErrorCollection(escaping);
    PCollection<FileIO.ReadableFile> files =
        checked.get(RawCopy.RefuseEscapingPathsFn.INSIDE).setCoder(ReadableFileCoder.of());
    files.apply(
        "CopyRaw", ParDo.of(new RawCopy.CopyRawFn(RawPaths.globBase(spec.input), spec.rawDir())));
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
}
