package dev.kyanite.server.admin;

import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /v1/keys} body: {@code {"name": "…", "scopes": ["events:write"], "rate_limit": 100}}.
 * Every problem is reported at once with a JSON Pointer.
 */
record KeyRequest(String name, Set<String> scopes, Double rateLimit) {
  static final int MAX_NAME = 100;

  /** The request was not acceptable; {@link #problem()} says why. */
  static final class Invalid extends Exception {
    private final transient Problem problem;

    Invalid(Problem problem) {
      super(problem.slug(), null, false, false);
      this.problem = problem;
    }

    Problem problem() {
      return problem;
    }
  }

  static KeyRequest parse(Buffer body) throws Invalid {
    Object v;
    try {
      v = body == null || body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new Invalid(Problems.malformedJson("the body is not valid JSON"));
    }
    if (!(v instanceof JsonObject o)) {
      throw new Invalid(Problems.invalidRequest("the body must be a JSON object", List.of(err("", "type", "must be an object"))));
    }
    List<Map<String, Object>> errors = new ArrayList<>();
    Object name = o.getValue("name");
    if (!(name instanceof String s) || s.isBlank() || s.length() > MAX_NAME) {
      errors.add(err("/name", name == null ? "required" : "type", "must be a non-empty string of at most " + MAX_NAME + " characters"));
    } else if (hasControl(s)) {
      // the name is logged and becomes its events' source: a line break in it could forge log lines
      errors.add(err("/name", "pattern", "must not contain control characters or line separators"));
    }
    Set<String> scopes = new LinkedHashSet<>();
    Object sc = o.getValue("scopes");
    if (!(sc instanceof JsonArray arr) || arr.isEmpty()) {
      errors.add(err("/scopes", sc == null ? "required" : "type", "must be a non-empty array of " + KeysFeature.scopeNames()));
    } else {
      for (int i = 0; i < arr.size(); i++) {
        Object s = arr.getValue(i);
        if (!(s instanceof String str) || Scope.parse(str).isEmpty()) {
          errors.add(err("/scopes/" + i, "enum", "must be one of " + KeysFeature.scopeNames()));
        } else {
          scopes.add(str);
        }
      }
    }
    Object rl = o.getValue("rate_limit");
    Double rate = null;
    if (rl != null) {
      if (!(rl instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > 1e9) {
        errors.add(err("/rate_limit", "exclusiveMinimum", "must be a number of requests per second > 0"));
      } else {
        rate = n.doubleValue();
      }
    }
    for (String field : o.fieldNames()) {
      if (!Set.of("name", "scopes", "rate_limit").contains(field)) {
        errors.add(err("/" + field, "additionalProperties", "unknown field"));
      }
    }
    if (!errors.isEmpty()) throw new Invalid(Problems.invalidRequest("the key request is invalid", errors));
    return new KeyRequest(((String) name).trim(), Set.copyOf(scopes), rate);
  }

  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') return true;
    }
    return false;
  }

  private static Map<String, Object> err(String pointer, String keyword, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pointer", pointer);
    m.put("keyword", keyword);
    m.put("message", message);
    return m;
  }
}
