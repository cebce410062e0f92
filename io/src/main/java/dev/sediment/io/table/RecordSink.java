package dev.sediment.io.table;

import dev.sediment.schemas.RecordError;
import org.apache.beam.sdk.values.Row;

/** Receives what a file parser makes of each record: a row, or an error. */
interface RecordSink {
  void row(Row row) throws Exception;

  void error(RecordError error) throws Exception;
}
