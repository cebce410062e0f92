/** Ingest pipelines: raw files into typed, partitioned Parquet in the lake, bad records to quarantine. */
package dev.sediment.pipelines.ingest;
