package dev.sediment.transforms.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/** JSON text of values, rows and report parts; exact decimals, timestamps as ISO-8601. */
final class Json {
  static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(NODES);

  private Json() {}

  /** The JSON text of one value (NaN and infinities as strings, JSON has no number for them). */
  static String text(@Nullable Object v) {
    if (v instanceof Double) {
      double d = (Double) v;
      return Double.isFinite(d) ? Double.toString(d) : "\"" + d + "\"";
    }
    if (v instanceof Float) {
      float f = (Float) v;
      return Float.isFinite(f) ? Float.toString(f) : "\"" + f + "\"";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return v.toString();
    }
    return node(v).toString();
  }

  static JsonNode node(@Nullable Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String) {
      return NODES.textNode((String) v);
    }
    if (v instanceof Boolean) {
      return NODES.booleanNode((Boolean) v);
    }
    if (v instanceof Double) {
      double d = (Double) v;
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
    }
    if (v instanceof Float) {
      float f = (Float) v;
      return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(Float.toString(f));
    }
    if (v instanceof BigDecimal) {
      return NODES.numberNode((BigDecimal) v);
    }
    if (v instanceof BigInteger) {
      return NODES.numberNode((BigInteger) v);
    }
    if (v instanceof Number) {
      return NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof ReadableInstant) {
      return NODES.textNode(
          java.time.Instant.ofEpochMilli(((ReadableInstant) v).getMillis()).toString());
    }
    if (v instanceof TemporalAccessor) {
      return NODES.textNode(v.toString());
    }
    if (v instanceof byte[]) {
      return NODES.textNode(Base64.getEncoder().encodeToString((byte[]) v));
    }
    if (v instanceof Row) {
      return row((Row) v);
    }
    if (v instanceof Map) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        o.set(String.valueOf(e.getKey()), node(e.getValue()));
      }
      return o;
    }
    if (v instanceof Iterable) {
      ArrayNode a = NODES.arrayNode();
      for (Object x : (Iterable<?>) v) {
        a.add(node(x));
      }
      return a;
    }
    return NODES.textNode(v.toString());
  }

  static ObjectNode row(Row row) {
    ObjectNode o = NODES.objectNode();
    Schema s = row.getSchema();
    for (int i = 0; i < s.getFieldCount(); i++) {
      Object v = row.getValue(i);
      ColumnKind k = ColumnKind.of(s.getField(i));
      if (v != null && (k == ColumnKind.TS_MICROS || k == ColumnKind.TS_NANOS)) {
        // Avro timestamp-micros/-nanos travel as INT64; show them as the instants they are.
        o.put(s.getField(i).getName(), ColumnKind.isoOfNanos(k.nanosOf(v)));
      } else {
        o.set(s.getField(i).getName(), node(v));
      }
    }
    return o;
  }

  /** Parses JSON text; text that is not JSON becomes a JSON string. */
  static JsonNode parse(@Nullable String text) {
    if (text == null) {
      return NODES.nullNode();
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return NODES.textNode(text);
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
