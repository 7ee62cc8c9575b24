package dev.kyanite.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.server.config.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /v1/endpoints} or {@code PATCH /v1/endpoints/{id}} body. Every member is
 * optional here (PATCH); {@link #present} tells which were given, and an explicit {@code null}
 * clears a nullable member. Problems are collected as {@code {pointer, keyword, message}}.
 *
 * <p>Rules: {@code url} is absolute {@code http}/{@code https} with a host, no credentials and no
 * fragment; {@code event_types} are 1–100 globs; custom {@code headers} are tokens without CR/LF,
 * never hop-by-hop, framing or {@code webhook-*} names (the signature headers cannot be spoofed).
 */
final class EndpointRequest {
  static final Set<String> FIELDS = Set.of("url", "event_types", "description", "rate_limit", "max_in_flight", "timeout_ms",
      "retry_schedule", "enabled", "headers", "filter");
  private static final Set<String> RESERVED_HEADERS = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "content-type", "content-encoding", "user-agent", "expect");

  final Set<String> present = new java.util.HashSet<>();
  final List<Map<String, Object>> errors = new ArrayList<>();
  String url;
  List<String> eventTypes;
  String description;
  Double rateLimit;
  Integer maxInFlight;
  Integer timeoutMs;
  List<Duration> retrySchedule;
  Boolean enabled;
  Map<String, String> headers;
  String filter;

  static EndpointRequest parse(JsonNode body, boolean create) {
    EndpointRequest r = new EndpointRequest();
    if (body == null || !body.isObject()) {
      r.error("", "type", "the body must be a JSON object");
      return r;
    }
    ObjectNode o = (ObjectNode) body;
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) r.error("/" + f, "additionalProperties", "unknown member '" + f + "'");
      else r.present.add(f);
    }
    if (create) {
      if (!o.hasNonNull("url")) r.error("/url", "required", "url is required");
      if (!o.hasNonNull("event_types")) r.error("/event_types", "required", "event_types is required");
    }
    if (o.has("url")) r.url = r.url(o.get("url"));
    if (o.has("event_types")) r.eventTypes = r.types(o.get("event_types"));
    if (o.has("description")) r.description = r.string(o.get("description"), "/description", 1000, true);
    if (o.has("rate_limit")) r.rateLimit = r.positive(o.get("rate_limit"));
    if (o.has("max_in_flight")) r.maxInFlight = r.integer(o.get("max_in_flight"), "/max_in_flight", 1, 1000);
    if (o.has("timeout_ms")) r.timeoutMs = r.integer(o.get("timeout_ms"), "/timeout_ms", 100, 120_000);
    if (o.has("retry_schedule")) r.retrySchedule = r.schedule(o.get("retry_schedule"));
    if (o.has("enabled")) {
      if (o.get("enabled").isBoolean()) r.enabled = o.get("enabled").booleanValue();
      else r.error("/enabled", "type", "enabled must be true or false");
    }
    if (o.has("headers")) r.headers = r.headers(o.get("headers"));
    if (o.has("filter")) r.filter = r.string(o.get("filter"), "/filter", 4096, true);
    return r;
  }

  boolean valid() {
    return errors.isEmpty();
  }

  void error(String pointer, String keyword, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("pointer", pointer);
    e.put("keyword", keyword);
    e.put("message", message);
    errors.add(e);
  }

  private String url(JsonNode n) {
    if (!n.isTextual()) {
      error("/url", "type", "url must be a string");
      return null;
    }
    String s = n.textValue();
    if (s.length() > 2048) {
      error("/url", "maxLength", "url is longer than 2048 characters");
      return null;
    }
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) error("/url", "format", "url must use http or https");
      else if ((u.getHost() == null || u.getHost().isEmpty()) && u.getRawAuthority() != null) {
        error("/url", "format", "url host '" + u.getRawAuthority() + "' is not a valid host name or IP address");
      } else if (u.getHost() == null || u.getHost().isEmpty()) error("/url", "format", "url must have a host");
      else if (u.getPort() != -1 && (u.getPort() < 1 || u.getPort() > 65535)) {
        error("/url", "format", "url port must be from 1 to 65535");
      } else if (ambiguousIpv4(u.getHost())) {
        error("/url", "format", "url host '" + u.getHost() + "' reads as an IPv4 address in a non-standard form (octal, hex "
            + "or fewer than four parts), which clients resolve differently; write it as four decimal numbers");
      } else if (u.getRawUserInfo() != null) error("/url", "format", "url must not contain credentials");
      else if (u.getRawFragment() != null) error("/url", "format", "url must not contain a fragment");
      else return s;
    } catch (URISyntaxException e) {
      error("/url", "format", "url is not a valid URI: " + e.getReason());
    }
    return null;
  }

  /**
   * Whether a host is a number-like name other than a plain dotted quad: {@code 0177.0.0.1},
   * {@code 0x7f000001}, {@code 2130706433}, {@code 127.1}. Browsers and curl read such hosts as
   * IPv4 addresses (octal, hex, short forms) while Java reads some as other addresses or names, so
   * the address checked by the SSRF guard could differ from the one a user meant; refusing them
   * leaves no doubt. A host whose last label is a number is an IPv4 address by the URL standard.
   */
  static boolean ambiguousIpv4(String host) {
    if (host.startsWith("[")) return false; // IPv6 literal
    if (host.endsWith(".")) host = host.substring(0, host.length() - 1); // the URL standard drops one empty last label
    String[] labels = host.split("\\.", -1);
    if (!numeric(labels[labels.length - 1])) return false;
    if (labels.length != 4) return true;
    for (String l : labels) {
      if (l.isEmpty() || l.length() > 3 || !l.chars().allMatch(Character::isDigit)) return true;
      if (l.length() > 1 && l.charAt(0) == '0') return true;
      if (Integer.parseInt(l) > 255) return true;
    }
    return false;
  }

  private static boolean numeric(String label) {
    if (label.isEmpty()) return false;
    String l = label.toLowerCase(Locale.ROOT);
    if (l.startsWith("0x")) return l.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    return l.chars().allMatch(Character::isDigit);
  }

  private List<String> types(JsonNode n) {
    if (!n.isArray() || n.isEmpty() || n.size() > 100) {
      error("/event_types", "type", "event_types must be an array of 1 to 100 type globs");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode t = n.get(i);
      if (!t.isTextual() || !TypeGlob.valid(t.textValue())) {
        error("/event_types/" + i, "pattern", "a type glob has letters, digits, '.', '_', '-', ':', '/' and '*'");
      } else {
        out.add(t.textValue());
      }
    }
    return out;
  }

  private String string(JsonNode n, String pointer, int max, boolean nullable) {
    if (n.isNull() && nullable) return null;
    if (!n.isTextual() || n.textValue().length() > max) {
      error(pointer, "type", pointer.substring(1) + " must be a string of at most " + max + " characters");
      return null;
    }
    return n.textValue();
  }

  private Double positive(JsonNode n) {
    if (n.isNull()) return null;
    if (!n.isNumber() || !(n.doubleValue() > 0) || n.doubleValue() > 1e9) { // 1e400 reads as Infinity
      error("/rate_limit", "exclusiveMinimum", "rate_limit must be a number of requests per second > 0 (at most 1e9), or null");
      return null;
    }
    return n.doubleValue();
  }

  /** An integer in [min, max], or null for JSON null (the server's default). */
  private Integer integer(JsonNode n, String pointer, int min, int max) {
    if (n.isNull()) return null;
    if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
      error(pointer, "range", pointer.substring(1) + " must be an integer from " + min + " to " + max + ", or null");
      return null;
    }
    return n.intValue();
  }

  private List<Duration> schedule(JsonNode n) {
    if (n.isNull()) return null;
    if (!n.isArray() || n.size() > 30) {
      error("/retry_schedule", "type", "retry_schedule must be an array of at most 30 durations (\"5s\", \"5m\", \"2h\"), or null");
      return null;
    }
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      try {
        Duration d = Durations.parse(n.get(i).asText(""));
        if (d.compareTo(Duration.ofDays(7)) > 0) throw new IllegalArgumentException("a retry delay must be at most 7d");
        out.add(d);
      } catch (IllegalArgumentException e) {
        error("/retry_schedule/" + i, "format", e.getMessage());
      }
    }
    return out;
  }

  private Map<String, String> headers(JsonNode n) {
    if (n.isNull()) return Map.of();
    if (!n.isObject() || n.size() > 20) {
      error("/headers", "type", "headers must be an object of at most 20 string members");
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String pointer = "/headers/" + name.replace("~", "~0").replace("/", "~1");
      String lower = name.toLowerCase(Locale.ROOT);
      if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")) {
        error(pointer, "pattern", "header name '" + name + "' is not a valid HTTP token");
      } else if (RESERVED_HEADERS.contains(lower) || lower.startsWith("webhook-") || lower.startsWith("proxy-")) {
        error(pointer, "reserved", "header '" + name + "' is set by the server and cannot be overridden");
      } else if (!e.getValue().isTextual() || e.getValue().textValue().length() > 1000
          || e.getValue().textValue().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        error(pointer, "format", "header values are strings of at most 1000 characters without CR, LF or NUL");
      } else {
        out.put(name, e.getValue().textValue());
      }
    }
    return out;
  }
}
