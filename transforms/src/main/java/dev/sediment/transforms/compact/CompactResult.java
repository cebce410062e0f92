package dev.sediment.transforms.compact;

import com.google.auto.value.AutoValue;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * What one {@link CompactRequest} did: its status and counts. Coded by {@link
 * CompactResultCoder}.
 *
 * <p>For {@code WRITTEN} and {@code NO_ROWS}: {@code rowsIn = rowsOut + rowsQuarantined +
 * duplicatesDropped}, where {@code rowsIn} counts the rows of the date this task took from the
 * spool files that went in, plus the null-sort-key rows it quarantined. Files rejected whole
 * ({@code filesQuarantined}) are not read to the end, so their rows are not counted. For {@code
 * UNCHANGED} nothing is read: {@code rowsOut} is the row count of the committed partition and
 * every other count is 0.
 */
@AutoValue
@DefaultCoder(CompactResultCoder.class)
public abstract class CompactResult {
  public abstract String partition();

  public abstract LocalDate date();

  public abstract CompactJob.Status status();

  /** Rows taken from the spool (see the class comment). */
  public abstract long rowsIn();

  /** Rows in the partition's data.parquet: written now, or already committed when unchanged. */
  public abstract long rowsOut();

  /** Rows quarantined because a sort key is null. */
  public abstract long rowsQuarantined();

  /** Spool files left out whole and copied to the quarantine. */
  public abstract long filesQuarantined();

  /** Rows dropped as duplicates ({@code withDedupe(true)}). */
  public abstract long duplicatesDropped();

  /** Bytes of the data.parquet written; 0 when none was. */
  public abstract long bytesWritten();

  /** URIs of the data files written: data.parquet, quarantined file copies, rows files. */
  public abstract List<String> outputFiles();

  public static CompactResult of(
      String partition,
      LocalDate date,
      CompactJob.Status status,
      long rowsIn,
      long rowsOut,
      long rowsQuarantined,
      long filesQuarantined,
      long duplicatesDropped,
      long bytesWritten,
      List<String> outputFiles) {
    return new AutoValue_CompactResult(
        partition,
        date,
        status,
        rowsIn,
        rowsOut,
        rowsQuarantined,
        filesQuarantined,
        duplicatesDropped,
        bytesWritten,
        List.copyOf(outputFiles));
  }

  /**
   * One line for a log: {@code STATUS PARTITION date=YYYYMMDD rows=N quarantined=F}, and {@code
   * quarantined_rows=R} when rows were quarantined ({@code .} for the root partition).
   */
  public String line() {
    return status()
        + " "
        + (partition().isEmpty() ? "." : partition())
        + " date="
        + date().format(CompactJob.DATE)
        + " rows="
        + rowsOut()
        + " quarantined="
        + filesQuarantined()
        + (rowsQuarantined() > 0 ? " quarantined_rows=" + rowsQuarantined() : "");
  }
}
