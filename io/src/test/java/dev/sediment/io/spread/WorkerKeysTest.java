package dev.sediment.io.spread;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.flink.translation.types.EncodedValueComparator;
import org.apache.beam.runners.flink.translation.types.WindowedKvKeySelector;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.flink.util.MathUtils;
import org.junit.Test;

/**
 * {@link WorkerKeys}: checked against the FlinkRunner's own batch grouping key (Beam's {@code
 * WindowedKvKeySelector}) and Flink's hash partitioning ({@code EncodedValueComparator#hash}, then
 * {@code MathUtils.murmurHash} modulo the parallelism, as Flink's {@code OutputEmitter} does).
 */
public class WorkerKeysTest {
  /** The subtask, of {@code parallelism}, that the FlinkRunner's batch GroupByKey sends {@code key} to. */
  static <K> int flinkSubtask(Coder<K> keyCoder, K key, int parallelism) throws Exception {
    byte[] grouped =
        new WindowedKvKeySelector<String, K>(keyCoder, GlobalWindow.Coder.INSTANCE)
            .getKey(WindowedValue.valueInGlobalWindow(KV.of(key, "v")));
    return MathUtils.murmurHash(new EncodedValueComparator(true).hash(grouped)) % parallelism;
  }

  @Test
  public void flinkBatchWorker_isFlinksPlacement() throws Exception {
    for (int p = 1; p <= 16; p++) {
      for (int key = -1000; key < 1000; key++) {
        byte[] encoded = CoderUtils.encodeToByteArray(VarIntCoder.of(), key);
        assertEquals(flinkSubtask(VarIntCoder.of(), key, p), WorkerKeys.flinkBatchWorker(encoded, p));
      }
    }
  }

  @Test
  public void intKey_dealsKeysInTurn_atEveryParallelismFrom1To8() throws Exception {
    for (int p = 1; p <= 8; p++) {
      for (int j = 0; j < 2 * WorkerKeys.CYCLE + 3; j++) {
        assertEquals("p=" + p + " j=" + j, j % p, flinkSubtask(VarIntCoder.of(), WorkerKeys.intKey(j), p));
      }
    }
  }

  @Test
  public void intKey_atParallelismsDividingTheCycle() throws Exception {
    for (int p : new int[] {10, 12, 14, 15, 20, 24, 28, 30, 35, 40, 42, 56, 60, 840}) {
      for (int j = 0; j < WorkerKeys.CYCLE; j++) {
        assertEquals("p=" + p + " j=" + j, j % p, flinkSubtask(VarIntCoder.of(), WorkerKeys.intKey(j), p));
      }
    }
  }

  @Test
  public void intKey_isFixed_andRepeatsWithTheCycle() {
    // Fixed by the hash functions alone: the same on every worker and in every run.
    List<Integer> first = new ArrayList<>();
    for (int j = 0; j < 8; j++) {
      first.add(WorkerKeys.intKey(j));
    }
    assertThat(first, contains(177, 122, 334, 923, 202, 560, 2250, 309));
    for (int j = 0; j < WorkerKeys.CYCLE; j++) {
      assertEquals(WorkerKeys.intKey(j), WorkerKeys.intKey(j + WorkerKeys.CYCLE));
      assertEquals(WorkerKeys.intKey(j), WorkerKeys.salt(new byte[0], j));
    }
  }

  @Test
  public void salt_placesKeysWithAPrefix_inTurn() throws Exception {
    KvCoder<String, Integer> coder = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
    for (int n = 0; n < 40; n++) {
      String name = String.format("day=2026-01-%02d/part-%05d-of-00040.parquet", 1 + n % 3, n);
      ByteArrayOutputStream prefix = new ByteArrayOutputStream();
      StringUtf8Coder.of().encode(name, prefix);
      int salt = WorkerKeys.salt(prefix.toByteArray(), n);
      for (int p = 1; p <= 8; p++) {
        assertEquals(name + " p=" + p, n % p, flinkSubtask(coder, KV.of(name, salt), p));
      }
    }
  }

  @Test(expected = IllegalArgumentException.class)
  public void intKey_negative_isRejected() {
    WorkerKeys.intKey(-1);
  }

  @Test(expected = IllegalArgumentException.class)
  public void flinkBatchWorker_parallelismZero_isRejected() {
    WorkerKeys.flinkBatchWorker(new byte[] {1}, 0);
  }
}
