package dev.kyanite.server.rules;

import dev.cel.common.values.NullValue;
import dev.kyanite.core.event.Event;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CEL value of {@code event}: a read-only map computed field by field on access, so an
 * expression that reads {@code event.type} does not format timestamps or wrap {@code data}. Absent
 * optional attributes are CEL {@code null}; {@code extensions} is an empty map when there are none.
 */
final class EventMap extends AbstractMap<String, Object> {
  static final List<String> KEYS = List.of("id", "type", "source", "subject", "time", "received_at", "key", "data", "extensions");

  private final Event e;

  EventMap(Event e) {
    this.e = e;
  }

  @Override
  public Object get(Object key) {
    if (!(key instanceof String k)) return null;
    switch (k) {
      case "id":
        return e.id();
      case "type":
        return e.type();
      case "source":
        return orNull(e.source());
      case "subject":
        return orNull(e.subject());
      case "time":
        return e.time() == null ? NullValue.NULL_VALUE : e.time().toString();
      case "received_at":
        return e.receivedAt().toString();
      case "key":
        return orNull(e.key());
      case "data":
        return JsonCel.toCel(e.data());
      case "extensions":
        return e.extensions() == null ? Map.of() : JsonCel.toCel(e.extensions());
      default:
        return null;
    }
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && KEYS.contains(k);
  }

  @Override
  public int size() {
    return KEYS.size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        Iterator<String> it = KEYS.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Entry<String, Object> next() {
            String k = it.next();
            return new SimpleImmutableEntry<>(k, get(k));
          }
        };
      }

      @Override
      public int size() {
        return KEYS.size();
      }
    };
  }

  private static Object orNull(String s) {
    return s == null ? NullValue.NULL_VALUE : s;
  }
}
