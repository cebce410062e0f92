/** Parquet files on local paths without Hadoop's file system (no .crc side files). */
package dev.sediment.io.parquet;
