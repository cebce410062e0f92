package dev.sediment.io.parquet;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link FileIO.Sink} of Avro records as Parquet, set up as Beam's {@code ParquetIO.sink}
 * (Snappy, parquet-avro's writer), that also writes {@code timestamp-nanos} columns as Parquet
 * {@code TIMESTAMP(NANOS)}.
 *
 * <pre>{@code
 * FileIO.<GenericRecord>write().via(AvroParquetSink.of(avroSchemaJson)).to(dir)
 * }</pre>
 *
 * <p>Avro 1.11 (Beam 2.62's) has no {@code timestamp-nanos} logical type and parquet-avro 1.13
 * none to map it to, so a {@code {"type": "long", "logicalType": "timestamp-nanos"}} column would
 * land as a bare {@code INT64}; here its Parquet type gets the annotation, and the values are the
 * longs as given. The Avro schema stored in the footer keeps the {@code logicalType} property.
 */
public final class AvroParquetSink implements FileIO.Sink<GenericRecord> {
  private static final long serialVersionUID = 1L;

  private static final String TIMESTAMP_NANOS = "timestamp-nanos";

  private final String avroSchemaJson;
  private transient @Nullable ParquetWriter<GenericRecord> writer;

  private AvroParquetSink(String avroSchemaJson) {
    this.avroSchemaJson = avroSchemaJson;
  }

  /** A sink of records of the Avro record schema {@code avroSchemaJson}. */
  public static AvroParquetSink of(String avroSchemaJson) {
    checkArgument(avroSchemaJson != null, "avroSchemaJson can not be null");
    new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
    return new AvroParquetSink(avroSchemaJson);
  }

  /**
   * The Parquet schema parquet-avro makes of {@code avro}, with every top-level {@code long}
   * column whose {@code logicalType} is {@code timestamp-nanos} annotated {@code TIMESTAMP(NANOS)}
   * (UTC-adjusted).
   */
  public static MessageType messageType(org.apache.avro.Schema avro, Configuration conf) {
    MessageType converted = new AvroSchemaConverter(conf).convert(avro);
    List<Type> fields = new ArrayList<>();
    for (Type t : converted.getFields()) {
      org.apache.avro.Schema.Field f = avro.getField(t.getName());
      if (f != null && isTimestampNanos(f.schema()) && t.isPrimitive()
          && t.asPrimitiveType().getPrimitiveTypeName()
              == PrimitiveType.PrimitiveTypeName.INT64) {
        t =
            Types.primitive(PrimitiveType.PrimitiveTypeName.INT64, t.getRepetition())
                .as(
                    LogicalTypeAnnotation.timestampType(
                        true, LogicalTypeAnnotation.TimeUnit.NANOS))
                .named(t.getName());
      }
      fields.add(t);
    }
    return new MessageType(converted.getName(), fields);
  }

  private static boolean isTimestampNanos(org.apache.avro.Schema s) {
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      org.apache.avro.Schema nonNull = null;
      for (org.apache.avro.Schema u : s.getTypes()) {
        if (u.getType() != org.apache.avro.Schema.Type.NULL) {
          if (nonNull != null) {
            return false;
          }
          nonNull = u;
        }
      }
      return nonNull != null && isTimestampNanos(nonNull);
    }
    return s.getType() == org.apache.avro.Schema.Type.LONG
        && TIMESTAMP_NANOS.equals(s.getProp("logicalType"));
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(avroSchemaJson);
    Configuration conf = new Configuration(false);
    writer =
        new Builder(new ChannelOutputFile(channel), messageType(avro, conf), avro)
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
  }

  @Override
  public void write(GenericRecord element) throws IOException {
    checkWriter().write(element);
  }

  @Override
  public void flush() throws IOException {
    // A Parquet file is complete only with its footer, which close() writes.
    checkWriter().close();
  }

  private ParquetWriter<GenericRecord> checkWriter() {
    ParquetWriter<GenericRecord> w = writer;
    if (w == null) {
      throw new IllegalStateException("AvroParquetSink used before open()");
    }
    return w;
  }

  /** parquet-avro's writer with a given Parquet schema. */
  private static final class Builder extends ParquetWriter.Builder<GenericRecord, Builder> {
    private final MessageType type;
    private final org.apache.avro.Schema avro;

    Builder(OutputFile file, MessageType type, org.apache.avro.Schema avro) {
      super(file);
      this.type = type;
      this.avro = avro;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
      return new AvroWriteSupport<>(type, avro, GenericData.get());
    }
  }

  /** A Beam channel as a Parquet output file that counts its position. */
  private static final class ChannelOutputFile implements OutputFile {
    private final OutputStream out;

    ChannelOutputFile(WritableByteChannel channel) {
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    private PositionOutputStream stream() {
      return new CountingOutputStream(out) {
        @Override
        public void close() throws IOException {
          // The channel belongs to FileIO, which closes it after flush().
          flush();
        }
      };
    }
  }
}
