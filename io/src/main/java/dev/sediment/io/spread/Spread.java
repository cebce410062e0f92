package dev.sediment.io.spread;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Redistributes elements over the workers in turn: a {@link Reshuffle} whose keys are dealt out
 * ({@link WorkerKeys}) instead of drawn at random.
 *
 * <pre>{@code
 * PCollection<Range> spread = ranges.apply("SpreadRowGroups", Spread.evenly());
 * }</pre>
 *
 * <p>Use it where a few expensive elements fan out (a file into its row groups) and the step after
 * should share them out evenly. With {@link Reshuffle#viaRandomKey()} where each element goes is
 * chance: 12 row groups land 6 and 6 on two workers only 23 % of the time, and the job waits for
 * the worker that got more. Here each instance of the keying step starts at a random place in the
 * cycle and then deals in turn, so the elements one worker sends are split as evenly as the
 * runner's placement of {@link WorkerKeys} allows: exactly evenly on Flink's batch runner at
 * parallelisms that divide {@value WorkerKeys#CYCLE}, as with random keys elsewhere.
 *
 * <p>Like {@code Reshuffle.viaRandomKey()}: elements keep their coder, their order is not kept, and
 * the step is a checkpoint on runners that have one.
 */
public final class Spread<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private static final long serialVersionUID = 1L;

  private Spread() {}

  /** Elements dealt out to the workers in turn. */
  public static <T> Spread<T> evenly() {
    return new Spread<>();
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    Coder<T> coder = input.getCoder();
    return input
        .apply("DealKeys", ParDo.of(new DealKeysFn<T>()))
        .setCoder(KvCoder.of(VarIntCoder.of(), coder))
        .apply("Reshuffle", Reshuffle.of())
        .apply("DropKeys", Values.create())
        .setCoder(coder);
  }

  /** Keys element after element with the next of {@link WorkerKeys}' cycle. */
  static final class DealKeysFn<T> extends DoFn<T, KV<Integer, T>> {
    private transient int next;

    @Setup
    public void setup() {
      // A random start, so that workers that each send a few elements do not all begin at worker 0.
      next = ThreadLocalRandom.current().nextInt(WorkerKeys.CYCLE);
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Integer, T>> out) {
      out.output(KV.of(WorkerKeys.intKey(next), element));
      next = (next + 1) % WorkerKeys.CYCLE;
    }
  }
}
