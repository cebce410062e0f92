package dev.sediment.io.lake;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.translation.types.EncodedValueComparator;
import org.apache.beam.runners.flink.translation.types.WindowedKvKeySelector;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.flink.util.MathUtils;
import org.junit.Test;

/**
 * Where the FlinkRunner's batch GroupByKey sends {@link WriteBatches}' shards: Beam's own grouping
 * key ({@code WindowedKvKeySelector}) and Flink's hash partitioning ({@code EncodedValueComparator},
 * {@code MathUtils.murmurHash} modulo the parallelism).
 */
public class WriteBatchesShardKeysTest {
  private static final long MIB = 1L << 20;

  static <K> int flinkSubtask(Coder<K> keyCoder, K key, int parallelism) throws Exception {
    byte[] grouped =
        new WindowedKvKeySelector<String, K>(keyCoder, GlobalWindow.Coder.INSTANCE)
            .getKey(WindowedValue.valueInGlobalWindow(KV.of(key, "v")));
    return MathUtils.murmurHash(new EncodedValueComparator(true).hash(grouped)) % parallelism;
  }

  /** The subtasks of the files of one unpartitioned write of {@code count} shards. */
  static List<Integer> subtasks(int count, int parallelism, boolean salted) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int shard = 0; shard < count; shard++) {
      String file = ShardedFiles.fileName("", "part", shard, count, ".parquet");
      out.add(
          salted
              ? flinkSubtask(WriteBatches.SHARD_KEY_CODER, WriteBatches.shardKey(file, shard), parallelism)
              : flinkSubtask(StringUtf8Coder.of(), file, parallelism));
    }
    return out;
  }

  @Test
  public void fileNamesAlone_putAllFiveShardsOnOneSubtask_atParallelism2() throws Exception {
    // What the 10 M-row validate bench wrote before the salt: every shard on the second subtask.
    assertEquals(List.of(1, 1, 1, 1, 1), subtasks(5, 2, false));
  }

  @Test
  public void shardKeys_dealShardsInTurn_atEveryParallelismFrom1To8() throws Exception {
    for (int count : new int[] {1, 2, 3, 5, 8, 13, 100}) {
      for (int p = 1; p <= 8; p++) {
        List<Integer> expected = new ArrayList<>();
        for (int shard = 0; shard < count; shard++) {
          expected.add(shard % p);
        }
        assertEquals("count=" + count + " p=" + p, expected, subtasks(count, p, true));
      }
    }
  }

  @Test
  public void firstFiles_numberFilesAcrossSortedDirectories() {
    Map<String, Long> bytes =
        Map.of("day=2026-01-03", 300 * MIB, "day=2026-01-01", 10L, "day=2026-01-02", 129 * MIB);
    assertEquals(
        Map.of("day=2026-01-01", 0, "day=2026-01-02", 1, "day=2026-01-03", 3),
        WriteBatches.firstFiles(bytes, 128 * MIB));
    assertEquals(Map.of("", 0), WriteBatches.firstFiles(Map.of("", 0L), 128 * MIB));
  }

  @Test
  public void shardKeys_ofOneFileDirectories_goToSubtasksInTurn() throws Exception {
    // Eight partitions of one file each: the file names alone would put them where they hash.
    Map<String, Long> bytes = new java.util.HashMap<>();
    for (int d = 1; d <= 8; d++) {
      bytes.put("day=2026-01-0" + d, 1000L);
    }
    Map<String, Integer> first = WriteBatches.firstFiles(bytes, 128 * MIB);
    List<Integer> subtasks = new ArrayList<>();
    for (int d = 1; d <= 8; d++) {
      String dir = "day=2026-01-0" + d;
      String file = ShardedFiles.fileName(dir, "part", 0, 1, ".parquet");
      subtasks.add(
          flinkSubtask(WriteBatches.SHARD_KEY_CODER, WriteBatches.shardKey(file, first.get(dir)), 4));
    }
    assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3), subtasks);
  }

  @Test
  public void shardKey_keepsTheFileName() throws Exception {
    KV<String, Integer> key = WriteBatches.shardKey("day=x/part-00001-of-00002.parquet", 1);
    assertEquals("day=x/part-00001-of-00002.parquet", key.getKey());
    WriteBatches.SHARD_KEY_CODER.verifyDeterministic();
  }
}
