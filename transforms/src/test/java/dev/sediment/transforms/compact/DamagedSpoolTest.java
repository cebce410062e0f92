package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Spool files damaged inside their pages, as a bad disk, a flipped bit or a torn copy leaves them.
 * Each is written by the normal writer, then damaged in its bytes ({@link ParquetSurgery}), and
 * compacted beside a good file.
 */
public class DamagedSpoolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** 20,000 rows; every column is all distinct values, so none is dictionary-encoded. */
  private Path spool(String name) throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < 20_000; i++) {
      rows.add(Bbo.row(Bbo.D0 + i, i, rnd.nextDouble()));
    }
    return Bbo.write(tmp.getRoot().toPath().resolve("spool/" + name), rows, Bbo.SCHEMA);
  }

  /**
   * 20,000 rows whose bid price is on a 40-tick grid: bid_px is dictionary-encoded (one
   * dictionary page of 40 entries, one data page), ts_event and seq are plain.
   */
  private Path quotes(String name) throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      rows.add(Bbo.row(Bbo.D0 + i, i, 100.0 + (i * 7919 % 40) * 0.25));
    }
    return Bbo.write(tmp.getRoot().toPath().resolve("spool/" + name), rows, Bbo.SCHEMA);
  }

  private PartitionCompactor.Result compact(Path... files) throws Exception {
    return new PartitionCompactor(new PartitionCompactor.Settings())
        .compact(
            Bbo.local(List.of(files)),
            Bbo.DAY,
            tmp.getRoot().toPath().resolve("out/data.parquet"),
            tmp.newFolder().toPath());
  }

  /** The number of bits in which two files of the same length differ. */
  private static int bitsChanged(byte[] a, byte[] b) {
    assertThat(b.length, equalTo(a.length));
    int bits = 0;
    for (int i = 0; i < a.length; i++) {
      bits += Integer.bitCount((a[i] ^ b[i]) & 0xff);
    }
    return bits;
  }

  @Test
  public void compact_garbageInsideSnappyPages_snappyCorrupt() throws Exception {
    Path good = spool("a.parquet");
    Path bad = spool("b.parquet");
    byte[] b = Files.readAllBytes(bad);
    // Overwrite the middle of the first column chunk, past the 4-byte magic and page header.
    for (int i = 200; i < 1200; i++) {
      b[i] = (byte) (i * 31);
    }
    Files.write(bad, b);
    PartitionCompactor.Result r =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(Bbo.local(List.of(good, bad)), Bbo.DAY, tmp.getRoot().toPath().resolve("out/data.parquet"), tmp.newFolder().toPath());
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.SNAPPY_CORRUPT));
    assertThat(r.rejected.get(0).message, equalTo("a Snappy page does not decompress: IOException: FAILED_TO_UNCOMPRESS(5)"));
  }

  @Test
  public void fixture_bidPxIsDictionaryEncoded() throws Exception {
    Path f = quotes("a.parquet");
    List<ParquetSurgery.Page> pages = ParquetSurgery.pages(f, "bid_px");
    assertThat(pages.size(), equalTo(2));
    assertThat(pages.get(0).header.getType(), equalTo(PageType.DICTIONARY_PAGE));
    assertThat(pages.get(0).header.getDictionary_page_header().getNum_values(), equalTo(40));
    assertThat(pages.get(1).header.getType(), equalTo(PageType.DATA_PAGE));
    assertThat(pages.get(1).header.getData_page_header().getNum_values(), equalTo(20_000));
    assertThat(ParquetSurgery.pages(f, "seq").get(0).header.getType(), equalTo(PageType.DATA_PAGE));
  }

  /**
   * One flipped bit in the dictionary page header of bid_px: it declares 32 entries instead of
   * 40, so the data page refers to entries 32..39 that the reader's dictionary does not have.
   */
  @Test
  public void compact_dataPageRefersPastItsDictionary_dictConflict() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(ParquetSurgery.declareDictionaryEntries(bad, "bid_px", 32), equalTo(40));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.sourceFiles.toString(), equalTo(List.of(good).toString()));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.DICT_CONFLICT));
    assertThat(
        r.rejected.get(0).message,
        equalTo(
            "a data page refers to a dictionary entry that its dictionary page does not have"
                + " in column [bid_px]: ArrayIndexOutOfBoundsException: Index 32 out of bounds for"
                + " length 32"));
  }

  /**
   * One flipped bit in the dictionary page header of bid_px: it declares 56 entries but its 320
   * bytes hold 40 doubles. ParquetPageGuard refuses the header before the dictionary is built.
   */
  @Test
  public void compact_dictionaryPageDeclaresMoreEntriesThanItHolds_corruptPage() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(ParquetSurgery.declareDictionaryEntries(bad, "bid_px", 56), equalTo(40));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));
    long at = ParquetSurgery.pages(bad, "bid_px").get(0).offset;

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.CORRUPT_PAGE));
    assertThat(
        r.rejected.get(0).message,
        equalTo(
            "a page header in column [bid_px] at byte "
                + at
                + " cannot be trusted: the dictionary page declares 56 values, but its 320 bytes"
                + " hold at most 40 DOUBLE"));
  }

  /**
   * Page headers that would make parquet-java allocate 2^31-1 bytes or dictionary entries: a
   * dictionary page declaring 2^31-1 values (b), a data page declaring 2^31-1 uncompressed bytes
   * (c), the last page of the last chunk declaring 2^31-1 compressed bytes (d). Each is
   * quarantined as CORRUPT_PAGE naming column and byte, both when read straight into the merge
   * and when spilled; the good file is compacted.
   */
  @Test
  public void compact_pageHeadersDeclaring2e31_corruptPage_restCompacted() throws Exception {
    Path good = quotes("a.parquet");
    byte[] valid = Files.readAllBytes(good);
    int huge = Integer.MAX_VALUE;
    Path dict = tmp.getRoot().toPath().resolve("spool/b.parquet");
    Files.write(
        dict,
        dev.sediment.io.parquet.HostileParquet.editPageHeader(
            valid, 0, "bid_px", 0, h -> h.getDictionary_page_header().setNum_values(huge)));
    Path data = tmp.getRoot().toPath().resolve("spool/c.parquet");
    Files.write(
        data,
        dev.sediment.io.parquet.HostileParquet.editPageHeader(
            valid, 0, "ts_event", 0, h -> h.setUncompressed_page_size(huge)));
    List<dev.sediment.io.parquet.HostileParquet.Page> last =
        dev.sediment.io.parquet.HostileParquet.pages(valid, 0, "bid_px");
    Path beyond = tmp.getRoot().toPath().resolve("spool/d.parquet");
    Files.write(
        beyond,
        dev.sediment.io.parquet.HostileParquet.editPageHeader(
            valid, 0, "bid_px", last.size() - 1, h -> h.setCompressed_page_size(huge)));
    long dictAt = ParquetSurgery.pages(dict, "bid_px").get(0).offset;
    long dataAt = ParquetSurgery.chunk(data, "ts_event").getStartingPos();
    long beyondAt = last.get(last.size() - 1).offset;

    for (long readerMemory : new long[] {64L << 20, 1}) {
      PartitionCompactor.Result r =
          new PartitionCompactor(new PartitionCompactor.Settings().withReaderMemory(readerMemory))
              .compact(
                  Bbo.local(List.of(good, dict, data, beyond)),
                  Bbo.DAY,
                  tmp.getRoot().toPath().resolve("out/data.parquet"),
                  tmp.newFolder().toPath());
      assertThat(r.rowCount, equalTo(20_000L));
      assertThat(r.sourceFiles.toString(), equalTo(List.of(good).toString()));
      assertThat(r.filesSpilled, equalTo(readerMemory == 1 ? 1 : 0));
      assertThat(r.filesMergedDirectly, equalTo(readerMemory == 1 ? 0 : 1));
      List<String> got = new ArrayList<>();
      for (PartitionCompactor.Rejection x : r.rejected) {
        got.add(x.name() + " " + x.type + " " + x.message);
      }
      assertThat(
          got,
          equalTo(
              List.of(
                  "b.parquet CORRUPT_PAGE a page header in column [bid_px] at byte "
                      + dictAt
                      + " cannot be trusted: the dictionary page declares 2147483647 values,"
                      + " but its 320 bytes hold at most 40 DOUBLE",
                  "c.parquet CORRUPT_PAGE a page header in column [ts_event] at byte "
                      + dataAt
                      + " cannot be trusted: the page declares 2147483647 uncompressed bytes from "
                      + ParquetSurgery.pages(data, "ts_event").get(0).header.getCompressed_page_size()
                      + " SNAPPY bytes, more than "
                      + (ParquetSurgery.pages(data, "ts_event").get(0).header.getCompressed_page_size()
                              * 32L
                          + 64)
                      + " (the most it can expand to)",
                  "d.parquet CORRUPT_PAGE a page header in column [bid_px] at byte "
                      + beyondAt
                      + " cannot be trusted: the page declares 2147483647 bytes, but only "
                      + last.get(last.size() - 1).header.getCompressed_page_size()
                      + " are left in its column chunk")));
    }
  }

  /**
   * One flipped bit in the data page header of seq (all distinct values, PLAIN, no dictionary
   * page): it declares PLAIN_DICTIONARY, a dictionary the column chunk does not have.
   */
  @Test
  public void compact_dataPageDeclaresADictionaryItsChunkLacks_dictConflict() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(
        ParquetSurgery.reencodeDataPage(bad, "seq", 0, Encoding.PLAIN_DICTIONARY),
        equalTo(Encoding.PLAIN));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.DICT_CONFLICT));
    assertThat(
        r.rejected.get(0).message,
        equalTo(
            "the dictionary pages do not match the data pages in column [seq]:"
                + " ParquetDecodingException: could not read page in col [seq] required int64 seq"
                + " as the dictionary was missing for encoding PLAIN_DICTIONARY"));
  }

  /**
   * Garbage inside the Snappy-compressed dictionary page: parquet reports it as "could not decode
   * the dictionary for [bid_px]" caused by Snappy's FAILED_TO_UNCOMPRESS, thrown while the
   * dictionary is built. It is a Snappy failure, not a dictionary conflict.
   */
  @Test
  public void compact_garbageInsideSnappyDictionaryPage_snappyCorruptNotDictConflict()
      throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    ParquetSurgery.garblePageData(bad, "bid_px", 0, 20, 100);

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.SNAPPY_CORRUPT));
    assertThat(
        r.rejected.get(0).message,
        equalTo("a Snappy page does not decompress: IOException: FAILED_TO_UNCOMPRESS(5)"));
  }

  /**
   * One flipped bit in the data page header of seq: it declares 19,968 values instead of 20,000,
   * so the column chunk ends before the values its footer entry declares. ParquetPageGuard finds
   * this before parquet-java looks for another page past the chunk. Neither Snappy nor a
   * dictionary is involved.
   */
  @Test
  public void compact_dataPageDeclaresFewerValuesThanItHolds_corruptPage() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(ParquetSurgery.miscountDataPage(bad, "seq", 0, 19_968), equalTo(20_000));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));
    org.apache.parquet.hadoop.metadata.ColumnChunkMetaData seq = ParquetSurgery.chunk(bad, "seq");
    long end = seq.getStartingPos() + seq.getTotalSize();

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.CORRUPT_PAGE));
    assertThat(
        r.rejected.get(0).message,
        equalTo(
            "a page header in column [seq] at byte "
                + end
                + " cannot be trusted: the column chunk ends after 19968 of the 20000 values its"
                + " footer entry declares"));
  }

  /** Surgery keeps every offset: a header that would change length is refused, the file kept. */
  @Test
  public void surgery_headerOfAnotherLength_refusedFileUnchanged() throws Exception {
    Path f = quotes("a.parquet");
    byte[] before = Files.readAllBytes(f);
    // 40 entries encode in one varint byte, 64 in two.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParquetSurgery.declareDictionaryEntries(f, "bid_px", 64));
    assertThat(
        e.getMessage(),
        equalTo(
            "the edited page header at "
                + ParquetSurgery.pages(f, "bid_px").get(0).offset
                + " is 22 bytes, the original 21: choose a value of the same encoded length"));
    assertThat(new BigInteger(1, Files.readAllBytes(f)), equalTo(new BigInteger(1, before)));
  }
}
