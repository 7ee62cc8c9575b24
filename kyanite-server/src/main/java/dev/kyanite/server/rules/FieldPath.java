package dev.kyanite.server.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A location in an event that actions write to: {@code data} and below, {@code subject}, or
 * {@code extensions} and below. Written either as a JSON Pointer ({@code /data/customer/email},
 * with {@code ~0}/{@code ~1} escapes) or dotted ({@code data.customer.email}). A numeric segment
 * indexes an array; {@code *} (in remove and redact) matches every element or field.
 *
 * @param root {@code data}, {@code subject} or {@code extensions}
 * @param segments the segments below the root (empty for the root itself)
 * @param text the path as written, for messages
 */
record FieldPath(String root, List<String> segments, String text) {
  static final int MAX_DEPTH = 32;

  static FieldPath parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("path must be a non-empty string");
    List<String> parts = new ArrayList<>();
    if (text.startsWith("/")) {
      for (String raw : text.substring(1).split("/", -1)) parts.add(raw.replace("~1", "/").replace("~0", "~"));
    } else {
      for (String raw : text.split("\\.", -1)) parts.add(raw);
    }
    for (String p : parts) {
      if (p.isEmpty()) throw new IllegalArgumentException("path '" + text + "' has an empty segment");
    }
    String root = parts.get(0);
    if (root.equals("ext")) root = "extensions";
    if (!root.equals("data") && !root.equals("subject") && !root.equals("extensions")) {
      throw new IllegalArgumentException("path '" + text + "' must start with data, subject or extensions");
    }
    if (root.equals("subject") && parts.size() > 1) {
      throw new IllegalArgumentException("path '" + text + "': subject is a string and has no fields");
    }
    if (parts.size() - 1 > MAX_DEPTH) throw new IllegalArgumentException("path '" + text + "' is deeper than " + MAX_DEPTH);
    return new FieldPath(root, List.copyOf(parts.subList(1, parts.size())), text);
  }

  boolean hasWildcard() {
    return segments.contains("*");
  }

  @Override
  public String toString() {
    return text;
  }
}
