package dev.sediment.io.table;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkNotNull;

import com.google.auto.value.AutoValue;
import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.BatchStage;
import dev.sediment.io.batch.BatchStages;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.parquet.ParquetBatchIO;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV, JSON lines or Parquet files into {@link ColumnBatch}es of rows of a Beam schema: the
 * column-batch counterpart of {@link TableIO#read()}, with the same strict conversions, typed bad
 * records and counters ({@code records_in}, {@code records_parsed}, {@code records_bad}, {@code
 * files_read}).
 *
 * <pre>{@code
 * PCollection<ColumnBatch> batches =
 *     p.apply("ReadTrades",
 *         TableBatchIO.read()
 *             .from("s3://bucket/trades/*.csv")
 *             .withFormat(TableIO.Format.CSV)
 *             .withSchema(schema)
 *             .withBadRecordErrorHandler(errorHandler));
 * }</pre>
 *
 * <p>Text files are read as byte ranges in parallel ({@link TextBatchIO}); Parquet files by row
 * groups ({@link ParquetBatchIO}). The batches' schema is {@code BatchRows.of(schema)
 * .batchSchema()}.
 */
public final class TableBatchIO {
  private TableBatchIO() {}

  public static Read read() {
    return new AutoValue_TableBatchIO_Read.Builder()
        .setFormat(TableIO.Format.CSV)
        .setSampleFraction(1.0)
        .setSampleSeed(0L)
        .build();
  }

  /** Implementation of {@link #read()}. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<ColumnBatch>> {
    private static final long serialVersionUID = 1L;

    abstract @Nullable String getFilepattern();

    abstract TableIO.Format getFormat();

    abstract @Nullable Schema getSchema();

    abstract double getSampleFraction();

    abstract long getSampleSeed();

    abstract @Nullable ErrorHandler<BadRecord, ?> getBadRecordErrorHandler();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFilepattern(String filepattern);

      abstract Builder setFormat(TableIO.Format format);

      abstract Builder setSchema(Schema schema);

      abstract Builder setSampleFraction(double fraction);

      abstract Builder setSampleSeed(long seed);

      abstract Builder setBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler);

      abstract Read build();
    }

    /** Files matching {@code filepattern} (local, s3://, gs://). */
    public Read from(String filepattern) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern is empty");
      return toBuilder().setFilepattern(filepattern).build();
    }

    public Read withFormat(TableIO.Format format) {
      checkArgument(format != null, "format can not be null");
      return toBuilder().setFormat(format).build();
    }

    /** The Beam schema of the rows; required. */
    public Read withSchema(Schema schema) {
      checkArgument(schema != null, "schema can not be null");
      BatchRows.of(schema);
      return toBuilder().setSchema(schema).build();
    }

    /**
     * Reads about {@code fraction} of the rows, the same ones for the same {@code seed}: whole
     * row groups of Parquet files ({@link ParquetBatchIO.Read#withSample}).
     */
    public Read withSample(double fraction, long seed) {
      checkArgument(
          fraction > 0 && fraction <= 1, "sample fraction must be in (0, 1], not %s", fraction);
      return toBuilder().setSampleFraction(fraction).setSampleSeed(seed).build();
    }

    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "handler can not be null");
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    @Override
    public PCollection<ColumnBatch> expand(PBegin input) {
      String glob = getFilepattern();
      checkArgument(glob != null, "TableBatchIO.read() needs from(filepattern)");
      return getFormat() == TableIO.Format.PARQUET
          ? input.apply("ReadParquet", parquet())
          : input.apply("ReadText", text());
    }

    /**
     * This read with {@code stages} run on each batch inside the step that makes it ({@link
     * BatchStage}): the output holds the batches the last stage passed on ({@link
     * BatchStages#PASSED}) and every stage's side outputs. Bad records the stages record go to
     * this read's handler.
     */
    public PTransform<PBegin, PCollectionTuple> through(List<? extends BatchStage> stages) {
      Read read = this;
      List<BatchStage> chain = List.copyOf(stages);
      return new PTransform<PBegin, PCollectionTuple>() {
        @Override
        public PCollectionTuple expand(PBegin input) {
          checkArgument(read.getFilepattern() != null, "TableBatchIO.read() needs from(filepattern)");
          return read.getFormat() == TableIO.Format.PARQUET
              ? input.apply("ReadParquet", read.parquet().through(chain))
              : input.apply("ReadText", read.text().through(chain));
        }
      };
    }

    private ParquetBatchIO.Read parquet() {
      Schema schema = getSchema();
      checkArgument(schema != null, "TableBatchIO.read() needs withSchema(schema)");
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      ParquetBatchIO.Read read =
          ParquetBatchIO.read()
              .from(checkNotNull(getFilepattern()))
              .withSchema(BatchRows.of(schema).batchSchema());
      if (getSampleFraction() < 1.0) {
        read = read.withSample(getSampleFraction(), getSampleSeed());
      }
      if (handler != null) {
        read = read.withBadRecordErrorHandler(handler);
      }
      return read;
    }

    private TextBatchIO.Read text() {
      Schema schema = getSchema();
      checkArgument(schema != null, "TableBatchIO.read() needs withSchema(schema)");
      ErrorHandler<BadRecord, ?> handler = getBadRecordErrorHandler();
      TextBatchIO.Read read =
          TextBatchIO.read()
              .from(checkNotNull(getFilepattern()))
              .withFormat(getFormat())
              .withSchema(schema);
      if (getSampleFraction() < 1.0) {
        read = read.withSample(getSampleFraction(), getSampleSeed());
      }
      if (handler != null) {
        read = read.withBadRecordErrorHandler(handler);
      }
      return read;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", getFilepattern()))
          .add(DisplayData.item("format", getFormat().toString()));
    }
  }
}
