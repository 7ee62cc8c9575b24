package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.server.delivery.TypeGlob;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns rule JSON into a {@link Rule}, reporting every problem with a JSON Pointer (and, for CEL,
 * the line and column inside the expression). The accepted document:
 *
 * <pre>
 * {"description":"…", "priority":0, "enabled":true,
 *  "match":{"types":["order.*"], "condition":"CEL"},
 *  "actions":["drop" | {"drop":true} | {"set":{"path":"data.x","value":"CEL"}}
 *            | {"remove":["data.x"]} | {"remove":{"paths":[…]}}
 *            | {"redact":["data.email"]} | {"redact":{"paths":[…],"mask":"[REDACTED]"}}
 *            | {"route":["ep_1","billing"]} | {"route":{"endpoints":[…]}}
 *            | {"process":"name"} | {"process":{"name":"name"}}]}
 * </pre>
 *
 * {@code name}, {@code version}, {@code created_at} and {@code updated_at} are accepted and ignored
 * (so a GET result can be PUT back). Thread-safe.
 */
final class RuleCompiler {
  /** The members of each action's object form. */
  private static final java.util.Map<String, Set<String>> ACTION_MEMBERS = java.util.Map.of(
      "set", Set.of("path", "value"), "remove", Set.of("paths"), "redact", Set.of("paths", "mask"),
      "route", Set.of("endpoints"), "process", Set.of("name"));
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final String DEFAULT_MASK = "[REDACTED]";
  static final int MAX_ITEMS = 64;
  private static final Set<String> TOP = Set.of("description", "priority", "enabled", "match", "actions",
      "name", "version", "created_at", "updated_at");
  private static final Set<String> IGNORED = Set.of("name", "version", "created_at", "updated_at");

  private final Expressions expressions;
  private final Predicate<String> processorExists;

  /** @param processorExists whether a processor of that name is loaded (unknown ones are refused) */
  RuleCompiler(Expressions expressions, Predicate<String> processorExists) {
    this.expressions = expressions;
    this.processorExists = processorExists;
  }

  Expressions expressions() {
    return expressions;
  }

  static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Compiles a rule. {@code asWritten} applies the checks that new rules get at the API (unknown
   * members in action objects, type-glob characters, description length, text masks for
   * {@code subject}); rules already stored are compiled without them, so that a rule accepted by
   * an earlier version is never disabled by an upgrade.
   */
  Rule compile(String name, int version, JsonNode json, boolean asWritten) throws InvalidRuleException {
    List<RuleProblem> problems = new ArrayList<>();
    if (!validName(name)) {
      problems.add(RuleProblem.of("/name", "pattern", "a rule name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));
    }
    if (json == null || !json.isObject()) {
      problems.add(RuleProblem.of("", "type", "a rule is a JSON object"));
      throw new InvalidRuleException(problems);
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP.contains(f)) problems.add(RuleProblem.of("/" + f, "unknown", "unknown field '" + f + "'"));
    }
    JsonNode n = json.get("name");
    if (n != null && !(n.isTextual() && n.textValue().equals(name))) {
      problems.add(RuleProblem.of("/name", "const", "name in the body must match the name in the path"));
    }
    int priority = 0;
    JsonNode p = json.get("priority");
    if (p != null && !p.isNull()) {
      if (p.isIntegralNumber() && p.canConvertToInt()) priority = p.intValue();
      else problems.add(RuleProblem.of("/priority", "type", "priority is an integer"));
    }
    boolean enabled = true;
    JsonNode en = json.get("enabled");
    if (en != null && !en.isNull()) {
      if (en.isBoolean()) enabled = en.booleanValue();
      else problems.add(RuleProblem.of("/enabled", "type", "enabled is a boolean"));
    }
    JsonNode d = json.get("description");
    if (d != null && !d.isNull() && (!d.isTextual() || (asWritten && d.textValue().length() > 1000))) {
      problems.add(RuleProblem.of("/description", "type", "description is a string of at most 1000 characters"));
    }

    List<Glob> types = new ArrayList<>();
    Expressions.Compiled condition = null;
    JsonNode match = json.get("match");
    if (match != null && !match.isNull()) {
      if (!match.isObject()) {
        problems.add(RuleProblem.of("/match", "type", "match is an object {types, condition}"));
      } else {
        for (Iterator<String> it = match.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!f.equals("types") && !f.equals("condition")) problems.add(RuleProblem.of("/match/" + f, "unknown", "unknown field '" + f + "'"));
        }
        List<String> globs = strings(match.get("types"), "/match/types", problems, false);
        for (int i = 0; i < globs.size(); i++) {
          if (!asWritten || TypeGlob.valid(globs.get(i))) types.add(new Glob(globs.get(i)));
          else problems.add(RuleProblem.of("/match/types/" + i, "pattern", "a type glob has 1-200 letters, digits, '.', '_', '-', ':', '/' and '*'"));
        }
        JsonNode c = match.get("condition");
        if (c != null && !c.isNull()) {
          if (!c.isTextual()) problems.add(RuleProblem.of("/match/condition", "type", "condition is a CEL expression string"));
          else condition = cel(c.textValue(), "/match/condition", true, problems);
        }
      }
    }

    List<Action> actions = new ArrayList<>();
    JsonNode as = json.get("actions");
    if (as == null || !as.isArray() || as.isEmpty()) {
      problems.add(RuleProblem.of("/actions", "required", "actions is a non-empty array"));
    } else if (as.size() > MAX_ITEMS) {
      problems.add(RuleProblem.of("/actions", "limit", "at most " + MAX_ITEMS + " actions"));
    } else {
      for (int i = 0; i < as.size(); i++) {
        Action a = action(as.get(i), "/actions/" + i, asWritten, problems);
        if (a != null) actions.add(a);
      }
    }
    if (!problems.isEmpty()) throw new InvalidRuleException(problems);

    ObjectNode definition = ((ObjectNode) json).deepCopy();
    for (String f : IGNORED) definition.remove(f);
    return new Rule(name, version, priority, enabled, List.copyOf(types), condition, List.copyOf(actions), definition);
  }

  private Action action(JsonNode a, String ptr, boolean asWritten, List<RuleProblem> problems) {
    if (a.isTextual() && a.textValue().equals("drop")) return new Action.Drop();
    if (!a.isObject() || a.size() != 1) {
      problems.add(RuleProblem.of(ptr, "type", "an action is \"drop\" or an object with exactly one of drop, set, remove, redact, route, process"));
      return null;
    }
    String kind = a.fieldNames().next();
    JsonNode v = a.get(kind);
    String at = ptr + "/" + kind;
    Set<String> members = ACTION_MEMBERS.get(kind);
    if (asWritten && members != null && v.isObject()) {
      // a misspelt member ("maks") would otherwise silently fall back to its default
      for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!members.contains(f)) problems.add(RuleProblem.of(at + "/" + f, "unknown", "unknown field '" + f + "' (" + kind + " takes " + String.join(", ", new java.util.TreeSet<>(members)) + ")"));
      }
    }
    switch (kind) {
      case "drop":
        if (v.isBoolean() && !v.booleanValue()) {
          problems.add(RuleProblem.of(at, "const", "drop is true (remove the action to not drop)"));
          return null;
        }
        return new Action.Drop();
      case "set": {
        if (!v.isObject() || !v.path("path").isTextual() || !v.path("value").isTextual()) {
          problems.add(RuleProblem.of(at, "type", "set is {\"path\": \"data.field\", \"value\": \"CEL expression\"}"));
          return null;
        }
        FieldPath path = path(v.get("path").textValue(), at + "/path", false, problems);
        Expressions.Compiled value = cel(v.get("value").textValue(), at + "/value", false, problems);
        return path == null || value == null ? null : new Action.SetField(path, value);
      }
      case "remove":
      case "redact": {
        JsonNode list = v.isObject() ? v.get("paths") : v;
        List<FieldPath> paths = new ArrayList<>();
        String listPtr = v.isObject() ? at + "/paths" : at;
        List<String> raw = strings(list, listPtr, problems, true);
        for (int i = 0; i < raw.size(); i++) {
          FieldPath fp = path(raw.get(i), listPtr + "/" + i, true, problems);
          if (fp != null) paths.add(fp);
        }
        if (paths.size() != raw.size() || raw.isEmpty()) return null;
        if (kind.equals("remove")) return new Action.Remove(List.copyOf(paths));
        JsonNode mask = v.isObject() && v.has("mask") ? v.get("mask") : JsonNodeFactory.instance.textNode(DEFAULT_MASK);
        if (!mask.isValueNode()) {
          problems.add(RuleProblem.of(at + "/mask", "type", "mask is a string, number, boolean or null"));
          return null;
        }
        if (asWritten && !mask.isTextual() && !mask.isNull() && paths.stream().anyMatch(fp -> fp.root().equals("subject"))) {
          problems.add(RuleProblem.of(at + "/mask", "type", "a mask for subject is a string (or null to remove it)"));
          return null;
        }
        return new Action.Redact(List.copyOf(paths), mask);
      }
      case "route": {
        JsonNode list = v.isObject() ? v.get("endpoints") : v;
        List<String> eps = strings(list, v.isObject() ? at + "/endpoints" : at, problems, true);
        return eps.isEmpty() ? null : new Action.Route(Set.copyOf(new LinkedHashSet<>(eps)));
      }
      case "process": {
        JsonNode nm = v.isObject() ? v.get("name") : v;
        if (nm == null || !nm.isTextual() || nm.textValue().isBlank()) {
          problems.add(RuleProblem.of(at, "type", "process is the processor name, or {\"name\": \"…\"}"));
          return null;
        }
        if (!processorExists.test(nm.textValue())) {
          problems.add(RuleProblem.of(at, "processor", "no processor named '" + nm.textValue() + "' is loaded"));
          return null;
        }
        return new Action.Process(nm.textValue());
      }
      default:
        problems.add(RuleProblem.of(ptr + "/" + kind, "unknown", "unknown action '" + kind + "' (drop, set, remove, redact, route, process)"));
        return null;
    }
  }

  private Expressions.Compiled cel(String src, String ptr, boolean condition, List<RuleProblem> problems) {
    try {
      return condition ? expressions.condition(src) : expressions.value(src);
    } catch (Expressions.ExpressionError e) {
      problems.add(new RuleProblem(ptr, "cel", e.getMessage(), e.line, e.column));
      return null;
    }
  }

  private static FieldPath path(String text, String ptr, boolean wildcards, List<RuleProblem> problems) {
    try {
      FieldPath fp = FieldPath.parse(text);
      if (!wildcards && fp.hasWildcard()) {
        problems.add(RuleProblem.of(ptr, "path", "'*' is allowed in remove and redact paths only"));
        return null;
      }
      return fp;
    } catch (IllegalArgumentException e) {
      problems.add(RuleProblem.of(ptr, "path", e.getMessage()));
      return null;
    }
  }

  private static List<String> strings(JsonNode list, String ptr, List<RuleProblem> problems, boolean required) {
    List<String> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      if (required) problems.add(RuleProblem.of(ptr, "required", "a non-empty array of strings"));
      return out;
    }
    if (!list.isArray() || (required && list.isEmpty())) {
      problems.add(RuleProblem.of(ptr, "type", "a" + (required ? " non-empty" : "n") + " array of strings"));
      return out;
    }
    if (list.size() > MAX_ITEMS) {
      problems.add(RuleProblem.of(ptr, "limit", "at most " + MAX_ITEMS + " items"));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode s = list.get(i);
      if (!s.isTextual() || s.textValue().isBlank()) problems.add(RuleProblem.of(ptr + "/" + i, "type", "a non-empty string"));
      else out.add(s.textValue());
    }
    return out;
  }
}
