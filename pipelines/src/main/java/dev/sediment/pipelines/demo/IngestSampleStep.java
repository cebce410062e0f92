package dev.sediment.pipelines.demo;

import dev.sediment.io.lake.LakeLayout;
import dev.sediment.io.lake.LakePaths;
import dev.sediment.io.table.TableIO;
import dev.sediment.pipelines.ingest.IngestTable;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.io.ByteStreams;

/**
 * Lands sample files shipped in the jar in {@code LAKE/raw/DATASET/} exactly as they are, then
 * ingests them with {@code ingest-table} into {@code processed/} and {@code quarantine/}.
 */
final class IngestSampleStep implements DemoStep {
  private final String dataset;
  private final String schemaResource;
  private final List<String> files;
  private final TableIO.Format format;
  private final List<String> partitionBy;

  IngestSampleStep(
      String dataset,
      String schemaResource,
      List<String> files,
      TableIO.Format format,
      List<String> partitionBy) {
    this.dataset = dataset;
    this.schemaResource = schemaResource;
    this.files = files;
    this.format = format;
    this.partitionBy = partitionBy;
  }

  @Override
  public String title() {
    return "ingest-table: " + files.size() + " " + format + " files into dataset '" + dataset + "'";
  }

  @Override
  public int run(DemoOptions options, PrintStream out) throws Exception {
    String lake = LakePaths.absolute(options.getLake());
    String raw = LakeLayout.of(lake).raw(dataset);
    for (String f : files) {
      copyResource(f, LakePaths.join(raw, f));
    }
    String schema = new String(resource(schemaResource), StandardCharsets.UTF_8);
    String glob = LakePaths.join(raw, "*." + (format == TableIO.Format.CSV ? "csv" : "jsonl"));
    IngestTable.Spec spec = IngestTable.Spec.of(glob, format, schema, lake, dataset, partitionBy);
    PipelineResult result = IngestTable.run(spec, options, out);
    out.printf("  raw:         %s/%n", raw);
    return IngestTable.report(spec, result, out);
  }

  static void copyResource(String name, String target) throws Exception {
    byte[] bytes = resource(name);
    try (OutputStream os =
        Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(target, false), MimeTypes.BINARY))) {
      os.write(bytes);
    }
  }

  static byte[] resource(String name) throws Exception {
    try (InputStream in = IngestSampleStep.class.getResourceAsStream("/demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("sample file /demo/" + name + " is missing from the jar");
      }
      return ByteStreams.toByteArray(in);
    }
  }
}
