/** Tables: CSV and JSON-lines files parsed into Beam {@code Row}s against a declared schema. */
package dev.sediment.io.table;
