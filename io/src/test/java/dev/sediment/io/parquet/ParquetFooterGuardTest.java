package dev.sediment.io.parquet;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ParquetFooterGuardTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private LocalParquetFile file(String name, byte[] bytes) throws Exception {
    Path p = tmp.getRoot().toPath().resolve(name);
    Files.write(p, bytes);
    return LocalParquetFile.of(p);
  }

  private CorruptFooterException refused(String name, byte[] bytes) throws Exception {
    LocalParquetFile f = file(name, bytes);
    CorruptFooterException e =
        assertThrows(CorruptFooterException.class, () -> ParquetFooterGuard.check(f));
    assertThat(e.file(), equalTo(f.getPath()));
    return e;
  }

  @Test
  public void check_validFiles_pass() throws Exception {
    for (int rows : new int[] {0, 1, 1000}) {
      byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), rows);
      ParquetFooterGuard.check(file("v" + rows + ".parquet", valid));
      // Rewriting the footer through Thrift keeps it valid: the helper itself is sound.
      ParquetFooterGuard.check(
          file("w" + rows + ".parquet", HostileParquet.editFooter(valid, m -> {})));
    }
  }

  @Test
  public void check_tinyFileDeclaring2e31SchemaElements_refusedAtTheListHeader() throws Exception {
    byte[] tiny = HostileParquet.tinyLyingFooter();
    assertThat(tiny.length, equalTo(101));
    CorruptFooterException e = refused("tiny.parquet", tiny);
    // Footer starts at 12; the list header is its 4th byte.
    assertThat(e.offset(), equalTo(15L));
    assertThat(
        e.problem(),
        equalTo("a list declares 2147483647 schema elements, more than 1000000"));
  }

  @Test
  public void check_realFileWithPatchedSchemaCount_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] lying = HostileParquet.lyingSchemaCount(valid);
    CorruptFooterException e = refused("lying.parquet", lying);
    long footerStart = lying.length - 8 - HostileParquet.footerLength(lying);
    assertThat(e.offset(), equalTo(footerStart + 3));
    assertThat(e.getMessage().contains("lying.parquet: corrupt Parquet footer at byte "), equalTo(true));
  }

  @Test
  public void check_schemaCountWithinLimitButBeyondTheBytesLeft_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] footer = HostileParquet.footer(valid);
    // 0x19 0xFC + varint 500000: within the container limit, far beyond the footer's bytes.
    byte[] lie = {0x15, 0x02, 0x19, (byte) 0xFC, (byte) 0xA0, (byte) 0xC2, 0x1E};
    byte[] patched = new byte[footer.length];
    System.arraycopy(lie, 0, patched, 0, lie.length);
    CorruptFooterException e =
        refused("beyond.parquet", HostileParquet.withFooter(valid, patched));
    assertThat(
        e.problem(),
        equalTo(
            "a list declares 500000 schema elements, but only "
                + (footer.length - lie.length)
                + " bytes are left in the footer"));
  }

  @Test
  public void check_truncatedFooter_everyCutRefused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    int length = HostileParquet.footer(valid).length;
    // Every proper prefix of a footer lacks at least the final STOP of FileMetaData.
    for (int keep = 0; keep < length; keep++) {
      byte[] cut = HostileParquet.truncatedFooter(valid, keep);
      CorruptFooterException e = refused("cut" + keep + ".parquet", cut);
      long footerStart = cut.length - 8 - keep;
      assertThat(e.offset() >= footerStart && e.offset() <= cut.length - 8, equalTo(true));
    }
    byte[] half = HostileParquet.truncatedFooter(valid, length / 2);
    assertThat(
        refused("half.parquet", half).problem(),
        equalTo("a string declares 19 bytes, but only 12 are left"));
    assertThat(
        refused("one.parquet", HostileParquet.truncatedFooter(valid, length - 1)).problem(),
        equalTo("the footer ends inside a structure (truncated)"));
  }

  @Test
  public void check_footerLengthLargerThanFile_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] lying = HostileParquet.footerLongerThanFile(valid);
    CorruptFooterException e = refused("long.parquet", lying);
    assertThat(e.offset(), equalTo((long) lying.length - 8));
    assertThat(
        e.problem(),
        equalTo(
            "the footer length field says "
                + (valid.length + 1000L)
                + " bytes, but the file has only "
                + (lying.length - 12)
                + " bytes for it"));
  }

  @Test
  public void check_notParquetOrTooShort_refused() throws Exception {
    assertThat(
        refused("short.parquet", "PAR1PAR1".getBytes()).problem(),
        equalTo("the file has 8 bytes, too few for Parquet (at least 12)"));
    CorruptFooterException e = refused("text.parquet", "not parquet at all".getBytes());
    assertThat(e.offset(), equalTo(14L));
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    // A torn copy: the last bytes are missing.
    refused("torn.parquet", java.util.Arrays.copyOf(valid, valid.length - 5));
  }

  @Test
  public void check_columnChunkBeyondTheFile_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] lying =
        HostileParquet.editFooter(
            valid,
            m -> m.getRow_groups().get(0).getColumns().get(0).getMeta_data()
                .setTotal_compressed_size(1L << 40));
    CorruptFooterException e = refused("chunk.parquet", lying);
    assertThat(e.problem().startsWith("a column chunk declares 1099511627776 bytes from byte 4"),
        equalTo(true));
  }

  @Test
  public void check_moreColumnChunksThanSchemaElements_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] lying =
        HostileParquet.editFooter(
            valid,
            m -> {
              RowGroup g = m.getRow_groups().get(0);
              java.util.List<ColumnChunk> more = new ArrayList<>(g.getColumns());
              for (int i = 0; i < 5; i++) {
                more.add(g.getColumns().get(0));
              }
              g.setColumns(more);
            });
    assertThat(
        refused("chunks.parquet", lying).problem(),
        equalTo("a row group declares 7 column chunks, more than the 3 schema elements"));
  }

  @Test
  public void check_longKeyValueStrings_withinTheFile_pass() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] big =
        HostileParquet.editFooter(
            valid, m -> m.addToKey_value_metadata(new KeyValue("k").setValue("v".repeat(200_000))));
    ParquetFooterGuard.check(file("kv.parquet", big));
  }

  @Test
  public void check_stringLongerThanTheBytesLeft_refused() throws Exception {
    byte[] valid = HostileParquet.valid(tmp.getRoot().toPath(), 3);
    byte[] big =
        HostileParquet.editFooter(
            valid, m -> m.addToKey_value_metadata(new KeyValue("k").setValue("v".repeat(1000))));
    byte[] footer = HostileParquet.footer(big);
    // Keep the declared string length, drop the string's bytes and the rest of the footer.
    int at = indexOf(footer, "vvvv".getBytes());
    CorruptFooterException e =
        refused("str.parquet", HostileParquet.truncatedFooter(big, at + 10));
    assertThat(e.problem(), equalTo("a string declares 1000 bytes, but only 10 are left"));
  }

  @Test
  public void check_deepNesting_refused() throws Exception {
    // A footer of 100 nested structs (each a field header 0x1C: field 1, type struct).
    byte[] footer = new byte[200];
    java.util.Arrays.fill(footer, 0, 100, (byte) 0x1C);
    byte[] file =
        HostileParquet.assemble(new byte[] {'P', 'A', 'R', '1'}, footer, footer.length);
    assertThat(
        refused("deep.parquet", file).problem(),
        equalTo("structures nest deeper than 64 levels"));
  }

  @Test
  public void localParquetFile_toString_isThePath() throws Exception {
    LocalParquetFile f = file("x.parquet", new byte[0]);
    assertThat(f.toString(), equalTo(tmp.getRoot().toPath().resolve("x.parquet").toString()));
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }
}
