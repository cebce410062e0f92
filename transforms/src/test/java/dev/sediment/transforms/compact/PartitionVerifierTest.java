package dev.sediment.transforms.compact;

import dev.sediment.io.lake.LakeFiles;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PartitionVerifierTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate DAY = Bbo.DAY;
  private static final long D0 = Bbo.D0;

  private Path dir;

  @Before
  public void compactOnePartition() throws Exception {
    List<GenericRecord> rows = new java.util.ArrayList<>();
    for (long i = 0; i < 10; i++) {
      rows.add(Bbo.row(D0 + 100 - i, i, 1.0));
    }
    Path spool = Bbo.write(tmp.newFolder("spool").toPath().resolve("a.parquet"), rows, Bbo.SCHEMA);
    dir = tmp.getRoot().toPath().resolve("target/symbol=btcusdt/date=20260203");
    PartitionCompactor.Result r =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(Bbo.local(List.of(spool)), DAY, dir.resolve("data.parquet"), tmp.newFolder().toPath());
    CompactMeta.of(r, List.of("ts_event", "seq"), false, "fp").writeTo(LakeFiles.dir(dir));
  }

  @Test
  public void meta_hasContractFields() throws Exception {
    JsonNode n = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
    assertThat(n.get("row_count").asLong(), equalTo(10L));
    assertThat(n.get("ts_event_min").isTextual(), equalTo(true));
    assertThat(n.get("ts_event_min").asText(), equalTo(Long.toString(D0 + 91)));
    assertThat(n.get("ts_event_max").asText(), equalTo(Long.toString(D0 + 100)));
    assertThat(n.get("sha256").asText(), equalTo(LakeFiles.sha256(dir.resolve("data.parquet"))));
    assertThat(n.get("source_files").asInt(), equalTo(1));
    assertThat(n.get("schema_version").asText().startsWith("avro64:"), equalTo(true));
    assertThat(n.get("created_at").asText().endsWith("Z"), equalTo(true));
  }

  @Test
  public void verify_intactPartition_noProblems() {
    assertThat(PartitionVerifier.verify(dir), empty());
  }

  @Test
  public void verify_missingMeta_notCommitted() throws Exception {
    Files.delete(dir.resolve("meta.json"));
    assertThat(PartitionVerifier.verify(dir), contains("meta.json is missing: the partition was never committed"));
  }

  @Test
  public void verify_changedBytes_shaMismatch() throws Exception {
    Path data = dir.resolve("data.parquet");
    byte[] b = Files.readAllBytes(data);
    b[b.length / 2] ^= 0x01;
    Files.write(data, b);
    List<String> problems = PartitionVerifier.verify(dir);
    assertThat(problems.get(0), containsString("sha256 of data.parquet is "));
  }

  /** A data.parquet whose page header lies is reported, not read into an OutOfMemoryError. */
  @Test
  public void verify_pageHeaderDeclaring2e31Bytes_reportedNamingColumnAndByte() throws Exception {
    Path data = dir.resolve("data.parquet");
    byte[] lying =
        dev.sediment.io.parquet.HostileParquet.editPageHeader(
            Files.readAllBytes(data), 0, "seq", 0, h -> h.setUncompressed_page_size(Integer.MAX_VALUE));
    Files.write(data, lying);
    long at = dev.sediment.io.parquet.HostileParquet.pages(lying, 0, "seq").get(0).offset;
    List<String> problems = PartitionVerifier.verify(dir);
    assertThat(problems.size(), equalTo(2));
    assertThat(problems.get(0), containsString("sha256 of data.parquet is "));
    assertThat(
        problems.get(1),
        containsString(
            "data.parquet does not read: CorruptPageException: "
                + data
                + ": corrupt Parquet page in column seq at byte "
                + at
                + ": the page declares 2147483647 uncompressed bytes from "));
  }

  @Test
  public void verify_metaRowCountWrong_reported() throws Exception {
    Path meta = dir.resolve("meta.json");
    String json = Files.readString(meta, StandardCharsets.UTF_8).replace("\"row_count\" : 10", "\"row_count\" : 11");
    Files.writeString(meta, json, StandardCharsets.UTF_8);
    assertThat(PartitionVerifier.verify(dir), contains("data.parquet has 10 rows, meta.json says 11"));
  }
}
