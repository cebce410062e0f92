/** Benchmark harness for compaction: spool generator, DuckDB peer, JFR hotspot summary. */
package dev.sediment.bench;
