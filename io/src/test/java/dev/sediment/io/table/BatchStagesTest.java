package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.ErrorType;
import dev.sediment.schemas.RecordError;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link BatchStage}s run inside the reading step ({@code through}) give what they give as a step
 * of their own ({@link BatchStages#asParDo}), and a stage's failure stays the stage's.
 */
public class BatchStagesTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  static final TupleTag<String> ODD = new TupleTag<String>("odd") {};
  static final TupleTag<Long> BUNDLE_ROWS = new TupleTag<Long>("bundleRows") {};

  /** Passes the rows of even size on; the symbols of the others to ODD; rows per bundle. */
  static final class EvenSizeStage extends BatchStage {
    private transient long rows;

    @Override
    public List<SideOutput<?>> sideOutputs() {
      return List.of(
          SideOutput.of(ODD, StringUtf8Coder.of()), SideOutput.of(BUNDLE_ROWS, VarLongCoder.of()));
    }

    @Override
    public void startBundle() {
      rows = 0;
    }

    @Override
    public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out) {
      LongColumn size = (LongColumn) batch.column("size");
      boolean[] keep = new boolean[batch.rowCount()];
      for (int i = 0; i < keep.length; i++) {
        keep[i] = size.get(i) % 2 == 0;
        if (!keep[i]) {
          out.get(ODD).output("S" + size.get(i));
        }
      }
      rows += batch.rowCount();
      return batch.filter(keep);
    }

    @Override
    public void finishBundle(DoFn<?, ?>.FinishBundleContext c) {
      c.output(BUNDLE_ROWS, rows, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  /** Throws on every batch. */
  static final class FailingStage extends BatchStage {
    @Override
    public List<SideOutput<?>> sideOutputs() {
      return List.of();
    }

    @Override
    public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out) {
      throw new IllegalStateException("the stage broke on " + batch.rowCount() + " rows");
    }
  }

  /** A stage that records bad records (one per batch). */
  static final class RecordingStage extends BatchStage {
    @Override
    public List<SideOutput<?>> sideOutputs() {
      return List.of(
          SideOutput.of(BadRecordRouter.BAD_RECORD_TAG, BadRecord.getCoder(Pipeline.create())));
    }

    @Override
    public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out)
        throws Exception {
      RecordError e = RecordError.of(batch.source(0), 1, 0, ErrorType.UNREADABLE, "x", "");
      BadRecordRouter.RECORDING_ROUTER.route(
          out,
          e,
          SchemaRegistry.createDefault().getSchemaCoder(RecordError.class),
          null,
          "x");
      return batch;
    }
  }

  /** 300 rows, size 0..299, in ranges of about 1 KiB. */
  private TextBatchIO.Read csv() throws Exception {
    StringBuilder csv = new StringBuilder("symbol,ts,date,price,size,note\n");
    for (int i = 0; i < 300; i++) {
      csv.append("S").append(i).append(",2026-02-03T09:00:00.125Z,2026-02-03,1.5,").append(i)
          .append(",n").append(i).append('\n');
    }
    File f = tmp.newFile("t.csv");
    Files.write(f.toPath(), csv.toString().getBytes(StandardCharsets.UTF_8));
    return TextBatchIO.read()
        .from(f.getPath())
        .withFormat(TableIO.Format.CSV)
        .withSchema(CsvFileParserTest.SCHEMA)
        .withRangeBytes(1024);
  }

  private static PCollection<String> sizes(PCollection<ColumnBatch> batches, String name) {
    return batches.apply(
        name,
        ParDo.of(
            new DoFn<ColumnBatch, String>() {
              @ProcessElement
              public void process(@Element ColumnBatch b, OutputReceiver<String> out) {
                LongColumn size = (LongColumn) b.column("size");
                for (int i = 0; i < b.rowCount(); i++) {
                  out.output("S" + size.get(i) + "@" + b.rowIndex(i));
                }
              }
            }));
  }

  @Test
  public void through_runsTheStagesOnEachBatch_asTheyRunAsAStepOfTheirOwn() throws Exception {
    TextBatchIO.Read read = csv();
    List<String> even = new ArrayList<>();
    List<String> odd = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      if (i % 2 == 0) {
        even.add("S" + i + "@" + i);
      } else {
        odd.add("S" + i);
      }
    }
    PCollectionTuple fused = p.apply("Fused", read.through(List.of(new EvenSizeStage())));
    PAssert.that(sizes(fused.get(BatchStages.PASSED), "FusedRows")).containsInAnyOrder(even);
    PAssert.that(fused.get(ODD)).containsInAnyOrder(odd);
    PAssert.thatSingleton(fused.get(BUNDLE_ROWS).apply("FusedTotal", Sum.longsGlobally()))
        .isEqualTo(300L);

    PCollectionTuple apart =
        p.apply("Read", read).apply("Apart", BatchStages.of(List.of(new EvenSizeStage())).asParDo());
    PAssert.that(sizes(apart.get(BatchStages.PASSED), "ApartRows")).containsInAnyOrder(even);
    PAssert.that(apart.get(ODD)).containsInAnyOrder(odd);
    PAssert.thatSingleton(apart.get(BUNDLE_ROWS).apply("ApartTotal", Sum.longsGlobally()))
        .isEqualTo(300L);
    p.run().waitUntilFinish();
  }

  @Test
  public void through_aStageFailure_failsTheRun_notABadRecordOfTheFile() throws Exception {
    BadRecordErrorHandler<?> handler =
        p.registerBadRecordErrorHandler(new TextBatchIOTest.BadStrings() {
          @Override
          public PCollection<String> expand(PCollection<BadRecord> input) {
            PCollection<String> out = super.expand(input);
            PAssert.that(out).empty();
            return out;
          }
        });
    p.apply(csv().withBadRecordErrorHandler(handler).through(List.of(new FailingStage())));
    handler.close();
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    assertThat(String.valueOf(e.getMessage()), containsString("the stage broke on "));
  }

  @Test
  public void through_stagesThatRecordBadRecords_needAHandlerOnTheRead() throws Exception {
    TextBatchIO.Read read = csv();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(read.through(List.of(new RecordingStage()))));
    assertEquals("stages that record bad records need a bad-record handler on the read", e.getMessage());
    p.enableAbandonedNodeEnforcement(false);
  }
}
