package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.store.StoredRule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The API representation of a stored rule: {@code name}, {@code version}, timestamps, then the definition. */
final class RuleJson {
  private RuleJson() {}

  static ObjectNode of(StoredRule r) {
    ObjectNode o = EventCodec.mapper().createObjectNode();
    o.put("name", r.name()).put("version", r.version());
    JsonNode def;
    try {
      def = EventCodec.mapper().readTree(r.definition());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    def.fields().forEachRemaining(f -> o.set(f.getKey(), f.getValue()));
    o.put("created_at", r.createdAt().toString()).put("updated_at", r.updatedAt().toString());
    return o;
  }
}
