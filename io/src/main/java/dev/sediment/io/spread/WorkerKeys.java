package dev.sediment.io.spread;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;

/**
 * Keys that a hash-partitioned shuffle deals out to the workers in turn, so that a handful of
 * expensive elements (the files a write makes, the row groups a read decodes) do not meet on one
 * worker by chance.
 *
 * <pre>{@code
 * int key = WorkerKeys.intKey(j);                 // the j-th element's key, encoded by VarIntCoder
 * int salt = WorkerKeys.salt(encodedPrefix, j);   // or: a key of its own followed by VarInt(salt)
 * }</pre>
 *
 * <p>Which worker gets a key is the runner's business. Beam's FlinkRunner in batch mode (the
 * DataSet API, its default for bounded pipelines in Beam 2.62) groups on the key's coder bytes
 * (outer context, then the window's bytes: none for the global window), and Flink's hash
 * partitioner sends them to worker {@code murmur3(Arrays.hashCode(bytes)) mod parallelism}
 * ({@link #flinkBatchWorker}). The keys here are chosen so that the j-th one has {@code
 * murmur3(...) mod} {@value #CYCLE} {@code = j mod} {@value #CYCLE}: keys {@code 0, 1, 2, ...}
 * then land on workers {@code 0, 1, 2, ...} modulo the parallelism, for every parallelism that
 * divides {@value #CYCLE} (1 to 8, 10, 12, 14, 15, 20, 21, 24, 28, 30, ...), without knowing which
 * one the job runs with. At other parallelisms, on Flink's streaming (key group) partitioning and
 * on other runners they are as good as random keys: the DirectRunner does not place keys and
 * Dataflow balances them itself.
 *
 * <p>Pure functions of their arguments: every worker computes the same keys.
 */
public final class WorkerKeys {
  /** The keys repeat their placement after this many: the least common multiple of 1 to 8. */
  public static final int CYCLE = 840;

  private static final int[] INT_KEYS = intKeys();

  private WorkerKeys() {}

  /**
   * The key, encoded by {@code VarIntCoder}, of the {@code j}-th element of a run ({@code j >= 0}):
   * Flink's batch shuffle sends it to worker {@code j mod p} for every parallelism {@code p} that
   * divides {@value #CYCLE}.
   */
  public static int intKey(long j) {
    checkArgument(j >= 0, "j must be at least 0, not %s", j);
    return INT_KEYS[(int) (j % CYCLE)];
  }

  /**
   * The least {@code salt >= 0} such that a key encoded as {@code prefix} followed by the {@code
   * VarIntCoder} bytes of {@code salt} goes to worker {@code j mod p} in Flink's batch shuffle, for
   * every parallelism {@code p} that divides {@value #CYCLE}. About {@value #CYCLE} tries of a few
   * multiplications each; callers that need the same key often keep it.
   */
  public static int salt(byte[] prefix, long j) {
    checkArgument(prefix != null, "prefix can not be null");
    checkArgument(j >= 0, "j must be at least 0, not %s", j);
    int target = (int) (j % CYCLE);
    int h0 = Arrays.hashCode(prefix);
    for (int salt = 0; salt >= 0; salt++) {
      if (Math.floorMod(murmur(continueHash(h0, salt)), CYCLE) == target) {
        return salt;
      }
    }
    throw new IllegalStateException("no salt places the key on " + target);
  }

  /**
   * The worker, of {@code parallelism}, that Flink's batch hash partitioning sends the key with
   * these coder bytes to: {@code murmur3(Arrays.hashCode(encodedKey)) mod parallelism}.
   */
  public static int flinkBatchWorker(byte[] encodedKey, int parallelism) {
    checkArgument(parallelism >= 1, "parallelism must be at least 1, not %s", parallelism);
    return murmur(Arrays.hashCode(encodedKey)) % parallelism;
  }

  /** {@code Arrays.hashCode} of some bytes hashing to {@code h} followed by VarInt({@code value}). */
  private static int continueHash(int h, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      h = 31 * h + (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    return 31 * h + (byte) v;
  }

  /** MurmurHash3 (x86, 32 bits, seed 0) of one int, made non-negative as Flink makes it. */
  private static int murmur(int code) {
    int h = Hashing.murmur3_32_fixed().hashInt(code).asInt();
    if (h >= 0) {
      return h;
    }
    return h == Integer.MIN_VALUE ? 0 : -h;
  }

  /** The least key of each place in the cycle, found in one pass (about 6,000 tries). */
  private static int[] intKeys() {
    int[] keys = new int[CYCLE];
    Arrays.fill(keys, -1);
    int h0 = Arrays.hashCode(new byte[0]);
    int found = 0;
    for (int key = 0; found < CYCLE; key++) {
      int place = Math.floorMod(murmur(continueHash(h0, key)), CYCLE);
      if (keys[place] < 0) {
        keys[place] = key;
        found++;
      }
    }
    return keys;
  }
}
