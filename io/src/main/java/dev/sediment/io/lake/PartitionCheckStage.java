package dev.sediment.io.lake;

import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The work of {@link CheckBatchPartitions} on one batch: rows whose partition directory cannot be
 * made leave as bad records ({@code PARTITION_VALUE_TOO_LONG}); the others are passed on.
 */
final class PartitionCheckStage extends BatchStage {
  private static final long serialVersionUID = 1L;

  private final Schema schema;
  private final HivePartition partition;
  private final BadRecordRouter router;
  private final boolean recording;
  private final Coder<RecordError> errorCoder;
  private final Coder<BadRecord> badRecordCoder;
  private transient @Nullable BatchPartitions partitions;

  PartitionCheckStage(
      Schema schema,
      HivePartition partition,
      boolean recording,
      Coder<RecordError> errorCoder,
      Coder<BadRecord> badRecordCoder) {
    this.schema = schema;
    this.partition = partition;
    this.recording = recording;
    this.router = recording ? BadRecordRouter.RECORDING_ROUTER : BadRecordRouter.THROWING_ROUTER;
    this.errorCoder = errorCoder;
    this.badRecordCoder = badRecordCoder;
  }

  @Override
  public List<SideOutput<?>> sideOutputs() {
    return recording
        ? List.of(SideOutput.of(BadRecordRouter.BAD_RECORD_TAG, badRecordCoder))
        : List.of();
  }

  @Override
  public void setup() {
    partitions = new BatchPartitions(schema, partition);
  }

  @Override
  public @Nullable ColumnBatch process(ColumnBatch batch, DoFn.MultiOutputReceiver out)
      throws Exception {
    BatchPartitions p = partitions;
    if (p == null || !p.partitioned()) {
      return batch;
    }
    List<RecordError> invalid = new ArrayList<>();
    String[] pathOf = p.paths(batch, invalid);
    if (invalid.isEmpty()) {
      return batch;
    }
    for (RecordError e : invalid) {
      router.route(out, e, errorCoder, null, e.getErrorType() + ": " + e.getMessage());
    }
    boolean[] keep = new boolean[batch.rowCount()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = pathOf[i] != null;
    }
    return batch.filter(keep);
  }
}
