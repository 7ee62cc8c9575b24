package dev.kyanite.server.ingest;

import dev.kyanite.server.schema.FieldError;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the native event envelope {@code {"type","data","id"?,"time"?,"subject"?,"key"?}} from a
 * streaming parser positioned on its {@code START_OBJECT}, collecting every envelope error at
 * once (each with a JSON Pointer). Only {@code data} becomes a tree; the envelope is read token by
 * token.
 */
final class NativeEnvelope {
  static final int MAX_TYPE_LENGTH = 128;
  static final int MAX_ID_LENGTH = 200;
  static final int MAX_SUBJECT_LENGTH = 1024;
  static final int MAX_KEY_LENGTH = 256;
  /** Dotted names: segments of letters, digits, '_' and '-'. */
  static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private NativeEnvelope() {}

  /** Outcome: exactly one of {@code input} and {@code rejection} is set. */
  record Result(EventInput input, Rejection rejection) {}

  /**
   * Reads one envelope; leaves the parser on its {@code END_OBJECT}.
   *
   * @param bodyHash hash of the event's bytes, or {@code null} if not needed
   * @throws IOException on malformed JSON (the caller answers {@code 400 malformed-json})
   */
  static Result read(JsonParser p, String bodyHash) throws IOException {
    return read(p, bodyHash, null, 0);
  }

  /**
   * As {@link #read(JsonParser, String)}; when {@code source} is given (the bytes the parser reads,
   * starting at {@code base}), an object or array {@code data} in ASCII is kept as a range of those
   * bytes ({@link EventInput#raw()}) instead of becoming a tree.
   */
  static Result read(JsonParser p, String bodyHash, byte[] source, int base) throws IOException {
    String type = null, id = null, subject = null, key = null;
    Instant time = null;
    JsonNode data = null;
    RawJson raw = null;
    boolean hasData = false;
    List<FieldError> errors = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      switch (f) {
        case "type" -> {
          type = string(p, v);
          String why = type == null ? "must be a string" : checkType(type);
          if (why != null) errors = add(errors, new FieldError("/type", "type", why));
        }
        case "id" -> {
          id = string(p, v);
          if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || hasControl(id)) {
            errors = add(errors, new FieldError("/id", "id", "must be a string of 1-" + MAX_ID_LENGTH + " printable characters"));
          }
        }
        case "time" -> {
          String s = string(p, v);
          time = s == null ? null : parseTime(s);
          if (time == null) errors = add(errors, new FieldError("/time", "format", "must be an RFC 3339 date-time with offset"));
        }
        case "subject" -> {
          subject = string(p, v);
          if (subject == null || subject.length() > MAX_SUBJECT_LENGTH) {
            errors = add(errors, new FieldError("/subject", "type", "must be a string of at most " + MAX_SUBJECT_LENGTH + " characters"));
          }
        }
        case "key" -> {
          key = string(p, v);
          if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            errors = add(errors, new FieldError("/key", "type", "must be a string of 1-" + MAX_KEY_LENGTH + " characters"));
          }
        }
        case "data" -> {
          hasData = true;
          if (source != null && (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY)) {
            long start = p.currentTokenLocation().getByteOffset();
            CheckedSkip.skip(p); // still checks syntax, nesting depth and duplicate members
            int from = base + (int) start;
            int len = (int) (p.currentLocation().getByteOffset() - start);
            raw = RawJson.ifAscii(source, from, len);
            if (raw == null) data = IngestJson.MAPPER.readTree(source, from, len); // non-ASCII: decode and check UTF-8
          } else {
            data = IngestJson.MAPPER.readTree(p);
          }
        }
        default -> {
          p.skipChildren();
          errors = add(errors, new FieldError("/" + FieldError.escape(f), "additionalProperties",
              "unknown member '" + f + "'; allowed: type, data, id, time, subject, key"));
        }
      }
    }
    if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t);
    if (type == null && (errors == null || errors.stream().noneMatch(e -> e.pointer().equals("/type")))) {
      errors = add(errors, new FieldError("/type", "required", "type is required"));
    }
    if (!hasData) errors = add(errors, new FieldError("/data", "required", "data is required (JSON null is allowed)"));
    if (errors != null) return new Result(null, Rejection.invalidEnvelope(errors));
    return new Result(new EventInput(type, id, null, subject, time, key, data, null, id, bodyHash, raw), null);
  }

  /** Null if the type is acceptable, otherwise why not. */
  static String checkType(String type) {
    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH) return "must be 1-" + MAX_TYPE_LENGTH + " characters";
    if (!isDottedName(type)) return "must be a dotted name such as order.created (letters, digits, '_', '-')";
    return null;
  }

  /** {@link #TYPE} without a regex engine (it runs for every event). */
  static boolean isDottedName(String s) {
    boolean segmentStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (segmentStart) return false; // empty segment
        segmentStart = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        segmentStart = false;
      } else {
        return false;
      }
    }
    return !segmentStart;
  }

  static Instant parseTime(String s) {
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) return true;
    }
    return false;
  }

  private static String string(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return null;
  }

  private static List<FieldError> add(List<FieldError> errors, FieldError e) {
    if (errors == null) errors = new ArrayList<>(2);
    errors.add(e);
    return errors;
  }
}
