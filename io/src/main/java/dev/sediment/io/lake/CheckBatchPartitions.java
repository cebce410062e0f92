package dev.sediment.io.lake;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnBatchCoder;
import dev.sediment.schemas.RecordError;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
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
    HivePartition partition = HivePartition.by(getColumns());
    partition.checkAgainst(schema);
    ColumnBatchCoder coder = ColumnBatchCoder.of(BatchRows.of(schema).batchSchema());
    if (getColumns().isEmpty()) {
      return input;
    }
    Coder<RecordError> errorCoder;
    try {
      errorCoder = input.getPipeline().getSchemaRegistry().getSchemaCoder(RecordError.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException("RecordError has no schema", e);
    }
    ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
    PCollectionTuple out =
        input.apply(
            "CheckPartitionValues",
            ParDo.of(
                    new WriteBatches.SplitFn(
                        schema,
                        partition,
                        handler == null
                            ? BadRecordRouter.THROWING_ROUTER
                            : BadRecordRouter.RECORDING_ROUTER,
                        errorCoder,
                        true))
                .withOutputTags(
                    WriteBatches.SplitFn.PARTS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    PCollection<BadRecord> errors = out.get(BadRecordRouter.BAD_RECORD_TAG);
    errors.setCoder(BadRecord.getCoder(input.getPipeline()));
    if (handler != null) {
      handler.addErrorCollection(errors);
    }
    return out.get(WriteBatches.SplitFn.PARTS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), coder))
        .apply("DropKeys", Values.create())
        .setCoder(coder);
  }
}
