package dev.sediment.io.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.format.PageType;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Page headers that lie, built from files parquet-java wrote: each would make parquet-java allocate
 * what it declares (2^31-1 bytes or entries); the guard refuses it first, naming column and byte.
 */
public class ParquetPageGuardTest {
  private static final int ROWS = 3000;
  private static final int HUGE = Integer.MAX_VALUE;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private int files;

  private LocalParquetFile file(byte[] bytes) throws Exception {
    Path p = tmp.getRoot().toPath().resolve("f" + files++ + ".parquet");
    Files.write(p, bytes);
    return LocalParquetFile.of(p);
  }

  private byte[] written(CompressionCodecName codec) throws Exception {
    return written(codec, WriterVersion.PARQUET_1_0);
  }

  private byte[] written(CompressionCodecName codec, WriterVersion version) throws Exception {
    return HostileParquet.written(tmp.getRoot().toPath(), ROWS, codec, version, 1 << 20);
  }

  private static long rows(LocalParquetFile f) throws Exception {
    long n = 0;
    try (AvroParquetRows r = AvroParquetRows.open(f)) {
      while (r.read() != null) {
        n++;
      }
    }
    return n;
  }

  /** The guard refuses {@code bytes}, and so does a read through AvroParquetRows. */
  private CorruptPageException refused(byte[] bytes) throws Exception {
    LocalParquetFile f = file(bytes);
    ParquetFooterGuard.check(f);
    CorruptPageException e;
    try (AvroParquetRows r = AvroParquetRows.open(f)) {
      e = assertThrows(CorruptPageException.class, r::read);
    }
    assertThat(e.file(), equalTo(f.getPath()));
    return e;
  }

  @Test
  public void check_validFilesOfEveryCodecAndPageVersion_passAndReadEveryRow() throws Exception {
    for (CompressionCodecName codec :
        new CompressionCodecName[] {
          CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY, CompressionCodecName.GZIP
        }) {
      for (WriterVersion v : WriterVersion.values()) {
        byte[] valid = written(codec, v);
        List<HostileParquet.Page> pages = HostileParquet.pages(valid, 0, "name");
        assertThat(pages.get(0).header.getType(), equalTo(PageType.DICTIONARY_PAGE));
        LocalParquetFile f = file(valid);
        try (ParquetPageGuard g =
            new ParquetPageGuard(f, org.apache.parquet.hadoop.ParquetFileReader.open(f)
                .getFooter().getBlocks())) {
          g.checkAll();
        }
        assertThat(codec + " " + v, rows(f), equalTo((long) ROWS));
        // An edit that changes nothing keeps the file valid: the helper itself is sound.
        byte[] same = HostileParquet.editPageHeader(valid, 0, "name", 1, h -> {});
        assertThat(rows(file(same)), equalTo((long) ROWS));
      }
    }
  }

  @Test
  public void check_multipleRowGroups_eachCheckedBeforeItIsRead() throws Exception {
    byte[] valid =
        HostileParquet.written(
            tmp.getRoot().toPath(), 20_000, CompressionCodecName.SNAPPY,
            WriterVersion.PARQUET_1_0, 16 << 10);
    LocalParquetFile f = file(valid);
    try (AvroParquetRows r = AvroParquetRows.open(f)) {
      assertThat(r.rowGroups() > 1, equalTo(true));
    }
    assertThat(rows(f), equalTo(20_000L));
    // The lie is in the second row group: the first one's rows are read, then it is refused.
    byte[] lying =
        HostileParquet.editPageHeader(valid, 1, "id", 0, h -> h.setUncompressed_page_size(HUGE));
    LocalParquetFile bad = file(lying);
    try (AvroParquetRows r = AvroParquetRows.open(bad)) {
      CorruptPageException e =
          assertThrows(
              CorruptPageException.class,
              () -> {
                while (r.read() != null) {}
              });
      assertThat(e.column(), equalTo("id"));
      assertThat(e.offset(), equalTo(HostileParquet.pages(lying, 1, "id").get(0).offset));
    }
  }

  @Test
  public void snappyDataPage_uncompressedSize2e31_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.SNAPPY);
    HostileParquet.Page page = HostileParquet.pages(valid, 0, "name").get(1);
    assertThat(page.header.getType(), equalTo(PageType.DATA_PAGE));
    byte[] lying =
        HostileParquet.editPageHeader(valid, 0, "name", 1, h -> h.setUncompressed_page_size(HUGE));
    CorruptPageException e = refused(lying);
    assertThat(e.column(), equalTo("name"));
    assertThat(e.offset(), equalTo(page.offset));
    int c = page.header.getCompressed_page_size();
    assertThat(
        e.problem(),
        equalTo(
            "the page declares 2147483647 uncompressed bytes from "
                + c
                + " SNAPPY bytes, more than "
                + (c * 32L + 64)
                + " (the most it can expand to)"));
  }

  /** Why the guard exists: parquet-java alone allocates what the lying header declares. */
  @Test
  public void parquetJavaAlone_snappyPage2e31_allocatesTheDeclaredSize() throws Exception {
    byte[] lying =
        HostileParquet.editPageHeader(
            written(CompressionCodecName.SNAPPY),
            0,
            "name",
            1,
            h -> h.setUncompressed_page_size(HUGE));
    LocalParquetFile f = file(lying);
    try (org.apache.parquet.hadoop.ParquetFileReader r =
        org.apache.parquet.hadoop.ParquetFileReader.open(f)) {
      org.apache.parquet.column.page.PageReader pages =
          r.readNextRowGroup()
              .getPageReader(r.getFooter().getFileMetaData().getSchema().getColumns().get(1));
      OutOfMemoryError e =
          assertThrows(OutOfMemoryError.class, () ->
                  ((org.apache.parquet.column.page.DataPageV1) pages.readPage())
                      .getBytes()
                      .toByteArray());
      assertThat(e.getMessage(), equalTo("Requested array size exceeds VM limit"));
    }
  }

  @Test
  public void snappyDictionaryPage_uncompressedSize2e31_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.SNAPPY);
    HostileParquet.Page dict = HostileParquet.pages(valid, 0, "name").get(0);
    byte[] lying =
        HostileParquet.editPageHeader(valid, 0, "name", 0, h -> h.setUncompressed_page_size(HUGE));
    CorruptPageException e = refused(lying);
    assertThat(e.offset(), equalTo(dict.offset));
    assertThat(
        e.problem(),
        equalTo(
            "the page declares 2147483647 uncompressed bytes from "
                + dict.header.getCompressed_page_size()
                + " SNAPPY bytes, more than "
                + (dict.header.getCompressed_page_size() * 32L + 64)
                + " (the most it can expand to)"));
  }

  @Test
  public void uncompressedDataPage_uncompressedSize2e31_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.UNCOMPRESSED);
    HostileParquet.Page page = HostileParquet.pages(valid, 0, "id").get(0);
    byte[] lying =
        HostileParquet.editPageHeader(valid, 0, "id", 0, h -> h.setUncompressed_page_size(HUGE));
    CorruptPageException e = refused(lying);
    assertThat(e.column(), equalTo("id"));
    assertThat(e.offset(), equalTo(page.offset));
    assertThat(
        e.problem(),
        equalTo(
            "the page declares 2147483647 uncompressed bytes from "
                + page.header.getCompressed_page_size()
                + " bytes that are not compressed"));
  }

  @Test
  public void uncompressedDictionaryPage_2e31Values_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.UNCOMPRESSED);
    HostileParquet.Page dict = HostileParquet.pages(valid, 0, "name").get(0);
    byte[] lying =
        HostileParquet.editPageHeader(
            valid, 0, "name", 0, h -> h.getDictionary_page_header().setNum_values(HUGE));
    CorruptPageException e = refused(lying);
    assertThat(e.offset(), equalTo(dict.offset));
    int bytes = dict.header.getCompressed_page_size();
    assertThat(
        e.problem(),
        equalTo(
            "the dictionary page declares 2147483647 values, but its "
                + bytes
                + " bytes hold at most "
                + (bytes * 8L / 32)
                + " BINARY"));
  }

  @Test
  public void snappyDictionaryPage_2e31Values_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.SNAPPY);
    HostileParquet.Page dict = HostileParquet.pages(valid, 0, "name").get(0);
    byte[] lying =
        HostileParquet.editPageHeader(
            valid, 0, "name", 0, h -> h.getDictionary_page_header().setNum_values(HUGE));
    CorruptPageException e = refused(lying);
    int bytes = dict.header.getUncompressed_page_size();
    assertThat(
        e.problem(),
        equalTo(
            "the dictionary page declares 2147483647 values, but its "
                + bytes
                + " bytes hold at most "
                + (bytes * 8L / 32)
                + " BINARY"));
  }

  @Test
  public void lastPage_compressedSizeBeyondChunk_refused() throws Exception {
    // The last page of the last chunk: parquet-java would read past the chunk (its workaround for
    // old files) and allocate what the page declares.
    for (CompressionCodecName codec :
        new CompressionCodecName[] {CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY}) {
      byte[] valid = written(codec);
      List<HostileParquet.Page> pages = HostileParquet.pages(valid, 0, "name");
      int last = pages.size() - 1;
      HostileParquet.Page page = pages.get(last);
      byte[] lying =
          HostileParquet.editPageHeader(
              valid, 0, "name", last, h -> h.setCompressed_page_size(HUGE));
      CorruptPageException e = refused(lying);
      assertThat(e.offset(), equalTo(page.offset));
      assertThat(
          e.problem(),
          equalTo(
              "the page declares 2147483647 bytes, but only "
                  + page.header.getCompressed_page_size()
                  + " are left in its column chunk"));
    }
  }

  @Test
  public void snappyPage_preambleDisagreesWithHeader_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.SNAPPY);
    HostileParquet.Page page = HostileParquet.pages(valid, 0, "id").get(0);
    int real = page.header.getUncompressed_page_size();
    byte[] lying =
        HostileParquet.editPageHeader(valid, 0, "id", 0, h -> h.setUncompressed_page_size(real + 1));
    CorruptPageException e = refused(lying);
    assertThat(
        e.problem(),
        equalTo(
            "the Snappy data declares "
                + real
                + " uncompressed bytes, the page header "
                + (real + 1)));
  }

  @Test
  public void dataPage_negativeValueCount_refused() throws Exception {
    byte[] valid = written(CompressionCodecName.SNAPPY);
    byte[] lying =
        HostileParquet.editPageHeader(
            valid, 0, "id", 0, h -> h.getData_page_header().setNum_values(-5));
    assertThat(refused(lying).problem(), equalTo("the data page declares -5 values"));
  }
}
