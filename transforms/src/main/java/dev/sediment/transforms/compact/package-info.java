/** Sorted-merge compaction of spool partitions into one deterministic data.parquet each. */
package dev.sediment.transforms.compact;
