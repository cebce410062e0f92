package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BatchRows;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.schemas.RecordError;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/** Runs the row parsers and the batch readers over the same bytes and compares every outcome. */
final class TextBatchDiff {
  private TextBatchDiff() {}

  /** Rows, errors and provenance of one read. */
  static final class Outcome {
    final List<Row> rows = new ArrayList<>();
    final List<RecordError> errors = new ArrayList<>();
    /** Per row: {rowIndex, byteOffset, line}. */
    final List<List<Long>> positions = new ArrayList<>();
    long records;
  }

  static Outcome rowParser(TableIO.Format format, Schema schema, byte[] bytes, int maxRecordBytes)
      throws Exception {
    Outcome o = new Outcome();
    RecordSink sink =
        new RecordSink() {
          @Override
          public void row(Row row) {
            o.rows.add(row);
          }

          @Override
          public void error(RecordError error) {
            o.errors.add(error);
          }
        };
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    o.records =
        format == TableIO.Format.CSV
            ? new CsvFileParser(schema, maxRecordBytes).parse("mem", in, sink)
            : new JsonLinesFileParser(schema, maxRecordBytes).parse("mem", in, sink);
    return o;
  }

  /** Reads {@code ranges} of {@code bytes} one after the other with a batch reader. */
  static Outcome batchReader(
      TableIO.Format format, Schema schema, byte[] bytes, int maxRecordBytes, int maxRows,
      List<TextRange> ranges) throws Exception {
    Outcome o = new Outcome();
    BatchRows conv = BatchRows.of(schema);
    BatchSink sink =
        new BatchSink() {
          @Override
          public void batch(ColumnBatch batch) {
            assertTrue("no empty batch", batch.rowCount() > 0);
            assertTrue("batch within maxRows", batch.rowCount() <= maxRows);
            o.rows.addAll(conv.toRows(batch));
            for (int i = 0; i < batch.rowCount(); i++) {
              assertEquals("mem", batch.source(i));
              o.positions.add(List.of(batch.rowIndex(i), batch.byteOffset(i), batch.line(i)));
            }
          }

          @Override
          public void error(RecordError error) {
            o.errors.add(error);
          }
        };
    for (TextRange r : ranges) {
      int start = (int) r.start();
      ByteArrayInputStream in = new ByteArrayInputStream(bytes, start, bytes.length - start);
      o.records +=
          format == TableIO.Format.CSV
              ? new CsvBatchReader(schema, maxRecordBytes, maxRows, Long.MAX_VALUE)
                  .read("mem", in, r, sink)
              : new JsonLinesBatchReader(schema, maxRecordBytes, maxRows, Long.MAX_VALUE)
                  .read("mem", in, r, sink);
    }
    return o;
  }

  static List<TextRange> plan(TableIO.Format format, byte[] bytes, long rangeBytes, int maxRecordBytes) {
    return TextRangePlanner.plan(
        "mem", bytes.length, false, format, rangeBytes, maxRecordBytes,
        () -> new ByteArrayInputStream(bytes));
  }

  /**
   * Asserts the batch reader gives what the row parser gives for {@code bytes}: read whole, with
   * batches of 2 rows, and split into ranges of every size from 1 byte up when {@code splits}.
   */
  static Outcome assertSame(
      TableIO.Format format, Schema schema, byte[] bytes, int maxRecordBytes, boolean splits)
      throws Exception {
    Outcome expected = rowParser(format, schema, bytes, maxRecordBytes);
    Outcome whole =
        batchReader(format, schema, bytes, maxRecordBytes, 65_536, List.of(TextRange.wholeFile("mem")));
    String what = format + " [" + new String(bytes, java.nio.charset.StandardCharsets.UTF_8) + "]";
    assertEquals(what, expected.errors, whole.errors);
    assertEquals(what, expected.rows, whole.rows);
    assertEquals(what, expected.records, whole.records);
    long last = -1;
    for (List<Long> p : whole.positions) {
      assertTrue(what + ": row indexes increase", p.get(0) > last && p.get(0) < whole.records);
      last = p.get(0);
    }
    Outcome small =
        batchReader(format, schema, bytes, maxRecordBytes, 2, List.of(TextRange.wholeFile("mem")));
    assertEquals(what, whole.rows, small.rows);
    assertEquals(what, whole.positions, small.positions);
    if (splits) {
      for (int size = 1; size <= bytes.length; size++) {
        List<TextRange> ranges = plan(format, bytes, size, maxRecordBytes);
        Outcome split = batchReader(format, schema, bytes, maxRecordBytes, 3, ranges);
        String at = what + " in ranges of " + size + " bytes " + ranges;
        assertEquals(at, whole.errors, split.errors);
        assertEquals(at, whole.rows, split.rows);
        assertEquals(at, whole.positions, split.positions);
        assertEquals(at, whole.records, split.records);
      }
    }
    return whole;
  }
}
