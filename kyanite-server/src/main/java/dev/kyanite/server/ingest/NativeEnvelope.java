package dev.kyanite.server.ingest;

import dev.kyanite.server.schema.FieldError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the native event envelope {@code {"type","data","id"?,"time"?,"subject"?,"key"?}} with a
 * {@link JsonScanner}, collecting every envelope error at once (each with a JSON Pointer). {@code
 * data} is checked but never decoded: it goes to the log as the client's bytes ({@link RawJson}).
 */
final class NativeEnvelope {
  static final int MAX_TYPE_LENGTH = 128;
  static final int MAX_ID_LENGTH = 200;
  static final int MAX_SUBJECT_LENGTH = 1024;
  static final int MAX_KEY_LENGTH = 256;
  /** Dotted names: segments of letters, digits, '_' and '-'. */
  static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  static final String ALLOWED = "allowed: type, data, id, time, subject, key";
  private static final String HALF_PAIR = " (a \\u escape of half a surrogate pair is not a character)";
  /** Unknown members listed one by one in a rejection; the rest are counted in one more error. */
  static final int MAX_LISTED_UNKNOWN = 20;

  private NativeEnvelope() {}

  /** Outcome: exactly one of {@code input} and {@code rejection} is set. */
  record Result(EventInput input, Rejection rejection) {}

  // the members seen so far, one bit each (a second one is malformed JSON, as Jackson's check says)
  private static final int TYPE_SEEN = 1, ID_SEEN = 2, TIME_SEEN = 4, SUBJECT_SEEN = 8, KEY_SEEN = 16, DATA_SEEN = 32;

  /**
   * Reads one envelope, whose {@code '{'} is the scanner's next byte, and moves past its {@code '}'}.
   *
   * @param depth how many containers hold the envelope, itself included (1 for a single event)
   * @throws JsonScanner.MalformedJsonException on malformed JSON, a member given twice included (the
   *     caller answers {@code 400 malformed-json})
   */
  static Result read(JsonScanner s, int depth) throws JsonScanner.MalformedJsonException {
    String type = null, id = null, subject = null, key = null;
    Instant time = null;
    RawJson data = null;
    int seen = 0;
    Set<String> unknown = null; // a set: an envelope of 100,000 unknown members must stay linear
    List<FieldError> errors = null;
    s.expect('{');
    if (!s.consume('}')) {
      do {
        int at = s.position();
        String f = s.name();
        int bit = switch (f) {
          case "type" -> TYPE_SEEN;
          case "id" -> ID_SEEN;
          case "time" -> TIME_SEEN;
          case "subject" -> SUBJECT_SEEN;
          case "key" -> KEY_SEEN;
          case "data" -> DATA_SEEN;
          default -> 0;
        };
        if ((seen & bit) != 0 || bit == 0 && unknown != null && !unknown.add(f)) throw s.duplicate(f, at);
        seen |= bit;
        switch (f) {
          case "type" -> {
            type = string(s, depth);
            String why = type == null ? "must be a string" : checkType(type);
            if (why != null) errors = add(errors, new FieldError("/type", "type", why));
          }
          case "id" -> {
            id = string(s, depth);
            if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || hasControl(id) || hasLoneSurrogate(id)) {
              errors = add(errors, new FieldError("/id", "id", "must be a string of 1-" + MAX_ID_LENGTH + " printable characters"));
            }
          }
          case "time" -> {
            String t = string(s, depth);
            time = t == null ? null : parseTime(t);
            if (time == null) errors = add(errors, new FieldError("/time", "format", "must be an RFC 3339 date-time with offset"));
          }
          case "subject" -> {
            subject = string(s, depth);
            boolean half = subject != null && hasLoneSurrogate(subject);
            if (subject == null || subject.length() > MAX_SUBJECT_LENGTH || half) {
              errors = add(errors, new FieldError("/subject", "type", "must be a string of at most " + MAX_SUBJECT_LENGTH + " characters"
                  + (half ? HALF_PAIR : "")));
            }
          }
          case "key" -> {
            key = string(s, depth);
            boolean half = key != null && hasLoneSurrogate(key);
            if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || half) {
              errors = add(errors, new FieldError("/key", "type", "must be a string of 1-" + MAX_KEY_LENGTH + " characters"
                  + (half ? HALF_PAIR : "")));
            }
          }
          case "data" -> {
            s.peek();
            int from = s.position();
            s.value(depth);
            data = new RawJson(s.bytes(), from, s.position() - from);
          }
          default -> {
            s.value(depth);
            if (unknown == null) {
              unknown = new HashSet<>();
              unknown.add(f);
            }
            // every unknown member is still checked, but only the first few are listed
            if (unknown.size() <= MAX_LISTED_UNKNOWN) {
              errors = add(errors, new FieldError("/" + FieldError.escape(f), "additionalProperties",
                  "unknown member '" + abbreviate(f) + "'; " + ALLOWED));
            }
          }
        }
      } while (s.consume(','));
      s.expect('}');
    }
    if (unknown != null && unknown.size() > MAX_LISTED_UNKNOWN) {
      errors = add(errors, new FieldError("", "additionalProperties",
          (unknown.size() - MAX_LISTED_UNKNOWN) + " more unknown members; " + ALLOWED));
    }
    if ((seen & TYPE_SEEN) == 0) errors = add(errors, new FieldError("/type", "required", "type is required"));
    if (data == null) errors = add(errors, new FieldError("/data", "required", "data is required (JSON null is allowed)"));
    if (errors != null) return new Result(null, Rejection.invalidEnvelope(errors));
    return new Result(new EventInput(type, id, null, subject, time, key, null, null, id, null, data), null);
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

  /**
   * Whether {@code s} holds half a surrogate pair (only a {@code \\u} escape can say that; checked
   * UTF-8 cannot). Such a string cannot be written as UTF-8: the log would keep {@code ?} in its
   * place, and an id or key would no longer match the one the client retries with.
   */
  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) return true;
    }
    return false;
  }

  /** A name for a message: the first 100 characters of a long one. */
  private static String abbreviate(String name) {
    return name.length() <= 100 ? name : name.substring(0, 100) + "…";
  }

  /** A string member's value, or null (after checking and skipping it) if it is something else. */
  private static String string(JsonScanner s, int depth) throws JsonScanner.MalformedJsonException {
    if (s.peek() == '"') return s.string();
    s.value(depth);
    return null;
  }

  private static List<FieldError> add(List<FieldError> errors, FieldError e) {
    if (errors == null) errors = new ArrayList<>(2);
    errors.add(e);
    return errors;
  }
}
