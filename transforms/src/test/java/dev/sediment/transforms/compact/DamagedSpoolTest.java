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
   * One flipped bit in the dictionary page header of bid_px: it declares 56 entries but holds
   * 40, so the dictionary runs out of bytes while it is built.
   */
  @Test
  public void compact_dictionaryPageDeclaresMoreEntriesThanItHolds_dictConflict() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(ParquetSurgery.declareDictionaryEntries(bad, "bid_px", 56), equalTo(40));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.DICT_CONFLICT));
    assertThat(
        r.rejected.get(0).message,
        equalTo("a dictionary page does not decode: ParquetDecodingException: could not read double"));
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
   * so the reader looks for another page where the column chunk ends. Neither Snappy nor a
   * dictionary is involved.
   */
  @Test
  public void compact_dataPageDeclaresFewerValuesThanItHolds_unreadable() throws Exception {
    Path good = quotes("a.parquet");
    Path bad = quotes("b.parquet");
    byte[] before = Files.readAllBytes(bad);
    assertThat(ParquetSurgery.miscountDataPage(bad, "seq", 0, 19_968), equalTo(20_000));
    assertThat(bitsChanged(before, Files.readAllBytes(bad)), equalTo(1));

    PartitionCompactor.Result r = compact(good, bad);
    assertThat(r.rowCount, equalTo(20_000L));
    assertThat(r.rejected.size(), equalTo(1));
    assertThat(r.rejected.get(0).file.toString(), equalTo(bad.toString()));
    assertThat(r.rejected.get(0).type, equalTo(CompactError.UNREADABLE));
    assertThat(
        r.rejected.get(0).message,
        equalTo(
            "the rows do not read: IOException: can not read class"
                + " org.apache.parquet.format.PageHeader: Socket is closed by peer."));
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
