package dev.sediment.pipelines;

import dev.sediment.io.lake.LakeCommit;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * Runs a pipeline that writes into a {@link LakeCommit}'s staging area and publishes its outputs
 * only when the run succeeded and its counts add up; otherwise deletes what it staged, so a
 * failed run (an exception, a full disk, lost records) leaves the previous output visible and no
 * staged file behind. A killed run's staging area is cleared by the next run of its dataset.
 */
public final class StagedRun {
  private static final org.joda.time.Duration PROGRESS_INTERVAL =
      org.joda.time.Duration.standardSeconds(15);

  private StagedRun() {}

  /** Opens the commit of run {@code runId} of {@code dataset}, after recovering older runs. */
  public static LakeCommit begin(String lake, String dataset, String runId) {
    try {
      return LakeCommit.start(lake, dataset, runId);
    } catch (IOException | RuntimeException e) {
      throw new CommandFailedException(
          "cannot prepare the staging area of "
              + LakeCommit.stagingRoot(lake, dataset)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Runs {@code p}, printing {@code progressLine} every 15 s; when it ends {@code DONE} and {@code
   * problem} finds none (returns null), commits and returns the result. Otherwise aborts: a
   * pipeline failure is rethrown, a problem becomes a {@link CommandFailedException} saying that
   * nothing was published, and another end state is returned as it is.
   */
  public static PipelineResult run(
      Pipeline p,
      LakeCommit commit,
      PrintStream progress,
      Function<PipelineResult, String> progressLine,
      Function<PipelineResult, String> problem) {
    PipelineResult result;
    String found = null;
    PipelineResult.State state;
    try {
      result = p.run();
      while ((state = result.waitUntilFinish(PROGRESS_INTERVAL)) == null || !state.isTerminal()) {
        progress.println(progressLine.apply(result));
      }
      if (state == PipelineResult.State.DONE) {
        found = problem.apply(result);
      }
    } catch (RuntimeException | Error e) {
      abort(commit, e);
      throw e;
    }
    if (state != PipelineResult.State.DONE || found != null) {
      abort(commit, null);
      if (found != null) {
        throw new CommandFailedException(found + "; nothing of this run was published");
      }
      return result;
    }
    try {
      commit.commit();
    } catch (IOException | RuntimeException e) {
      // Past the commit point the staged output is complete: the next run finishes publishing it.
      throw new CommandFailedException(
          "the run finished but publishing its output failed ("
              + e.getMessage()
              + "); the next run of this dataset completes or discards it",
          e);
    }
    return result;
  }

  private static void abort(LakeCommit commit, Throwable cause) {
    try {
      commit.abort();
    } catch (IOException | RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        throw new CommandFailedException(
            "cannot delete the run's staging area: " + e.getMessage(), e);
      }
    }
  }
}
