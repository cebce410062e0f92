/** Compaction pipelines: spool partitions into sorted, verified data.parquet files, and verify. */
package dev.sediment.pipelines.compact;
