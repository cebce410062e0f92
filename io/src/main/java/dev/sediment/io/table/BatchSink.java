package dev.sediment.io.table;

import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;

/** Receives what a batch reader makes of a file: full batches of good rows, and each bad record. */
public interface BatchSink {
  /** A batch of rows, in file order; the reader does not touch it afterwards. */
  void batch(ColumnBatch batch) throws Exception;

  /** A record that did not become a row, with its typed reason and position. */
  void error(RecordError error) throws Exception;
}
