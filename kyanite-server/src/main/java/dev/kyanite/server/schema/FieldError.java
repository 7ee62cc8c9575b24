package dev.kyanite.server.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One precise reason a request or event was refused: an RFC 6901 JSON Pointer into what the client
 * sent ({@code ""} for the whole document), the keyword that failed ({@code required}, {@code type},
 * {@code additionalProperties}, {@code format}…) and a human message.
 */
public record FieldError(String pointer, String keyword, String message) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("pointer", pointer);
    m.put("keyword", keyword);
    m.put("message", message);
    return m;
  }

  public static List<Map<String, Object>> toMaps(List<FieldError> errors) {
    return errors.stream().map(FieldError::toMap).toList();
  }

  /** Escapes a property name for use as a JSON Pointer segment (RFC 6901). */
  public static String escape(String segment) {
    if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) return segment;
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
