package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.time.Instant;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts between Jackson trees and CEL runtime values. JSON → CEL is lazy: objects and arrays are
 * wrapped, and a field is converted only when an expression reads it, so a condition over
 * {@code event.type} costs nothing for a large {@code data}. Numbers: integers become {@code int}
 * (Java {@code Long}), everything else {@code double}; JSON null is CEL {@code null}.
 */
final class JsonCel {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonCel() {}

  /** The CEL value of a JSON node (wrappers read the node live; callers must not mutate it meanwhile). */
  static Object toCel(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return NullValue.NULL_VALUE;
    switch (n.getNodeType()) {
      case OBJECT:
        return new ObjectMap((ObjectNode) n);
      case ARRAY:
        return new JsonList((ArrayNode) n);
      case STRING:
        return n.textValue();
      case BOOLEAN:
        return n.booleanValue();
      case NUMBER:
        return n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
      case BINARY:
        return n.asText();
      default:
        return NullValue.NULL_VALUE;
    }
  }

  /**
   * The JSON of a CEL result value: timestamps as RFC 3339 text, durations as protobuf's JSON form
   * ({@code "5400s"}), bytes as base64.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold (NaN, ±Infinity, a CEL type): a
   *     {@code set} of it fails as an action error instead of writing a string the client never sent
   */
  static JsonNode toJson(Object v) {
    // CEL's literal `null` evaluates to protobuf's NullValue, JSON values to CEL's own: both are JSON null.
    if (v == null || v instanceof NullValue || v instanceof com.google.protobuf.NullValue) return NODES.nullNode();
    if (v instanceof ObjectMap m) return m.node.deepCopy();
    if (v instanceof JsonList l) return l.node.deepCopy();
    if (v instanceof String s) return NODES.textNode(s);
    if (v instanceof Boolean b) return NODES.booleanNode(b);
    if (v instanceof Long l) return l == l.intValue() ? NODES.numberNode(l.intValue()) : NODES.numberNode(l);
    if (v instanceof Integer i) return NODES.numberNode(i);
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException(d + " is not a JSON number");
      return NODES.numberNode(d);
    }
    if (v instanceof UnsignedLong u) return NODES.numberNode(u.bigIntegerValue());
    if (v instanceof CelByteString b) return NODES.textNode(Base64.getEncoder().encodeToString(b.toByteArray()));
    if (v instanceof com.google.protobuf.ByteString b) return NODES.textNode(Base64.getEncoder().encodeToString(b.toByteArray()));
    if (v instanceof Timestamp t) return NODES.textNode(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    if (v instanceof Instant i) return NODES.textNode(i.toString());
    if (v instanceof Duration d) return NODES.textNode(durationJson(java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos())));
    if (v instanceof java.time.Duration d) return NODES.textNode(durationJson(d));
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = NODES.objectNode();
      m.forEach((k, val) -> o.set(String.valueOf(k), toJson(val)));
      return o;
    }
    if (v instanceof List<?> l) {
      ArrayNode a = NODES.arrayNode(l.size());
      for (Object e : l) a.add(toJson(e));
      return a;
    }
    throw new IllegalArgumentException("a CEL " + v.getClass().getSimpleName() + " value has no JSON form");
  }

  /** Protobuf's JSON form of a duration: seconds with up to nine decimals and an {@code s}. */
  static String durationJson(java.time.Duration d) {
    java.math.BigDecimal secs = java.math.BigDecimal.valueOf(d.getSeconds()).add(java.math.BigDecimal.valueOf(d.getNano(), 9));
    return secs.stripTrailingZeros().toPlainString() + "s";
  }

  /** A read-only CEL map view of a JSON object. */
  static final class ObjectMap extends AbstractMap<String, Object> {
    final ObjectNode node;

    ObjectMap(ObjectNode node) {
      this.node = node;
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof String k)) return null;
      JsonNode v = node.get(k);
      return v == null ? null : toCel(v);
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String k && node.has(k);
    }

    @Override
    public int size() {
      return node.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          Iterator<Map.Entry<String, JsonNode>> it = node.fields();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Entry<String, Object> next() {
              Map.Entry<String, JsonNode> e = it.next();
              return new SimpleImmutableEntry<>(e.getKey(), toCel(e.getValue()));
            }
          };
        }

        @Override
        public int size() {
          return node.size();
        }
      };
    }
  }

  /** A read-only CEL list view of a JSON array. */
  static final class JsonList extends AbstractList<Object> {
    final ArrayNode node;

    JsonList(ArrayNode node) {
      this.node = node;
    }

    @Override
    public Object get(int index) {
      return toCel(node.get(index));
    }

    @Override
    public int size() {
      return node.size();
    }
  }
}
