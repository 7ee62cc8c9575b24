package dev.kyanite.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
  /**
   * Reads {@code data} and {@code ext} exactly: a decimal becomes a {@code BigDecimal} with its
   * digits ({@code 12.50} stays {@code 12.50}, {@code 1e400} does not become {@code Infinity},
   * {@code 0.1000000000000000000001} keeps its last digit), so that webhooks, lookups and replays
   * carry the values the client sent. Integers of any size are exact by default.
   */
  private static final ObjectReader EXACT = MAPPER.reader()
      .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .with(JsonNodeFactory.withExactBigDecimals(true));

  private EventCodec() {}

  /** The reader {@link #decode} uses for {@code data}: exact decimals, digits kept. */
  public static ObjectReader exactReader() {
    return EXACT;
  }

  /** The shared mapper (plain Jackson defaults). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] encode(Event e) {
    byte[] data;
    try {
      data = MAPPER.writeValueAsBytes(e.data() == null ? NullNode.getInstance() : e.data());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return encode(e, data, 0, data.length);
  }

  /**
   * Encodes {@code e} with {@code data} given as JSON text instead of {@code e.data()} (which is
   * ignored): ingest hands the client's own bytes through instead of building a tree and writing
   * it back out. The caller guarantees that {@code json[off, off+len)} is one well-formed JSON value
   * in valid UTF-8 (it has been parsed); it is copied as is.
   */
  public static byte[] encode(Event e, byte[] json, int off, int len) {
    // timestamps are formatted here, digits and punctuation only: no character needs a look
    String time = e.time() == null ? null : Timestamps.format(e.time());
    String receivedAt = Timestamps.format(e.receivedAt());
    // Sized exactly when every string is ASCII without escapes (every record the server makes
    // itself): the array is then the record, not copied once more (an escape or a non-ASCII
    // character only makes it grow, and be copied to size).
    int size = HEAD.length + ID.length + sized(e.id()) + TYPE.length + sized(e.type())
        + (e.source() == null ? 0 : SOURCE.length + sized(e.source()))
        + (e.subject() == null ? 0 : SUBJECT.length + sized(e.subject()))
        + (time == null ? 0 : TIME.length + sized(time)) + RECEIVED_AT.length + sized(receivedAt)
        + (e.key() == null ? 0 : KEY.length + sized(e.key()))
        + (e.idempotencyKey() == null ? 0 : IDEM.length + sized(e.idempotencyKey()))
        + (e.bodyHash() == null ? 0 : HASH.length + sized(e.bodyHash())) + DATA.length + len + END.length;
    JsonBytes w = new JsonBytes(size);
    w.raw(HEAD);
    w.raw(ID).string(e.id());
    w.raw(TYPE).string(e.type());
    if (e.source() != null) w.raw(SOURCE).string(e.source());
    if (e.subject() != null) w.raw(SUBJECT).string(e.subject());
    if (time != null) w.raw(TIME).plainString(time);
    w.raw(RECEIVED_AT).plainString(receivedAt);
    if (e.key() != null) w.raw(KEY).string(e.key());
    if (e.extensions() != null && !e.extensions().isEmpty()) {
      try {
        w.raw(EXT).raw(MAPPER.writeValueAsBytes(e.extensions()));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    if (e.idempotencyKey() != null) w.raw(IDEM).string(e.idempotencyKey());
    if (e.bodyHash() != null) w.raw(HASH).string(e.bodyHash());
    w.raw(DATA).raw(json, off, len).raw(END);
    return w.toByteArray();
  }

  /** The bytes of {@code s} as a JSON string when it is plain ASCII: its length and the quotes. */
  private static int sized(String s) {
    return s.length() + 2;
  }

  // the record's fixed text, as bytes: copied whole instead of character by character
  private static final byte[] HEAD = ascii("{\"v\":" + VERSION);
  private static final byte[] ID = ascii(",\"id\":"), TYPE = ascii(",\"type\":"), SOURCE = ascii(",\"source\":"),
      SUBJECT = ascii(",\"subject\":"), TIME = ascii(",\"time\":"), RECEIVED_AT = ascii(",\"received_at\":"),
      KEY = ascii(",\"key\":"), EXT = ascii(",\"ext\":"), IDEM = ascii(",\"idem\":"), HASH = ascii(",\"hash\":"),
      DATA = ascii(",\"data\":"), END = ascii("}");

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
          case "ext" -> ext = (ObjectNode) EXACT.readTree(p);
          case "data" -> data = EXACT.readTree(p);
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
