package dev.sediment.transforms.compact;

import static dev.sediment.transforms.compact.Bbo.D0;
import static dev.sediment.transforms.compact.Bbo.DAY;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.parquet.LocalParquetFile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Spool files whose footer lies about its sizes: rejected as {@code CORRUPT_FOOTER} by {@link
 * SpoolFileCheck} (through {@code ParquetFooterGuard}) instead of an OutOfMemoryError that stopped
 * compact for every partition.
 */
public class SpoolFileCheckTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path spool(String name, long ts) throws Exception {
    return Bbo.write(
        tmp.getRoot().toPath().resolve("spool/" + name), List.of(Bbo.row(ts, 0, 1)), Bbo.SCHEMA);
  }

  private static int footerLength(byte[] f) {
    int at = f.length - 8;
    return (f[at] & 0xff) | (f[at + 1] & 0xff) << 8 | (f[at + 2] & 0xff) << 16 | (f[at + 3] & 0xff) << 24;
  }

  /**
   * The file with its footer's schema list (FileMetaData field 2, right after the version field)
   * declaring 2^31-1 elements; the footer length field is rewritten to match.
   */
  private static byte[] lyingSchemaCount(byte[] file) {
    int len = footerLength(file);
    int start = file.length - 8 - len;
    byte[] footer = Arrays.copyOfRange(file, start, file.length - 8);
    int i = 1; // after the version field header 0x15
    while ((footer[i] & 0x80) != 0) {
      i++;
    }
    i++;
    assertThat(footer[i], equalTo((byte) 0x19)); // field 2, a list
    int header = i + 1;
    int after = header + 1;
    if ((footer[header] & 0xf0) == 0xf0) {
      while ((footer[after] & 0x80) != 0) {
        after++;
      }
      after++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, start);
    out.write(footer, 0, header);
    out.writeBytes(new byte[] {(byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
    out.write(footer, after, footer.length - after);
    int newLen = header + 6 + footer.length - after;
    out.writeBytes(new byte[] {(byte) newLen, (byte) (newLen >>> 8), (byte) (newLen >>> 16), (byte) (newLen >>> 24)});
    out.writeBytes("PAR1".getBytes());
    return out.toByteArray();
  }

  @Test
  public void footer_lyingSchemaCount_corruptFooterNamingFileAndByte() throws Exception {
    Path f = spool("lying.parquet", D0 + 1);
    byte[] lying = lyingSchemaCount(Files.readAllBytes(f));
    Files.write(f, lying);
    SpoolFileCheck.Rejected e =
        assertThrows(
            SpoolFileCheck.Rejected.class,
            () -> SpoolFileCheck.footer(LocalParquetFile.of(f), "ts_event"));
    assertThat(e.type, equalTo(CompactError.CORRUPT_FOOTER));
    long at = lying.length - 8 - footerLength(lying) + 3;
    assertThat(
        e.getMessage(),
        equalTo(
            "the Parquet footer does not read: CorruptFooterException: "
                + f
                + ": corrupt Parquet footer at byte "
                + at
                + ": a list declares 2147483647 schema elements, more than 1000000"));
  }

  @Test
  public void footer_notParquet_messageNamesThePathNotTheObject() throws Exception {
    Path f = tmp.getRoot().toPath().resolve("short.parquet");
    Files.write(f, new byte[] {1, 2, 3});
    SpoolFileCheck.Rejected e =
        assertThrows(
            SpoolFileCheck.Rejected.class,
            () -> SpoolFileCheck.footer(LocalParquetFile.of(f), "ts_event"));
    assertThat(e.type, equalTo(CompactError.CORRUPT_FOOTER));
    assertThat(e.getMessage().contains("LocalParquetFile@"), equalTo(false));
    assertThat(e.getMessage().contains(f.toString()), equalTo(true));
  }

  @Test
  public void compact_lyingFootersBesideGoodFiles_quarantinedTyped_restCompacted()
      throws Exception {
    Path good1 = spool("g1.parquet", D0 + 1);
    Path good2 = spool("g2.parquet", D0 + 2);
    Path lying = spool("lying.parquet", D0 + 3);
    Files.write(lying, lyingSchemaCount(Files.readAllBytes(lying)));
    Path longer = spool("long.parquet", D0 + 4);
    byte[] bytes = Files.readAllBytes(longer);
    int n = bytes.length + 100; // a footer length field larger than the file
    bytes[bytes.length - 8] = (byte) n;
    bytes[bytes.length - 7] = (byte) (n >>> 8);
    bytes[bytes.length - 6] = (byte) (n >>> 16);
    bytes[bytes.length - 5] = (byte) (n >>> 24);
    Files.write(longer, bytes);
    PartitionCompactor.Result r =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(
                Bbo.local(List.of(lying, good2, longer, good1)),
                DAY,
                tmp.getRoot().toPath().resolve("out/data.parquet"),
                tmp.newFolder().toPath());
    assertThat(r.rowCount, equalTo(2L));
    assertThat(
        r.rejected.stream().map(x -> x.name() + ":" + x.type).sorted().collect(Collectors.toList()),
        equalTo(List.of("long.parquet:CORRUPT_FOOTER", "lying.parquet:CORRUPT_FOOTER")));
  }
}
