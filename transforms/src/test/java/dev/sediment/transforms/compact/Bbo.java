package dev.sediment.transforms.compact;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.hadoop.ParquetWriter;
import dev.sediment.io.lake.LakeFiles;
import java.io.IOException;
import java.util.ArrayList;

/** Test fixture: BBO-like spool rows of 2026-02-03 and a writer of spool files. */
final class Bbo {
  static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Bbo\",\"fields\":["
                  + "{\"name\":\"ts_event\",\"type\":\"long\"},"
                  + "{\"name\":\"seq\",\"type\":\"long\"},"
                  + "{\"name\":\"bid_px\",\"type\":\"double\"}]}");
  static final LocalDate DAY = LocalDate.of(2026, 2, 3);
  static final long D0 = DAY.toEpochDay() * PartitionCompactor.NANOS_PER_DAY;

  static GenericRecord row(long ts, long seq, double px) {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("ts_event", ts);
    r.put("seq", seq);
    r.put("bid_px", px);
    return r;
  }

  /** Writes {@code rows} to {@code file}, creating its directory. */
  static Path write(Path file, List<GenericRecord> rows, Schema schema) throws Exception {
    Files.createDirectories(file.getParent());
    try (ParquetWriter<GenericRecord> w = PartitionCompactor.writer(file, schema)) {
      for (GenericRecord r : rows) {
        w.write(r);
      }
    }
    return file;
  }

  /** Local files as the compactor takes them (file system match metadata). */
  static List<MatchResult.Metadata> local(List<Path> files) throws IOException {
    List<MatchResult.Metadata> out = new ArrayList<>();
    for (Path f : files) {
      out.add(LakeFiles.metadata(f));
    }
    return out;
  }

  private Bbo() {}
}
