/**
 * Parquet files on local paths without Hadoop's file system (no .crc side files), the guards that
 * check a file's footer and page headers before parquet-java allocates what they declare, and
 * Parquet decoded straight into and written straight from column batches.
 */
package dev.sediment.io.parquet;
