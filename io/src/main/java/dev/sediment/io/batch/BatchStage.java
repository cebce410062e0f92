package dev.sediment.io.batch;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One step of per-batch work (check, validate, spill) that can run inside the {@link DoFn} that
 * made the batches, so that a chain of such steps is one fused step on every runner.
 *
 * <p>Why: the DirectRunner does not fuse steps. Between two {@code ParDo}s it keeps the whole
 * output bundle of the first in memory before the second starts, so reading 10 M rows, then
 * validating them, then spilling them held every row in memory three times and ran the three
 * steps one after the other. Flink and Dataflow fuse, but still encode or copy each element
 * between chained operators. A reader that runs its stages on each batch as it decodes it
 * ({@code TableBatchIO.read().through(stages)}) holds one batch per worker thread instead.
 *
 * <p>The same stage also runs as an ordinary step ({@link BatchStages#asParDo}), so a transform
 * built from stages behaves alike whether its stages run fused or apart: its tail (a shuffle, a
 * combine) takes the stage's side outputs either way.
 *
 * <p>A stage is serialized with the pipeline; it keeps its per-worker state in transient fields
 * set in {@link #setup} and {@link #startBundle}, like a {@link DoFn}. Its side outputs (for
 * example bad records to {@code BadRecordRouter.BAD_RECORD_TAG}, violations, report parts) go to
 * the receiver it is given, under the tags of {@link #sideOutputs}.
 */
public abstract class BatchStage implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A side output of a stage: its tag and the coder of its elements. */
  public static final class SideOutput<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TupleTag<T> tag;
    private final Coder<T> coder;

    private SideOutput(TupleTag<T> tag, Coder<T> coder) {
      this.tag = tag;
      this.coder = coder;
    }

    public static <T> SideOutput<T> of(TupleTag<T> tag, Coder<T> coder) {
      return new SideOutput<>(tag, coder);
    }

    public TupleTag<T> tag() {
      return tag;
    }

    public Coder<T> coder() {
      return coder;
    }
  }

  /** The side outputs this stage may emit, with their coders; the same list on every call. */
  public abstract List<SideOutput<?>> sideOutputs();

  /** Once per worker instance, before any bundle. */
  public void setup() throws Exception {}

  /** Before each bundle. */
  public void startBundle() throws Exception {}

  /**
   * Works on one batch: returns the batch to pass on (the same, a part of it, or null for none),
   * emitting side outputs to {@code out}.
   */
  public abstract @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out)
      throws Exception;

  /** After each bundle: emits what the stage gathered over it (for example a report part). */
  public void finishBundle(DoFn<?, ?>.FinishBundleContext c) throws Exception {}

  /** Once per worker instance, when it is discarded. */
  public void teardown() throws Exception {}
}
