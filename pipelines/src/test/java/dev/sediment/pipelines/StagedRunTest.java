package dev.sediment.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.lake.LakeCommit;
import dev.sediment.io.lake.LakeIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link StagedRun}: publish only a run that succeeded and adds up; otherwise leave no trace. */
public class StagedRunTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path lake;
  private Path live;

  @Before
  public void setUp() throws Exception {
    lake = tmp.getRoot().toPath().resolve("lake");
    live = lake.resolve("quarantine/ds");
    Files.createDirectories(live);
    Files.writeString(live.resolve("records-00000-of-00001.jsonl"), "old\n");
  }

  /** A pipeline writing two lines into {@code dir}; the second fails when {@code fail}. */
  private static Pipeline pipeline(String dir, boolean fail) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of(KV.of("a", "{\"a\":1}"), KV.of("b", "{\"b\":2}"))
            .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via(
                    (KV<String, String> kv) -> {
                      if (fail && kv.getKey().equals("b")) {
                        throw new IllegalStateException("No space left on device");
                      }
                      return kv;
                    }))
        .apply(LakeIO.writeLines().to(dir).withPrefix("records"));
    return p;
  }

  private List<String> lake() throws Exception {
    try (Stream<Path> s = Files.walk(lake)) {
      return s.map(p -> lake.relativize(p).toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  public void run_pipelineFails_stagingDeleted_previousOutputKept() throws Exception {
    List<String> before = lake();
    LakeCommit commit = StagedRun.begin(lake.toString(), "ds", "r1");
    Pipeline p = pipeline(commit.stage(live.toString()), true);
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> StagedRun.run(p, commit, System.out, r -> "", r -> null));
    assertThat(String.valueOf(e.getMessage()), containsString("No space left on device"));
    assertThat(lake(), equalTo(before));
    assertThat(Files.readString(live.resolve("records-00000-of-00001.jsonl")), equalTo("old\n"));
  }

  @Test
  public void run_countsDoNotAddUp_nothingPublished_oneLine() throws Exception {
    List<String> before = lake();
    LakeCommit commit = StagedRun.begin(lake.toString(), "ds", "r1");
    Pipeline p = pipeline(commit.stage(live.toString()), false);
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () -> StagedRun.run(p, commit, System.out, r -> "", r -> "2 records in, 1 written"));
    assertThat(e.getMessage(), equalTo("2 records in, 1 written; nothing of this run was published"));
    assertThat(lake(), equalTo(before));
  }

  @Test
  public void run_succeeds_replacesTheOutput_noStagingLeft() throws Exception {
    LakeCommit commit = StagedRun.begin(lake.toString(), "ds", "r1");
    Pipeline p = pipeline(commit.stage(live.toString()), false);
    PipelineResult r = StagedRun.run(p, commit, System.out, x -> "", x -> null);
    assertThat(r.getState(), equalTo(PipelineResult.State.DONE));
    assertThat(
        lake(),
        equalTo(List.of("", "quarantine", "quarantine/ds", "quarantine/ds/_SUCCESS", "quarantine/ds/records-00000-of-00001.jsonl")));
    assertThat(
        Files.readString(live.resolve("records-00000-of-00001.jsonl")),
        equalTo("{\"a\":1}\n{\"b\":2}\n"));
  }
}
