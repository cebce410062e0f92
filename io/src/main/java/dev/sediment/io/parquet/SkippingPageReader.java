package dev.sediment.io.parquet;

import java.io.IOException;
import java.util.Optional;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The pages of a flat (non-repeated) column chunk from the page that holds row {@code skip} of the
 * row group on, so a range that starts inside a large row group does not decode what comes before.
 *
 * <p>A flat column's data page holds exactly one value (null or not) per row, so its header's
 * {@code num_values} is its row count: whole pages before the first row are passed over on that
 * count alone. parquet-java decompresses a page's bytes lazily for every codec but ZSTD, so a page
 * passed over is neither decompressed nor decoded. {@link #leftover} rows of the first page kept
 * are before the first row; the column drops them. When the chunk was fetched for a row range
 * ({@link ParquetBatchReader} with an offset index), its first page starts at a later row and says
 * so ({@code DataPage#getFirstRowIndex}): the rows before it count as passed over. Repeated columns must not be skipped this way
 * (a value count is not a row count there): {@link ParquetBatchReader} decodes and drops their
 * leading rows instead.
 */
final class SkippingPageReader implements PageReader {
  private final PageReader pages;
  private final long totalValues;
  private @Nullable DataPage first;
  private final long leftover;
  private final long skippedValues;

  /**
   * Passes over the whole pages before row {@code skip}; {@code column} names it in errors.
   *
   * @throws IOException if a page declares a negative value count
   */
  SkippingPageReader(PageReader pages, long skip, String file, String column) throws IOException {
    this.pages = pages;
    // The row of the row group where the next page starts: counted from 0, or the page's own
    // first row index when the chunk was read for a row range and begins at a later page.
    long at = 0;
    long passed = 0;
    DataPage kept = null;
    // Finite: each turn takes one page off the chunk's queue.
    while (true) {
      DataPage p = pages.readPage();
      if (p == null) {
        break; // the chunk ends early: the column's first read reports it
      }
      int count = p.getValueCount();
      if (count < 0) {
        throw new IOException(
            file + ": a page of column '" + column + "' declares " + count + " values");
      }
      Optional<Long> first = p.getFirstRowIndex();
      if (first.isPresent()) {
        if (first.get() < at || first.get() > skip) {
          throw new IOException(
              file
                  + ": a page of column '"
                  + column
                  + "' starts at row "
                  + first.get()
                  + ", expected a row in ["
                  + at
                  + ", "
                  + skip
                  + "]");
        }
        at = first.get();
      }
      if (at + count > skip) {
        kept = p;
        break;
      }
      at += count;
      passed += count;
    }
    this.first = kept;
    this.leftover = skip - at;
    this.skippedValues = at;
    this.totalValues = pages.getTotalValueCount() - passed;
  }

  /** The rows of the first page returned that come before the row skipped to. */
  long leftover() {
    return leftover;
  }

  /** The values (rows) of the pages passed over. */
  long skippedValues() {
    return skippedValues;
  }

  @Override
  public @Nullable DictionaryPage readDictionaryPage() {
    return pages.readDictionaryPage();
  }

  @Override
  public long getTotalValueCount() {
    return totalValues;
  }

  @Override
  public @Nullable DataPage readPage() {
    DataPage p = first;
    if (p != null) {
      first = null;
      return p;
    }
    return pages.readPage();
  }
}
