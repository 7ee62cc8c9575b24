package dev.kyanite.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hostile requests over every route: a fixed corpus (each case named for the defect it probes) and
 * random mutations of valid requests. {@code protocolLevel} cases break HTTP framing itself, so the
 * server may also just close the connection.
 */
final class HostileCorpus {
  record Case(String name, byte[] raw, boolean protocolLevel) {}

  private record Route(String method, String path, String contentType, String validBody) {}

  private final String key;
  private final List<Route> routes = List.of(
      new Route("POST", "/v1/events", "application/json", "{\"type\":\"fuzz.t\",\"data\":{\"a\":1,\"s\":\"x\"}}"),
      new Route("POST", "/v1/events/batch", "application/json", "{\"events\":[{\"type\":\"fuzz.t\",\"data\":{\"a\":1}}]}"),
      new Route("POST", "/v1/events/batch", "application/x-ndjson", "{\"type\":\"fuzz.t\",\"data\":{}}\n{\"type\":\"fuzz.u\",\"data\":{}}\n"),
      new Route("POST", "/v1/events", "application/cloudevents+json",
          "{\"specversion\":\"1.0\",\"id\":\"c1\",\"source\":\"/fuzz\",\"type\":\"fuzz.ce\",\"data\":{\"a\":1}}"),
      new Route("POST", "/v1/events", "application/cloudevents-batch+json",
          "[{\"specversion\":\"1.0\",\"id\":\"c2\",\"source\":\"/fuzz\",\"type\":\"fuzz.ce\",\"data\":{}}]"),
      new Route("PUT", "/v1/schemas/fuzz.t", "application/json",
          "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"maximum\":1e400}}}"),
      new Route("POST", "/v1/endpoints", "application/json",
          "{\"url\":\"http://127.0.0.1:9/hook\",\"event_types\":[\"fuzz.*\"],\"headers\":{\"X-A\":\"b\"},\"filter\":\"data.a > 0\"}"),
      new Route("PATCH", "/v1/endpoints/ep_x", "application/json", "{\"enabled\":false}"),
      new Route("PUT", "/v1/rules/fuzz", "application/json",
          "{\"match\":{\"types\":[\"fuzz.*\"],\"condition\":\"data.a == 1\"},\"actions\":[{\"drop\":true}]}"),
      new Route("POST", "/v1/rules/test", "application/json",
          "{\"rule\":{\"match\":{\"types\":[\"*\"],\"condition\":\"true\"},\"actions\":[]},\"event\":{\"type\":\"a\",\"data\":{}}}"),
      new Route("POST", "/v1/keys", "application/json", "{\"name\":\"fuzz\",\"scopes\":[\"events:read\"]}"),
      new Route("GET", "/v1/events/evt_x", null, null),
      new Route("GET", "/v1/deliveries?status=failed&limit=5", null, null),
      new Route("GET", "/v1/schemas/fuzz.t", null, null),
      new Route("DELETE", "/v1/keys/key_x", null, null));

  HostileCorpus(String key) {
    this.key = key;
  }

  /** The fixed corpus: one case per (defect class × route) where it applies. */
  List<Case> fixed() {
    List<Case> out = new ArrayList<>();
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("truncated object", b("{\"type\":\"x\",\"data\":{"));
    bodies.put("trailing garbage", b("{\"type\":\"x\",\"data\":{}} xyz"));
    bodies.put("bare scalar", b("nul"));
    bodies.put("empty", new byte[0]);
    bodies.put("double comma", b("{\"type\":\"x\",,\"data\":{}}"));
    bodies.put("deep array nesting", b("[".repeat(200_000) + "]".repeat(200_000)));
    bodies.put("deep object nesting", b("{\"type\":\"x\",\"data\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}"));
    bodies.put("huge exponent", b("{\"type\":\"x\",\"data\":{\"n\":1e999999999}}"));
    bodies.put("huge integer", b("{\"type\":\"x\",\"data\":{\"n\":" + "9".repeat(100_000) + "}}"));
    bodies.put("huge negative", b("{\"type\":\"x\",\"data\":{\"n\":-" + "9".repeat(5_000) + ".5e-99999}}"));
    bodies.put("NaN", b("{\"type\":\"x\",\"data\":{\"n\":NaN}}"));
    bodies.put("invalid utf8 in string", cat(b("{\"type\":\"x\",\"data\":{\"s\":\""), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}, b("\"}}")));
    bodies.put("overlong utf8", cat(b("{\"type\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF}, b("\",\"data\":{}}")));
    bodies.put("lone surrogate", cat(b("{\"type\":\"x\",\"data\":{\"s\":\""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, b("\"}}")));
    bodies.put("escaped lone surrogate", b("{\"type\":\"x\\ud800\",\"data\":{\"s\":\"\\udfff\"}}"));
    bodies.put("nul in type", b("{\"type\":\"x\\u0000y\",\"data\":{}}"));
    bodies.put("duplicate keys", b("{\"type\":\"a\",\"type\":\"b\",\"data\":{},\"data\":[]}"));
    bodies.put("wrong member types", b("{\"type\":[1],\"data\":\"s\",\"id\":{},\"time\":5,\"key\":true}"));
    bodies.put("many members", b("{\"type\":\"x\",\"data\":{" + manyMembers(100_000) + "}}"));
    bodies.put("long string", b("{\"type\":\"" + "t".repeat(200_000) + "\",\"data\":{}}"));
    bodies.put("oversized body", b("{\"type\":\"x\",\"data\":{\"s\":\"" + "a".repeat(3 << 20) + "\"}}"));
    bodies.put("utf16 bom", cat(new byte[] {(byte) 0xFE, (byte) 0xFF}, b("{\"type\":\"x\",\"data\":{}}")));
    bodies.put("batch of 100k empties", b("[" + "{},".repeat(100_000) + "{}]"));
    bodies.put("endpoint url header injection", b("{\"url\":\"http://127.0.0.1:9/a\\r\\nX-Injected: 1\",\"event_types\":[\"*\"]}"));
    bodies.put("endpoint header value injection", b("{\"url\":\"http://127.0.0.1:9/a\",\"event_types\":[\"*\"],"
        + "\"headers\":{\"X-A\":\"v\\r\\nInjected: 1\",\"Bad Name\":\"v\",\"webhook-signature\":\"v1,x\"}}"));
    bodies.put("endpoint odd schemes", b("{\"url\":\"file:///etc/passwd\",\"event_types\":[\"*\"]}"));
    bodies.put("endpoint broken url", b("{\"url\":\"http://[::1\",\"event_types\":[\"*\"]}"));
    bodies.put("endpoint credentials url", b("{\"url\":\"http://u:p@127.0.0.1:9/\",\"event_types\":[\"*\"]}"));
    bodies.put("cel nested comprehensions", b(celEndpoint(nestedAll(12))));
    bodies.put("cel huge expression", b(celEndpoint("1" + " + 1".repeat(50_000) + " > 0")));
    bodies.put("cel deep parentheses", b(celEndpoint("(".repeat(20_000) + "true" + ")".repeat(20_000))));
    bodies.put("cel string blowup", b(celEndpoint(stringBlowup(7))));
    bodies.put("rule cel nested comprehensions", b("{\"match\":{\"types\":[\"*\"],\"condition\":\"" + nestedAll(12) + "\"},\"actions\":[]}"));
    bodies.put("rule test cel blowup", b("{\"rule\":{\"match\":{\"types\":[\"*\"],\"condition\":\"" + stringBlowup(7)
        + "\"},\"actions\":[]},\"event\":{\"type\":\"a\",\"data\":{\"s\":\"abcdefgh\"}}}"));
    bodies.put("schema recursion", b("{\"$ref\":\"#\",\"properties\":{\"a\":{\"$ref\":\"#\"}}}"));
    bodies.put("schema remote ref", b("{\"$ref\":\"http://127.0.0.1:9/s.json\"}"));
    bodies.put("schema catastrophic regex", b("{\"type\":\"string\",\"pattern\":\"^(a+)+$\"}"));
    for (Route r : routes) {
      if (r.validBody == null) continue;
      for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
        out.add(new Case(r.method + " " + r.path + " [" + r.contentType + "] " + body.getKey(),
            RawHttp.request(r.method, r.path, headers(r.contentType), body.getValue()), false));
      }
      for (String ct : List.of("text/plain", "application/json; charset=ebcdic", "application/json; charset=utf-16",
          "multipart/form-data; boundary=", "application/x-www-form-urlencoded", "*/*", ";;;", "application/json\u0001")) {
        out.add(new Case(r.method + " " + r.path + " content-type " + ct, RawHttp.request(r.method, r.path, headers(ct), b(r.validBody)), false));
      }
      for (String enc : List.of("gzip", "br", "deflate", "identity, gzip", "x-bogus")) {
        Map<String, String> h = headers(r.contentType);
        h.put("Content-Encoding", enc);
        out.add(new Case(r.method + " " + r.path + " content-encoding " + enc, RawHttp.request(r.method, r.path, h, b(r.validBody)), false));
      }
    }
    for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "..%2f..%2fmetadata.db", "%00", "%2e%2e", "a%0d%0aX-Injected:%201",
        "x".repeat(3_000), "%ZZ", "evt_%F0%9F%92%A9", "..", "%C0%AF")) {
      for (String base : List.of("/v1/events/", "/v1/keys/", "/v1/schemas/", "/v1/endpoints/", "/v1/rules/", "/v1/deliveries/")) {
        out.add(new Case("GET " + base + id, RawHttp.request("GET", base + id, headers(null), null), true));
      }
      out.add(new Case("DELETE /v1/schemas/" + id, RawHttp.request("DELETE", "/v1/schemas/" + id, headers(null), null), true));
    }
    out.add(new Case("oversized header", RawHttp.request("GET", "/v1/keys", withHeader("X-Big", "a".repeat(64_000)), null), true));
    out.add(new Case("many headers", RawHttp.request("GET", "/v1/keys", manyHeaders(2_000), null), true));
    out.add(new Case("long request line", RawHttp.request("GET", "/v1/events/" + "a".repeat(20_000), headers(null), null), true));
    out.add(new Case("header without colon", raw("GET /healthz HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"), true));
    out.add(new Case("bare LF", raw("GET /healthz HTTP/1.1\nHost: x\n\n"), true));
    out.add(new Case("garbage line", raw("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"), true));
    out.add(new Case("unknown method", raw("BREW /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"), true));
    out.add(new Case("HTTP/0.9", raw("GET /\r\n"), true));
    out.add(new Case("HTTP/3.0", raw("GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n"), true));
    out.add(new Case("negative content-length", framed("Content-Length: -5\r\n", "{}"), true));
    out.add(new Case("two content-lengths", framed("Content-Length: 2\r\nContent-Length: 7\r\n", "{}"), true));
    out.add(new Case("huge content-length", framed("Content-Length: 99999999999999999999\r\n", "{}"), true));
    out.add(new Case("CL and TE", framed("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), true));
    out.add(new Case("bad chunk size", framed("Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n"), true));
    out.add(new Case("huge chunk size", framed("Transfer-Encoding: chunked\r\n", "fffffffffffffff\r\n{}\r\n"), true));
    out.add(new Case("unknown transfer-encoding", framed("Transfer-Encoding: gzip, chunked, x\r\n", "0\r\n\r\n"), true));
    out.add(new Case("expect 100 with big length", framed("Expect: 100-continue\r\nContent-Length: 100000000\r\n", ""), true));
    out.add(new Case("bad auth scheme", RawHttp.request("GET", "/v1/keys", Map.of("Authorization", "Basic Zm9vOmJhcg=="), null), false));
    out.add(new Case("auth with CTL chars", RawHttp.request("GET", "/v1/keys", Map.of("Authorization", "Bearer \u0001\u007f\u00ff"), null), true));
    out.add(new Case("huge bearer", RawHttp.request("GET", "/v1/keys", Map.of("Authorization", "Bearer " + "k".repeat(7_000)), null), true));
    out.add(new Case("idempotency key with CTL", RawHttp.request("POST", "/v1/events", Map.of("Authorization", "Bearer " + key,
        "Content-Type", "application/json", "Idempotency-Key", "a\u0001b\u00e9"), b("{\"type\":\"x\",\"data\":{}}")), true));
    out.add(new Case("cloudevents binary junk headers", RawHttp.request("POST", "/v1/events", Map.of("Authorization", "Bearer " + key,
        "Content-Type", "application/octet-stream", "ce-specversion", "9.9", "ce-id", "", "ce-source", "%%%", "ce-type", "\u00ff"),
        new byte[] {0, 1, 2, (byte) 0xFF}), true));
    return out;
  }

  /** A valid request of a random route, mutated: byte flips, cuts, insertions, header swaps. */
  Case mutated(Random rnd) {
    Route r = routes.get(rnd.nextInt(routes.size()));
    byte[] body = r.validBody == null ? null : b(r.validBody);
    String what;
    int kind = rnd.nextInt(6);
    if (body != null && kind == 0) {
      body = body.clone();
      for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) body[rnd.nextInt(body.length)] = (byte) rnd.nextInt(256);
      what = "byte flips";
    } else if (body != null && kind == 1) {
      body = java.util.Arrays.copyOf(body, rnd.nextInt(body.length));
      what = "cut";
    } else if (body != null && kind == 2) {
      String s = r.validBody;
      int at = rnd.nextInt(s.length());
      String[] inserts = {"{", "[", "\"", ",", "\\", "\\u", "1e309", "null", "-", "}", "]", ":", "\u0000", "\uffff", "true,"};
      body = b(s.substring(0, at) + inserts[rnd.nextInt(inserts.length)] + s.substring(at));
      what = "insertion";
    } else if (kind == 3) {
      Map<String, String> h = headers(r.contentType);
      String[] cts = {"application/json", "application/x-ndjson", "application/cloudevents+json", "text/plain", "", "a/b; c=d"};
      h.put("Content-Type", cts[rnd.nextInt(cts.length)]);
      return new Case("random content-type on " + r.method + " " + r.path, RawHttp.request(r.method, r.path, h, body), false);
    } else if (kind == 4) {
      byte[] junk = new byte[rnd.nextInt(2_000)];
      rnd.nextBytes(junk);
      return new Case("random bytes to " + r.method + " " + r.path, RawHttp.request(r.method, r.path, headers(r.contentType), junk), false);
    } else {
      StringBuilder p = new StringBuilder(r.path);
      String[] bits = {"/", "%", "%2F", "..", "?", "&", "=", "#", "%00", "~", "*", "x"};
      for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) p.append(bits[rnd.nextInt(bits.length)]);
      return new Case("random path " + p, RawHttp.request(r.method, p.toString(), headers(r.contentType), body), true);
    }
    return new Case(what + " on " + r.method + " " + r.path, RawHttp.request(r.method, r.path, headers(r.contentType), body), false);
  }

  private Map<String, String> headers(String contentType) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + key);
    if (contentType != null) h.put("Content-Type", contentType);
    return h;
  }

  private Map<String, String> withHeader(String name, String value) {
    Map<String, String> h = headers(null);
    h.put(name, value);
    return h;
  }

  private Map<String, String> manyHeaders(int n) {
    Map<String, String> h = headers(null);
    for (int i = 0; i < n; i++) h.put("X-H" + i, "v");
    return h;
  }

  private byte[] framed(String framing, String body) {
    return raw("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
        + framing + "Connection: close\r\n\r\n" + body);
  }

  private static String celEndpoint(String expr) {
    return "{\"url\":\"http://127.0.0.1:9/a\",\"event_types\":[\"*\"],\"filter\":\"" + expr.replace("\"", "\\\"") + "\"}";
  }

  /** [1..10].all(a, [1..10].all(b, ...)): 10^depth steps if nothing bounds it. */
  private static String nestedAll(int depth) {
    String list = "[1,2,3,4,5,6,7,8,9,10]";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) sb.append(list).append(".all(v").append(i).append(", ");
    sb.append("true");
    sb.append(")".repeat(depth));
    return sb.toString();
  }

  /** Lists of lists built by nested map(): 10^depth strings if nothing bounds evaluation. */
  private static String stringBlowup(int depth) {
    String list = "[1,2,3,4,5,6,7,8,9,10]";
    StringBuilder sb = new StringBuilder("size(");
    for (int i = 0; i < depth; i++) sb.append(list).append(".map(m").append(i).append(", ");
    sb.append("'abcdefghijklmnopqrstuvwxyz'");
    sb.append(")".repeat(depth)).append(") > 0");
    return sb.toString();
  }

  private static String manyMembers(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    return sb.toString();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] raw(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] cat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
