package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link LakeIO#checkPartitions()} for column batches, made by {@link
 * LakeIO#checkBatchPartitions()}: rows whose partition directory cannot be made leave the batches
 * as {@code PARTITION_VALUE_TOO_LONG} bad records naming their source and position, before
 * validation counts them, so a run's counts add up.
 */
@AutoValue
public abstract class CheckBatchPartitions
    extends PTransform<PCollection<ColumnBatch>, PCollection<ColumnBatch>> {
  private static final long serialVersionUID = 1L;

  abstract List<String> getColumns();

  abstract @Nullable Schema getRowSchema();

  abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

  abstract Builder toBuilder();

  static CheckBatchPartitions create() {
    return new AutoValue_CheckBatchPartitions.Builder().setColumns(List.of()).build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setColumns(List<String> columns);

    abstract Builder setRowSchema(Schema schema);

    abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

    abstract CheckBatchPartitions build();
  }

  /** The partition columns, outermost first. */
  public CheckBatchPartitions by(List<String> columns) {
    HivePartition.by(columns);
    return toBuilder().setColumns(List.copyOf(columns)).build();
  }

  /** The Beam schema of the rows; required. */
  public CheckBatchPartitions withRowSchema(Schema schema) {
    checkArgument(schema != null, "schema can not be null");
    return toBuilder().setRowSchema(schema).build();
  }

  public CheckBatchPartitions withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgument(handler != null, "handler can not be null");
    return toBuilder().setBadRecordErrorHandler(handler).build();
  }

  @Override
  public PCollection<ColumnBatch> expand(PCollection<ColumnBatch> input) {
    Schema schema = getRowSchema();
    checkArgument(schema != null, "LakeIO.checkBatchPartitions() needs withRowSchema(schema)");
    if (getColumns().isEmpty()) {
      HivePartition.by(getColumns()).checkAgainst(schema);
      return input;
    }
    BatchStage stage = asStage(input.getPipeline());
    PCollectionTuple out =
        input.apply("CheckPartitionValues", BatchStages.of(List.of(stage)).asParDo());
    ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
    if (handler != null) {
      handler.addErrorCollection(out.get(BadRecordRouter.BAD_RECORD_TAG));
    }
    return out.get(BatchStages.PASSED);
  }

  /**
   * This check as a {@link BatchStage}, to run inside the step that makes the batches ({@code
   * TableBatchIO.read().through(stages)}). With a bad-record handler its bad records are a side
   * output ({@link BadRecordRouter#BAD_RECORD_TAG}), which the fused step hands to its own handler;
   * without one the first stops the pipeline.
   */
  public BatchStage asStage(Pipeline pipeline) {
    Schema schema = getRowSchema();
    checkArgument(schema != null, "LakeIO.checkBatchPartitions() needs withRowSchema(schema)");
    HivePartition partition = HivePartition.by(getColumns());
    partition.checkAgainst(schema);
    Coder<RecordError> errorCoder;
    try {
      errorCoder = pipeline.getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
    return new PartitionCheckStage(
        schema,
        partition,
        getBadRecordErrorHandler() != null,
        errorCoder,
        BadRecord.getCoder(pipeline));
  }
}
