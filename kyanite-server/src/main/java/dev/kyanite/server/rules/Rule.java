package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A compiled rule: what the pipeline evaluates. Immutable and thread-safe.
 *
 * @param name unique name (the key in the rules API)
 * @param version 1 for a new rule, incremented by every replacement
 * @param priority lower runs first; ties are broken by name
 * @param enabled disabled rules are stored but never evaluated
 * @param types type globs of which one must match; empty matches every type
 * @param condition compiled CEL condition, or {@code null} for "always"
 * @param actions the ordered actions
 * @param definition the rule JSON as stored (without name and version)
 */
record Rule(
    String name,
    int version,
    int priority,
    boolean enabled,
    List<Glob> types,
    Expressions.Compiled condition,
    List<Action> actions,
    ObjectNode definition) {

  boolean matchesType(String type) {
    if (types.isEmpty()) return true;
    for (Glob g : types) {
      if (g.matches(type)) return true;
    }
    return false;
  }
}
