/**
 * Tables: CSV and JSON-lines files parsed into Beam {@code Row}s ({@code TableIO}) or column
 * batches split by byte ranges ({@code TextBatchIO}) against a declared schema.
 */
package dev.sediment.io.table;
