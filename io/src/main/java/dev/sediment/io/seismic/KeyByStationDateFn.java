package dev.sediment.io.seismic;

import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Keys each trace record by its lake partition, {@code station=NET.STA/date=YYYYMMDD} ({@link
 * TracePartitions#stationDate}), for {@code LakeIO.writeRecords()}.
 *
 * <pre>{@code
 * traces.apply("KeyByStationDate", ParDo.of(new KeyByStationDateFn()))
 *     .setCoder(KvCoder.of(StringUtf8Coder.of(), TraceRecordCoder.of()))
 *     .apply("WriteProcessed", LakeIO.writeRecords().to(processedDir)
 *         .withAvroSchema(TraceRecords.SCHEMA.toString()));
 * }</pre>
 *
 * <p>Counter: {@code sediment/records_written}, one per record passed on to the writer.
 */
public final class KeyByStationDateFn extends DoFn<GenericRecord, KV<String, GenericRecord>> {
  private final Counter written = Metrics.counter("sediment", "records_written");

  @ProcessElement
  public void process(@Element GenericRecord r, OutputReceiver<KV<String, GenericRecord>> out) {
    out.output(KV.of(TracePartitions.stationDate(r), r));
    written.inc();
  }
}
