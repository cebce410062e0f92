package dev.sediment.io.parquet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.LongColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link PageColumn}'s own decoding of definition levels and dictionary ids, against parquet-java's
 * record reader, on files of format v1 and v2 data pages with many small pages, dictionaries of
 * several bit widths, long runs and scattered nulls.
 */
public class PageColumnTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SCHEMA =
      "message m { required int64 id; optional int32 small; optional int64 wide;"
          + " optional double d; optional binary s (UTF8); required binary r (UTF8); }";

  private Path write(String name, WriterVersion version, int rows, long seed) throws Exception {
    Path f = tmp.getRoot().toPath().resolve(name);
    MessageType t = MessageTypeParser.parseMessageType(SCHEMA);
    SimpleGroupFactory groups = new SimpleGroupFactory(t);
    Random r = new Random(seed);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(LocalParquetFile.of(f))
            .withType(t)
            .withConf(new Configuration(false))
            .withWriterVersion(version)
            .withDictionaryEncoding(true)
            .withPageSize(4096)
            .withPageRowCountLimit(1000)
            .build()) {
      int run = 0;
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup();
        g.append("id", (long) i);
        // Stretches of nulls and of values, so levels have RLE and bit-packed runs.
        if (run == 0) {
          run = r.nextInt(3) == 0 ? 1 + r.nextInt(50) : 1;
        }
        run--;
        boolean nullRow = (i / 37) % 3 == 0 ? r.nextInt(4) == 0 : run > 0 && (i & 1) == 0;
        if (!nullRow) {
          g.append("small", r.nextInt(3));
          g.append("wide", 1_000_000_000_000L + r.nextInt(600));
          g.append("d", r.nextInt(200) / 4.0);
          g.append("s", "v" + r.nextInt(300));
        }
        g.append("r", "k" + (i / 20) % 700);
        w.write(g);
      }
    }
    return f;
  }

  private static List<Group> groups(Path f) throws Exception {
    List<Group> out = new ArrayList<>();
    try (ParquetReader<Group> r =
        ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(f.toUri()))
            .withConf(new Configuration(false))
            .build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        out.add(g);
      }
    }
    return out;
  }

  private void readsAsParquetJava(WriterVersion version) throws Exception {
    int rows = 20_000;
    Path f = write("f-" + version + ".parquet", version, rows, 99);
    try (ParquetFileReader pf = ParquetFileReader.open(LocalParquetFile.of(f))) {
      // The shapes this test is about: dictionary pages on every column but the unique id.
      for (ColumnChunkMetaData c : pf.getRowGroups().get(0).getColumns()) {
        boolean dict =
            c.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
                || c.getEncodings().contains(Encoding.RLE_DICTIONARY);
        assertEquals(c.getPath().toDotString(), !c.getPath().toDotString().equals("id"), dict);
      }
    }
    List<Group> want = groups(f);
    assertEquals(rows, want.size());
    int row = 0;
    int nulls = 0;
    try (ParquetBatchReader r =
        ParquetBatchReader.open(LocalParquetFile.of(f), "x").withBatchLimits(777, 1 << 30)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        LongColumn id = (LongColumn) b.column(0);
        IntColumn small = (IntColumn) b.column(1);
        LongColumn wide = (LongColumn) b.column(2);
        DoubleColumn d = (DoubleColumn) b.column(3);
        BinaryColumn s = (BinaryColumn) b.column(4);
        BinaryColumn req = (BinaryColumn) b.column(5);
        for (int i = 0; i < b.rowCount(); i++, row++) {
          Group g = want.get(row);
          assertEquals(g.getLong("id", 0), id.get(i));
          boolean isNull = g.getFieldRepetitionCount("small") == 0;
          assertEquals("row " + row, isNull, small.isNull(i));
          assertEquals(isNull, wide.isNull(i));
          assertEquals(isNull, d.isNull(i));
          assertEquals(isNull, s.isNull(i));
          if (isNull) {
            nulls++;
          } else {
            assertEquals(g.getInteger("small", 0), small.get(i));
            assertEquals(g.getLong("wide", 0), wide.get(i));
            assertEquals(g.getDouble("d", 0), d.get(i), 0.0);
            assertEquals(g.getString("s", 0), s.getString(i));
          }
          assertEquals(g.getString("r", 0), req.getString(i));
        }
      }
    }
    assertEquals(rows, row);
    assertTrue("nulls " + nulls, nulls > rows / 10);
    assertFalse(nulls == rows);
  }

  @Test
  public void v1Pages_levelsAndDictionaryIdsAsParquetJavaReadsThem() throws Exception {
    readsAsParquetJava(WriterVersion.PARQUET_1_0);
  }

  @Test
  public void v2Pages_levelsAndDictionaryIdsAsParquetJavaReadsThem() throws Exception {
    readsAsParquetJava(WriterVersion.PARQUET_2_0);
  }
}
