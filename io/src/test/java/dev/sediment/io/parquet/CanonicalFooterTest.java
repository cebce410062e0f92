package dev.sediment.io.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CanonicalFooterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                  + "{\"name\":\"ts\",\"type\":\"long\"},{\"name\":\"sym\",\"type\":\"string\"}]}");

  private Path write(String name) throws IOException {
    Path f = tmp.getRoot().toPath().resolve(name);
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.of(f))
            .withSchema(SCHEMA)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(true)
            .build()) {
      for (int i = 0; i < 1000; i++) {
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put("ts", (long) i);
        r.put("sym", "s" + (i % 3));
        w.write(r);
      }
    }
    return f;
  }

  private static FileMetaData footer(byte[] file) throws IOException {
    int len = ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - len, len));
  }

  /** Writes the footer back with every column's encodings in ascending or descending order. */
  private static byte[] withEncodingOrder(byte[] file, boolean descending) throws IOException {
    FileMetaData meta = footer(file);
    for (ColumnChunk cc : meta.getRow_groups().get(0).getColumns()) {
      List<Encoding> e = new ArrayList<>(cc.getMeta_data().getEncodings());
      java.util.Comparator<Encoding> asc = (a, b) -> Integer.compare(a.getValue(), b.getValue());
      e.sort(descending ? Collections.reverseOrder(asc) : asc);
      cc.getMeta_data().setEncodings(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, out);
    byte[] copy = file.clone();
    byte[] f = out.toByteArray();
    System.arraycopy(f, 0, copy, copy.length - 8 - f.length, f.length);
    return copy;
  }

  @Test
  public void sortEncodings_anyWrittenOrder_sameBytes_ascendingList() throws Exception {
    byte[] original = Files.readAllBytes(write("a.parquet"));
    // The dictionary-encoded string column has several encodings, so order matters.
    assertThat(footer(original).getRow_groups().get(0).getColumns().get(1).getMeta_data().getEncodings().size() > 1, equalTo(true));
    Path x = tmp.getRoot().toPath().resolve("x.parquet");
    Path y = tmp.getRoot().toPath().resolve("y.parquet");
    Files.write(x, withEncodingOrder(original, false));
    Files.write(y, withEncodingOrder(original, true));
    assertThat(Files.readAllBytes(y), not(equalTo(Files.readAllBytes(x))));

    CanonicalFooter.sortEncodings(x);
    CanonicalFooter.sortEncodings(y);

    byte[] bx = Files.readAllBytes(x);
    assertThat(Files.readAllBytes(y), equalTo(bx));
    assertThat(bx.length, equalTo(original.length));
    for (ColumnChunk cc : footer(bx).getRow_groups().get(0).getColumns()) {
      List<Encoding> e = cc.getMeta_data().getEncodings();
      for (int i = 1; i < e.size(); i++) {
        assertThat(e.get(i - 1).getValue() < e.get(i).getValue(), equalTo(true));
      }
    }
  }

  @Test
  public void sortEncodings_notParquet_namesTheFile() throws Exception {
    Path f = tmp.getRoot().toPath().resolve("notes.parquet");
    Files.writeString(f, "this is not a parquet file");
    IOException e = assertThrows(IOException.class, () -> CanonicalFooter.sortEncodings(f));
    assertThat(e.getMessage(), equalTo(f + " does not end with the Parquet magic PAR1"));
  }
}
