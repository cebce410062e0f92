package dev.sediment.transforms.compact;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SortKeyCheckTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final Schema WITH_RECV =
      new Schema.Parser()
          .parse(Bbo.SCHEMA.toString().replace("]}", ",{\"name\":\"recv\",\"type\":\"long\"}]}"));

  private Path bbo(String name) throws Exception {
    return Bbo.write(tmp.getRoot().toPath().resolve(name), List.of(Bbo.row(Bbo.D0, 1, 1.0)), Bbo.SCHEMA);
  }

  private Path withRecv(String name) throws Exception {
    GenericRecord r = new GenericData.Record(WITH_RECV);
    r.put("ts_event", Bbo.D0);
    r.put("seq", 1L);
    r.put("bid_px", 1.0);
    r.put("recv", 2L);
    return Bbo.write(tmp.getRoot().toPath().resolve(name), List.of(r), WITH_RECV);
  }

  @Test
  public void problem_keysOfEveryFile_none() throws Exception {
    assertThat(SortKeyCheck.problem(Bbo.local(List.of(bbo("a.parquet"), bbo("b.parquet"))), List.of("ts_event", "seq")), nullValue());
  }

  @Test
  public void problem_keyInOneFileOnly_none() throws Exception {
    List<Path> files = List.of(bbo("a.parquet"), withRecv("b.parquet"), bbo("c.parquet"));
    assertThat(SortKeyCheck.problem(Bbo.local(files), List.of("ts_event", "recv")), nullValue());
  }

  @Test
  public void problem_keyInNoFile_namesKeyAndColumns() throws Exception {
    List<Path> files = List.of(bbo("a.parquet"), withRecv("b.parquet"));
    assertThat(
        SortKeyCheck.problem(Bbo.local(files), List.of("ts_event", "nope")),
        equalTo("sort key 'nope' is a column of no spool file (their columns: ts_event, seq, bid_px)"));
  }

  @Test
  public void problem_keyNeverInt64_namesItsType() throws Exception {
    assertThat(
        SortKeyCheck.problem(Bbo.local(List.of(bbo("a.parquet"))), List.of("bid_px")),
        equalTo("sort key 'bid_px' is \"double\" in the spool files; sort keys must be INT64 or INT32 columns"));
  }

  @Test
  public void problem_emptyKey() throws Exception {
    assertThat(SortKeyCheck.problem(Bbo.local(List.of(bbo("a.parquet"))), List.of("ts_event", "")), equalTo("a sort key is empty"));
  }

  @Test
  public void problem_unreadableFilesSkipped_noReadableFileSaysNothing() throws Exception {
    Path bad = Files.write(tmp.getRoot().toPath().resolve("bad.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 0});
    assertThat(SortKeyCheck.problem(Bbo.local(List.of(bad)), List.of("nope")), nullValue());
    assertThat(
        SortKeyCheck.problem(Bbo.local(List.of(bad, bbo("a.parquet"))), List.of("nope")),
        equalTo("sort key 'nope' is a column of no spool file (their columns: ts_event, seq, bid_px)"));
    assertThat(SortKeyCheck.problem(Bbo.local(List.of()), List.of("nope")), nullValue());
  }
}
