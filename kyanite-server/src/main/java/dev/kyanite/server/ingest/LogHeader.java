package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kyanite.core.event.EventCodec;
import java.io.IOException;
import java.time.Instant;

/**
 * The envelope fields of an {@link EventCodec} record that the indexer needs, read without building
 * the {@code data} tree (the codec writes {@code data} last, so reading stops there).
 */
record LogHeader(String id, String source, Instant receivedAt, String idempotencyKey, String bodyHash) {

  /** @throws IllegalArgumentException if the bytes are not an event record */
  static LogHeader read(byte[] record) {
    String id = null, source = null, idem = null, hash = null;
    Instant receivedAt = null;
    try (JsonParser p = EventCodec.mapper().getFactory().createParser(record)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not an event record");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        if (f.equals("data")) break;
        p.nextToken();
        switch (f) {
          case "id" -> id = p.getText();
          case "source" -> source = p.getText();
          case "received_at" -> receivedAt = dev.kyanite.core.event.Timestamps.parse(p.getText());
          case "idem" -> idem = p.getText();
          case "hash" -> hash = p.getText();
          default -> p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("corrupt event record: " + e.getMessage(), e);
    }
    if (id == null || receivedAt == null) throw new IllegalArgumentException("event record lacks id or received_at");
    return new LogHeader(id, source, receivedAt, idem, hash);
  }
}
