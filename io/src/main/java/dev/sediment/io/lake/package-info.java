/**
 * The lake: its layout ({@code LakeLayout}: where raw, processed, quarantine and reports go),
 * raw copies of input files, deterministic hive-partitioned Parquet, the quarantine for bad
 * records, and commits that replace a dataset's outputs as a whole.
 */
package dev.sediment.io.lake;
