/**
 * Column batches: the unit that moves table data through Sediment. One {@link
 * dev.sediment.io.batch.ColumnBatch} holds many rows of one schema as typed column vectors with
 * null masks, plus where each row came from (source file, row index, byte offset, line), so that
 * quarantine records and lineage can still name a row after it was parsed, filtered or merged.
 *
 * <p>The vectors ({@link dev.sediment.io.batch.ColumnVector} and its subclasses), the schema and
 * the batch are Beam-free; {@link dev.sediment.io.batch.ColumnBatchCoder} carries batches
 * between Beam stages and {@link dev.sediment.io.batch.BatchRows} converts to and from Beam
 * {@code Row}s for library users who work row by row.
 */
package dev.sediment.io.batch;
