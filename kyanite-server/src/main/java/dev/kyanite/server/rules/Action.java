package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** One compiled step of a rule's ordered {@code actions}. Immutable. */
sealed interface Action {

  /** The action's name in the rule JSON and in dry-run traces. */
  String kind();

  /** Stop processing: the event is delivered nowhere (status {@code filtered}). */
  record Drop() implements Action {
    public String kind() {
      return "drop";
    }
  }

  /** Write the value of a CEL expression at a path (creating missing objects). */
  record SetField(FieldPath path, Expressions.Compiled value) implements Action {
    public String kind() {
      return "set";
    }
  }

  /** Delete the values at these paths (absent paths are no-ops). */
  record Remove(List<FieldPath> paths) implements Action {
    public String kind() {
      return "remove";
    }
  }

  /** Replace the values present at these paths by a fixed mask (for PII). */
  record Redact(List<FieldPath> paths, JsonNode mask) implements Action {
    public String kind() {
      return "redact";
    }
  }

  /** Restrict delivery to these endpoints (ids or names); several routes intersect. */
  record Route(Set<String> endpoints) implements Action {
    public String kind() {
      return "route";
    }
  }

  /** Hand the event to the custom processor of this name. */
  record Process(String name) implements Action {
    public String kind() {
      return "process";
    }
  }
}
