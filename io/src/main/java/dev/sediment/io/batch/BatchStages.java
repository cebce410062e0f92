package dev.sediment.io.batch;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A chain of {@link BatchStage}s run one after the other on each batch: what a reader runs fused
 * ({@code TableBatchIO.read().through(stages)}) and what {@link #asParDo} runs as one step.
 */
public final class BatchStages implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The main output of {@link #asParDo}: the batches the last stage passed on. */
  public static final TupleTag<ColumnBatch> PASSED = new TupleTag<ColumnBatch>("passed") {};

  private final List<BatchStage> stages;

  private BatchStages(List<BatchStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** The chain of {@code stages}, in order; none is a chain that passes every batch on. */
  public static BatchStages of(List<? extends BatchStage> stages) {
    return new BatchStages(new ArrayList<>(stages));
  }

  public static BatchStages none() {
    return new BatchStages(List.of());
  }

  public boolean isEmpty() {
    return stages.isEmpty();
  }

  /** The side outputs of every stage, each tag once, in the order of the stages. */
  public List<BatchStage.SideOutput<?>> sideOutputs() {
    Map<String, BatchStage.SideOutput<?>> byId = new LinkedHashMap<>();
    for (BatchStage s : stages) {
      for (BatchStage.SideOutput<?> o : s.sideOutputs()) {
        BatchStage.SideOutput<?> seen = byId.putIfAbsent(o.tag().getId(), o);
        checkArgument(
            seen == null || seen.coder().equals(o.coder()),
            "two stages emit to %s with different coders: %s and %s",
            o.tag(),
            seen == null ? null : seen.coder(),
            o.coder());
      }
    }
    return new ArrayList<>(byId.values());
  }

  /** Whether a stage emits to {@code tag}. */
  public boolean emits(TupleTag<?> tag) {
    return sideOutputs().stream().anyMatch(o -> o.tag().getId().equals(tag.getId()));
  }

  /** The side-output tags other than {@code except} (a reader's own tags). */
  public TupleTagList sideTags(TupleTag<?>... except) {
    TupleTagList tags = TupleTagList.empty();
    outer:
    for (BatchStage.SideOutput<?> o : sideOutputs()) {
      for (TupleTag<?> e : except) {
        if (e.getId().equals(o.tag().getId())) {
          continue outer;
        }
      }
      tags = tags.and(o.tag());
    }
    return tags;
  }

  /** Sets the coder of every stage's side output in {@code tuple} but those of {@code except}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void setCoders(PCollectionTuple tuple, TupleTag<?>... except) {
    List<TupleTag<?>> others = sideTags(except).getAll();
    for (BatchStage.SideOutput<?> o : sideOutputs()) {
      if (tuple.has(o.tag()) && others.stream().anyMatch(t -> t.getId().equals(o.tag().getId()))) {
        ((PCollection) tuple.get(o.tag())).setCoder((Coder) o.coder());
      }
    }
  }

  /**
   * The output of a reading step that ran these stages, as {@code through} returns it: {@code
   * passed} (the batches the last stage passed on) as {@link #PASSED}, and each stage's side output
   * from {@code stepOutput} with its coder set, but those of {@code except} (the reader's own, such
   * as its bad records, which it hands to its handler).
   */
  public PCollectionTuple outputs(
      PCollection<ColumnBatch> passed, PCollectionTuple stepOutput, TupleTag<?>... except) {
    setCoders(stepOutput, except);
    PCollectionTuple out = PCollectionTuple.of(PASSED, passed);
    for (TupleTag<?> tag : sideTags(except).getAll()) {
      out = with(out, tag, stepOutput);
    }
    return out;
  }

  private static <T> PCollectionTuple with(
      PCollectionTuple out, TupleTag<T> tag, PCollectionTuple from) {
    return out.and(tag, from.get(tag));
  }

  public void setup() throws Exception {
    for (BatchStage s : stages) {
      s.setup();
    }
  }

  public void startBundle() throws Exception {
    for (BatchStage s : stages) {
      s.startBundle();
    }
  }

  /**
   * Runs the stages on {@code batch}; returns what the last one passed on (null: nothing). What a
   * stage throws comes out as a {@link StageException}, so that a reader's own handling of
   * unreadable input never takes a stage's failure for a bad file.
   */
  public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out)
      throws StageException {
    ColumnBatch b = batch;
    for (BatchStage s : stages) {
      if (b == null || b.rowCount() == 0) {
        return null;
      }
      try {
        b = s.process(b, out);
      } catch (Exception e) {
        throw new StageException(e);
      }
    }
    return b == null || b.rowCount() == 0 ? null : b;
  }

  /** A stage's failure, carried unchanged through a reader's handling of unreadable input. */
  public static final class StageException extends Exception {
    private static final long serialVersionUID = 1L;

    StageException(Exception cause) {
      super(cause.getMessage(), cause);
    }

    /** What the stage threw. */
    public Exception stageFailure() {
      return (Exception) getCause();
    }
  }

  public void finishBundle(DoFn<?, ?>.FinishBundleContext c) throws Exception {
    for (BatchStage s : stages) {
      s.finishBundle(c);
    }
  }

  public void teardown() throws Exception {
    Exception first = null;
    for (BatchStage s : stages) {
      try {
        s.teardown();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The stages as one step of their own: {@link #PASSED} holds the batches the last stage passed
   * on (with the input's coder), and each side output its stage's elements.
   */
  public PTransform<PCollection<ColumnBatch>, PCollectionTuple> asParDo() {
    BatchStages chain = this;
    return new PTransform<PCollection<ColumnBatch>, PCollectionTuple>() {
      @Override
      public PCollectionTuple expand(PCollection<ColumnBatch> input) {
        PCollectionTuple out =
            input.apply(
                "RunStages",
                ParDo.of(new StagesFn(chain)).withOutputTags(PASSED, chain.sideTags(PASSED)));
        out.get(PASSED).setCoder(input.getCoder());
        chain.setCoders(out);
        return out;
      }
    };
  }

  /** Runs a chain of stages on each input batch. */
  static final class StagesFn extends DoFn<ColumnBatch, ColumnBatch> {
    private final BatchStages stages;

    StagesFn(BatchStages stages) {
      this.stages = stages;
    }

    @Setup
    public void setup() throws Exception {
      stages.setup();
    }

    @StartBundle
    public void startBundle() throws Exception {
      stages.startBundle();
    }

    @ProcessElement
    public void process(@Element ColumnBatch batch, MultiOutputReceiver out) throws Exception {
      ColumnBatch passed;
      try {
        passed = stages.process(batch, out);
      } catch (StageException e) {
        throw e.stageFailure();
      }
      if (passed != null) {
        out.get(PASSED).output(passed);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) throws Exception {
      stages.finishBundle(c);
    }

    @Teardown
    public void teardown() throws Exception {
      stages.teardown();
    }
  }
}
