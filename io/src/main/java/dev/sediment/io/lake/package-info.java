/** The lake: hive-partitioned Parquet output and the quarantine for bad records. */
package dev.sediment.io.lake;
