package dev.sediment.tests;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.dataflow.model.DataflowPackage;
import dev.sediment.io.table.TableIO;
import dev.sediment.pipelines.ingest.Ingest;
import dev.sediment.pipelines.ingest.IngestTable;
import dev.sediment.pipelines.validate.ValidateCommand;
import dev.sediment.transforms.validate.ValidateIntoLake;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.dataflow.DataflowRunner;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.PackageUtil;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * ingest-table and ingest translated into a Dataflow job specification, offline: no credentials, no network.
 * Beam 2.62 has no dry run, so the job is written as a template file (what {@code
 * --templateLocation} does), with path validation, credentials and staging switched off.
 */
public class DataflowTranslationIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Stages nothing: the job JSON is all this test needs. */
  public static class NoStager implements Stager {
    @Override
    public List<DataflowPackage> stageFiles(List<PackageUtil.StagedFile> files) {
      return new ArrayList<>();
    }

    @Override
    public DataflowPackage stageToFile(byte[] bytes, String name) {
      return new DataflowPackage().setName(name).setLocation("gs://sediment-test/staging/" + name);
    }
  }

  /** Options that write the job as a template file to {@code template}, offline. */
  private static DataflowPipelineOptions offline(String jobName, File template) {
    DataflowPipelineOptions options = PipelineOptionsFactory.as(DataflowPipelineOptions.class);
    options.setRunner(DataflowRunner.class);
    options.setProject("sediment-test");
    options.setRegion("europe-west1");
    options.setJobName(jobName);
    options.setTempLocation("gs://sediment-test/tmp");
    options.setGcpTempLocation("gs://sediment-test/tmp");
    options.setStagingLocation("gs://sediment-test/staging");
    options.setPathValidatorClass(NoopPathValidator.class);
    options.setCredentialFactoryClass(NoopCredentialFactory.class);
    options.setFilesToStage(new ArrayList<>());
    options.setStager(new NoStager());
    options.setTemplateLocation(template.getAbsolutePath());
    return options;
  }

  /** The user names of the steps of {@code job}. */
  private static List<String> stepNames(JsonNode job) {
    List<String> names = new ArrayList<>();
    for (JsonNode step : job.path("steps")) {
      names.add(step.path("properties").path("user_name").path("value").asText());
    }
    return names;
  }

  @Test
  public void ingestTable_translatesToDataflowJob() throws Exception {
    File template = tmp.newFile("job.json");
    DataflowPipelineOptions options = offline("ingest-trades", template);

    String schema =
        Files.readString(
            Sediment.home().resolve("tests/src/test/resources/ingest/trades.avsc"),
            StandardCharsets.UTF_8);
    IngestTable.Spec spec =
        IngestTable.Spec.of(
            "gs://sediment-test/in/trades-*.csv",
            TableIO.Format.CSV,
            schema,
            "gs://sediment-test/lake",
            "trades",
            List.of("date"));
    Pipeline p = Pipeline.create(options);
    IngestTable.expand(p, spec);
    p.run();

    JsonNode job = new ObjectMapper().readTree(template);
    assertThat(job.path("name").asText(), equalTo("ingest-trades"));
    List<String> names = stepNames(job);
    assertThat(
        names,
        hasItems(
            "ReadAndSpill/ReadText/MatchFiles/Via MatchAll/Match filepatterns",
            "ReadAndSpill/ReadText/PlanRanges",
            "ReadAndSpill/ReadText/SpreadRanges/Reshuffle/GroupByKey",
            "ReadAndSpill/ReadText/ParseRanges",
            "WriteShards/GroupByShard",
            "WriteShards/WriteShard",
            "Write to error Sink/ToJson"));
    assertThat(names.size(), equalTo(65));
    assertThat(job.path("environment").path("tempStoragePrefix").asText(), containsString("sediment-test"));
  }

  /** validate with a keyed rule (column unique), so the bucketed, sorted grouping is in the job. */
  @Test
  public void validate_translatesToDataflowJob() throws Exception {
    File template = tmp.newFile("validate-job.json");
    java.nio.file.Path rules = tmp.newFile("trades.yaml").toPath();
    Files.writeString(
        rules,
        "columns:\n  price:\n    - {rule: min, value: 0, exclusive: true}\n"
            + "  trade_id:\n    - {rule: unique}\n"
            + "dataset:\n  - {rule: row_count, min: 1}\n");
    String schema =
        Files.readString(
            Sediment.home().resolve("tests/src/test/resources/ingest/trades.avsc"),
            StandardCharsets.UTF_8);
    ValidateCommand.Spec spec =
        ValidateCommand.Spec.of(
            "gs://sediment-test/in/trades-*.csv",
            TableIO.Format.CSV,
            schema,
            "gs://sediment-test/lake",
            "trades",
            List.of("date"),
            ValidateIntoLake.Spec.of(
                rules.toString(), "gs://sediment-test/lake", "trades", "run1", Instant.now()));
    Pipeline p = Pipeline.create(offline("validate-trades", template));
    ValidateCommand.expand(p, spec);
    p.run();

    JsonNode job = new ObjectMapper().readTree(template);
    assertThat(job.path("name").asText(), equalTo("validate-trades"));
    List<String> names = stepNames(job);
    assertThat(
        names,
        hasItems(
            "ReadTable/ReadText/ParseRanges",
            "Validate/BatchesToRows",
            "Validate/ValidateRows/EvaluateRules",
            "Validate/RowsToBatches",
            "ViolationsToJson",
            "WriteReport",
            "WriteProcessed/SpillByPartition/RunStages",
            "Write to error Sink/Quarantine/ToJson"));
    assertThat(
        names.stream()
            .anyMatch(n -> n.startsWith("Validate/") && n.contains("GroupRecordsByBucket")),
        equalTo(true));
  }

  @Test
  public void ingestSeismic_translatesToDataflowJob() throws Exception {
    File template = tmp.newFile("seismic-job.json");
    Pipeline p = Pipeline.create(offline("ingest-quakes", template));
    Ingest.expand(
        p,
        new Ingest.Spec(
            "gs://sediment-test/in/**", "gs://sediment-test/lake", "quakes", null, 1L << 20));
    p.run();

    JsonNode job = new ObjectMapper().readTree(template);
    assertThat(job.path("name").asText(), equalTo("ingest-quakes"));
    List<String> names = stepNames(job);
    assertThat(
        names,
        hasItems(
            "MatchFiles/Via MatchAll/Match filepatterns",
            "RefuseEscapingPaths",
            "CopyRaw",
            "ReadTraces/SplitIntoRanges",
            "ReadTraces/SpreadRanges/Reshuffle/GroupByKey",
            "ReadTraces/DecodeRanges",
            "KeyByStationDate",
            "WriteProcessed/WriteParquet/WriteShard",
            "Write to error Sink/ToJson"));
    assertThat(names.size(), equalTo(54));
  }
}
