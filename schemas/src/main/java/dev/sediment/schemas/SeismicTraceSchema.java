package dev.sediment.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The on-disk record of a seismic trace, {@code SeismicTrace.avsc}: what {@code ingest} writes to
 * {@code LAKE/processed/DATASET/} and what the seismic quality rules read. Field names are a
 * contract.
 */
public final class SeismicTraceSchema {
  /** The Avro schema as JSON. */
  public static final String AVRO_JSON = load();

  private SeismicTraceSchema() {}

  private static String load() {
    try (InputStream in = SeismicTraceSchema.class.getResourceAsStream("SeismicTrace.avsc")) {
      if (in == null) {
        throw new IllegalStateException("SeismicTrace.avsc is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
