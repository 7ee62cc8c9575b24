package dev.kyanite.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One event as the client sent it, checked for shape but not yet validated against a schema nor
 * accepted.
 *
 * @param clientId the client's {@code id}, or {@code null} (the server assigns one)
 * @param source the CloudEvents {@code source}, or {@code null} (then the API key's name is used)
 * @param extensions CloudEvents extension attributes, {@code datacontenttype}, {@code dataschema},
 *     or {@code null}
 * @param dedupeId what the event itself offers for de-duplication: the client id (native) or
 *     {@code source + id} (CloudEvents); {@code null} when the server assigns the id
 * @param bodyHash hex SHA-256 of the bytes that make up this event (idempotency conflict check)
 * @param data the payload as a tree, or {@code null} when it is passed through as {@code raw}
 * @param raw the payload as the client's bytes (one JSON value, already checked: native events), or
 *     {@code null}; exactly one of {@code data} and {@code raw} is set
 */
record EventInput(String type, String clientId, String source, String subject, Instant time, String key,
    JsonNode data, ObjectNode extensions, String dedupeId, String bodyHash, RawJson raw) {

  /** Without raw bytes: {@code data} is the tree. */
  EventInput(String type, String clientId, String source, String subject, Instant time, String key, JsonNode data,
      ObjectNode extensions, String dedupeId, String bodyHash) {
    this(type, clientId, source, subject, time, key, data, extensions, dedupeId, bodyHash, null);
  }

  /** The payload as a tree (parsed from {@link #raw} when that is how it came). */
  JsonNode dataTree() {
    return data != null ? data : raw.parse();
  }

  EventInput withHash(String hash) {
    return new EventInput(type, clientId, source, subject, time, key, data, extensions, dedupeId, hash, raw);
  }
}
