package dev.sediment.pipelines.compact;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Options of {@code bin/sediment compact}. */
public interface CompactOptions extends PipelineOptions {
  @Description("Spool root: hive-partitioned Parquet files, KEY=VALUE/.../FILE.parquet.")
  @Validation.Required
  String getSpool();

  void setSpool(String value);

  @Description("Target root: gets KEY=VALUE/.../date=YYYYMMDD/data.parquet + meta.json.")
  @Validation.Required
  String getTarget();

  void setTarget(String value);

  @Description("daily (yesterday UTC, or --date), backfill (--start..--end, inclusive) or single (--date, optionally --partition).")
  @Default.String("daily")
  String getMode();

  void setMode(String value);

  @Description("Date to compact, YYYYMMDD (daily, single).")
  @Default.String("")
  String getDate();

  void setDate(String value);

  @Description("First date of a backfill, YYYYMMDD.")
  @Default.String("")
  String getStart();

  void setStart(String value);

  @Description("Last date of a backfill, YYYYMMDD, inclusive.")
  @Default.String("")
  String getEnd();

  void setEnd(String value);

  @Description("Only partitions under this KEY=VALUE/KEY=VALUE prefix.")
  @Default.String("")
  String getPartition();

  void setPartition(String value);

  @Description("Comma-separated INT64 sort keys; the first (nanoseconds since the epoch) decides a row's date.")
  @Default.String("ts_event,seq")
  String getSortKeys();

  void setSortKeys(String value);

  @Description("Drop rows identical in every column.")
  @Default.Boolean(false)
  boolean getDedupe();

  void setDedupe(boolean value);

  @Description("Rewrite partitions whose inputs did not change since they were written.")
  @Default.Boolean(false)
  boolean getForce();

  void setForce(boolean value);
}
