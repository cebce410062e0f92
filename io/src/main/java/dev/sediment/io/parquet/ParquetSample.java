package dev.sediment.io.parquet;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic choice behind {@link ParquetBatchIO.Read#withSample}: a row group, or a row,
 * is kept when a hash of the seed, the file and its index, read as a number in [0, 1), is below
 * the fraction. The hash (FNV-1a over the file's UTF-8 bytes, then SplitMix64's finalizer over the
 * seed, the file hash and the index) depends on nothing else, so every run, runner and worker
 * keeps the same row groups and rows. Beam-free.
 */
public final class ParquetSample {
  private ParquetSample() {}

  /** True if row group {@code index} of {@code file} is in the sample. */
  public static boolean keepRowGroup(long seed, String file, long index, double fraction) {
    return unit(seed, file, 0x5247L, index) < fraction; // "RG"
  }

  /** True if row {@code index} (0-based in the file) of {@code file} is in the sample. */
  public static boolean keepRow(long seed, String file, long index, double fraction) {
    return unit(seed, file, 0x524fL, index) < fraction; // "RO"
  }

  /** A hash of the arguments as a double in [0, 1). */
  static double unit(long seed, String file, long kind, long index) {
    return (mix(mix(mix(seed ^ fnv(file)) ^ kind) + index) >>> 11) * 0x1.0p-53;
  }

  static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finalizer (Steele, Lea and Flood 2014). */
  static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
