package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.util.List;
import org.junit.Test;

/**
 * The short CI run of {@link SeismicFuzzer}: a fixed seed and 3,000 mutated inputs per format,
 * each read to its end four ways; every read must end normally or with {@link
 * SeismicFormatException}. The long run (a million inputs per format) is bench's {@code
 * SeismicFuzz}; its counts are in docs/benchmarks.md.
 */
public class SeismicFuzzTest {
  private static final int INPUTS = 3000;
  private static final int MAX_SEED_BYTES = 64 * 1024;

  private static void fuzz(SeismicFormat format, long seed) throws IOException {
    List<SeismicFuzzer.Seed> seeds = SeismicFuzzer.seeds(format, TestData.root(), MAX_SEED_BYTES);
    SeismicFuzzer.Result r = new SeismicFuzzer(format, seeds, seed).run(INPUTS, null);
    assertThat(format + ": " + r.findings, r.findings, empty());
    assertThat(r.inputs, equalTo((long) INPUTS));
  }

  @Test
  public void segy_mutatedInputs_readOrTypedError() throws IOException {
    fuzz(SeismicFormat.SEGY, 1);
  }

  @Test
  public void seg2_mutatedInputs_readOrTypedError() throws IOException {
    fuzz(SeismicFormat.SEG2, 2);
  }

  @Test
  public void mseed2_mutatedInputs_readOrTypedError() throws IOException {
    fuzz(SeismicFormat.MSEED2, 3);
  }

  @Test
  public void mseed3_mutatedInputs_readOrTypedError() throws IOException {
    fuzz(SeismicFormat.MSEED3, 4);
  }

  @Test
  public void sac_mutatedInputs_readOrTypedError() throws IOException {
    fuzz(SeismicFormat.SAC, 5);
  }
}
