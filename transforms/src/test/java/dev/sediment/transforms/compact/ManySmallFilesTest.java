package dev.sediment.transforms.compact;

import static dev.sediment.transforms.compact.Bbo.D0;
import static dev.sediment.transforms.compact.Bbo.DAY;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A partition of 2,000 small, fully overlapping files: readers stay bounded, rows stay whole. */
public class ManySmallFilesTest {
  private static final int FILES = 2_000;
  private static final int ROWS_PER_FILE = 50;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static int openDescriptors() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return (int) s.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  public void compact_2000Files_atMost64ReadersOpen_sameBytesAsOneFileOfTheSameRows()
      throws Exception {
    Path spool = tmp.newFolder("spool").toPath();
    List<Path> files = new ArrayList<>();
    List<GenericRecord> all = new ArrayList<>();
    for (int k = 0; k < FILES; k++) {
      List<GenericRecord> rows = new ArrayList<>();
      for (int i = 0; i < ROWS_PER_FILE; i++) {
        // File k holds every 2,000th instant from k on: all files span the same time range.
        rows.add(Bbo.row(D0 + (long) i * FILES + k, i, k % 10));
      }
      files.add(Bbo.write(spool.resolve(String.format("collector-%04d.parquet", k)), rows, Bbo.SCHEMA));
      all.addAll(rows);
    }

    int baseline = openDescriptors();
    AtomicInteger peak = new AtomicInteger(baseline);
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler =
        new Thread(
            () -> {
              while (!done.get()) {
                peak.accumulateAndGet(openDescriptors(), Math::max);
                Thread.onSpinWait();
              }
            });
    sampler.start();
    PartitionCompactor.Result many;
    try {
      many =
          new PartitionCompactor(new PartitionCompactor.Settings())
              .compact(Bbo.local(files), DAY, tmp.getRoot().toPath().resolve("many/data.parquet"), tmp.newFolder().toPath());
    } finally {
      done.set(true);
      sampler.join();
    }

    assertThat(many.rejected, empty());
    assertThat(many.rowCount, equalTo((long) FILES * ROWS_PER_FILE));
    assertThat(many.sourceFiles.size(), equalTo(FILES));
    // 2,000 runs merge as 32 groups of at most 64 into 32 runs, then once more: 64 at most.
    assertThat(many.peakOpenReaders, equalTo(64));
    // Half the fan-in is merged straight from Parquet, the rest spilled to runs first.
    assertThat(many.filesMergedDirectly, equalTo(32));
    assertThat(many.filesSpilled, equalTo(FILES - 32));
    assertThat(peak.get() - baseline, lessThan(300));

    // The same rows as one shuffled file: merged straight, found unsorted, spilled as its sorted
    // prefix plus one run sorted in memory; same bytes.
    Collections.shuffle(all, new java.util.Random(7));
    Path one = Bbo.write(tmp.getRoot().toPath().resolve("one/all.parquet"), all, Bbo.SCHEMA);
    PartitionCompactor.Result single =
        new PartitionCompactor(new PartitionCompactor.Settings())
            .compact(Bbo.local(List.of(one)), DAY, tmp.getRoot().toPath().resolve("single/data.parquet"), tmp.newFolder().toPath());
    assertThat(single.filesMergedDirectly, equalTo(0));
    assertThat(single.filesSpilled, equalTo(1));
    assertThat(single.peakOpenReaders, equalTo(2));
    assertThat(many.sha256, equalTo(single.sha256));
  }
}
