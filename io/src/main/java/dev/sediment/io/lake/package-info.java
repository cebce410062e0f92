/**
 * The lake: deterministic hive-partitioned Parquet, the quarantine for bad records, and commits
 * that replace a dataset's outputs as a whole.
 */
package dev.sediment.io.lake;
