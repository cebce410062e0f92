/**
 * Parquet files on local paths without Hadoop's file system (no .crc side files), and the guards
 * that check a file's footer and page headers before parquet-java allocates what they declare.
 */
package dev.sediment.io.parquet;
