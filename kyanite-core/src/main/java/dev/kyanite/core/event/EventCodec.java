package dev.kyanite.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The on-log encoding of an {@link Event}: one compact JSON object, format version 1.
 *
 * <pre>
 * {"v":1,"id":"evt_…","type":"…","source":"…","subject":"…","time":"RFC 3339","received_at":"RFC 3339",
 *  "key":"…","ext":{…},"idem":"…","hash":"…","data":…}
 * </pre>
 *
 * Absent optional fields are omitted. Readers ignore unknown fields so that later versions can add
 * some; a record with a higher {@code v} than this codec knows is rejected. Thread-safe.
 */
public final class EventCodec {
  public static final int VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventCodec() {}

  /** The shared mapper (plain Jackson defaults). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] encode(Event e) {
    return encode(e, true);
  }

  /**
   * Encodes {@code e} with {@code data} given as JSON text instead of {@code e.data()} (which is
   * ignored): ingest hands the client's own bytes through instead of building a tree and writing
   * it back out. The caller guarantees that {@code json[off, off+len)} is one well-formed JSON value
   * in valid UTF-8 (it has been parsed); it is copied as is.
   */
  public static byte[] encode(Event e, byte[] json, int off, int len) {
    byte[] head = encode(e, false); // {"v":1,…} without data
    byte[] out = new byte[head.length + DATA_MEMBER.length + len];
    System.arraycopy(head, 0, out, 0, head.length - 1);
    int at = head.length - 1;
    System.arraycopy(DATA_MEMBER, 0, out, at, DATA_MEMBER.length);
    at += DATA_MEMBER.length;
    System.arraycopy(json, off, out, at, len);
    out[at + len] = '}';
    return out;
  }

  private static final byte[] DATA_MEMBER = ",\"data\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static byte[] encode(Event e, boolean withData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("id", e.id());
      g.writeStringField("type", e.type());
      if (e.source() != null) g.writeStringField("source", e.source());
      if (e.subject() != null) g.writeStringField("subject", e.subject());
      if (e.time() != null) g.writeStringField("time", Timestamps.format(e.time()));
      g.writeStringField("received_at", Timestamps.format(e.receivedAt()));
      if (e.key() != null) g.writeStringField("key", e.key());
      if (e.extensions() != null && !e.extensions().isEmpty()) {
        g.writeFieldName("ext");
        MAPPER.writeTree(g, e.extensions());
      }
      if (e.idempotencyKey() != null) g.writeStringField("idem", e.idempotencyKey());
      if (e.bodyHash() != null) g.writeStringField("hash", e.bodyHash());
      if (withData) {
        g.writeFieldName("data");
        MAPPER.writeTree(g, e.data() == null ? NullNode.getInstance() : e.data());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /** Decodes a record written by {@link #encode}; throws {@link IllegalArgumentException} if it is not one. */
  public static Event decode(byte[] bytes) {
    String id = null, type = null, source = null, subject = null, key = null, idem = null, hash = null;
    Instant time = null, receivedAt = null;
    JsonNode data = NullNode.getInstance();
    ObjectNode ext = null;
    try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not an event record");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "v" -> {
            if (p.getIntValue() > VERSION) throw new IllegalArgumentException("event record version " + p.getIntValue() + " is newer than " + VERSION);
          }
          case "id" -> id = p.getText();
          case "type" -> type = p.getText();
          case "source" -> source = p.getText();
          case "subject" -> subject = p.getText();
          case "time" -> time = Timestamps.parse(p.getText());
          case "received_at" -> receivedAt = Timestamps.parse(p.getText());
          case "key" -> key = p.getText();
          case "idem" -> idem = p.getText();
          case "hash" -> hash = p.getText();
          case "ext" -> ext = (ObjectNode) MAPPER.readTree(p);
          case "data" -> data = MAPPER.readTree(p);
          default -> p.skipChildren();
        }
      }
    } catch (IOException ex) {
      throw new IllegalArgumentException("corrupt event record: " + ex.getMessage(), ex);
    }
    if (id == null || type == null || receivedAt == null) throw new IllegalArgumentException("event record lacks id, type or received_at");
    return new Event(id, type, source, subject, time, receivedAt, key, data, ext, idem, hash);
  }
}
