package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The event while rules run over it: copy-on-write by path, so an event that no action changes is
 * never copied, and an action copies only the containers on the way to what it changes (the rest of
 * the tree is shared with the caller's event, which is never mutated). Only containers this object
 * copied or created ({@link #owned}) are ever mutated. Not thread-safe (one per evaluation).
 */
final class WorkingEvent {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Event current;
  /** Containers copied or created here, by identity: the only nodes edits may change in place. */
  private final List<JsonNode> owned = new ArrayList<>(8);
  private EventMap activation;

  WorkingEvent(Event event) {
    this.current = event;
  }

  Event event() {
    return current;
  }

  void replace(Event e) {
    current = e;
    owned.clear();
    activation = null;
  }

  /** The CEL variable {@code event}: a lazily computed map (see {@link EventMap}) of the current event. */
  EventMap activation() {
    if (activation == null) activation = new EventMap(current);
    return activation;
  }

  /** Sets the value at {@code path}, creating missing objects on the way. False if the path is blocked. */
  boolean set(FieldPath path, JsonNode value) {
    switch (path.root()) {
      case "subject" -> {
        if (!value.isTextual() && !value.isNull()) return false;
        Event e = current;
        current = new Event(e.id(), e.type(), e.source(), value.isNull() ? null : value.textValue(), e.time(),
            e.receivedAt(), e.key(), e.data(), e.extensions(), e.idempotencyKey(), e.bodyHash());
        activation = null;
        return true;
      }
      case "data" -> {
        if (path.segments().isEmpty()) {
          setData(value);
          return true;
        }
        JsonNode root = ownData();
        if (!root.isContainerNode()) {
          if (!root.isNull()) return false;
          root = NODES.objectNode();
          setData(root);
          owned.add(root);
        }
        activation = null;
        return setIn(root, path.segments(), value);
      }
      default -> {
        activation = null;
        return setIn(ownExt(), path.segments(), value);
      }
    }
  }

  /** Removes what {@code path} selects; returns how many values were removed. */
  int remove(FieldPath path) {
    return edit(path, null);
  }

  /** Replaces what {@code path} selects (only where present) by {@code mask}; returns the count. */
  int redact(FieldPath path, JsonNode mask) {
    return edit(path, mask);
  }

  private int edit(FieldPath path, JsonNode mask) {
    switch (path.root()) {
      case "subject" -> {
        if (current.subject() == null) return 0;
        set(path, mask == null ? NullNode.getInstance() : mask);
        return 1;
      }
      case "data" -> {
        if (path.segments().isEmpty()) {
          if (current.data().isNull()) return 0;
          setData(mask == null ? NullNode.getInstance() : mask);
          return 1;
        }
        if (!current.data().isContainerNode() || !matchesAny(current.data(), path.segments(), 0)) return 0;
        activation = null;
        return editIn(ownData(), path.segments(), 0, mask, !path.hasWildcard());
      }
      default -> {
        if (current.extensions() == null || path.segments().isEmpty()
            || !matchesAny(current.extensions(), path.segments(), 0)) {
          return 0;
        }
        activation = null;
        return editIn(ownExt(), path.segments(), 0, mask, !path.hasWildcard());
      }
    }
  }

  /** The data root, copied (shallowly) first unless already owned; a scalar root is returned as is. */
  private JsonNode ownData() {
    JsonNode d = current.data();
    if (d.isContainerNode() && !isOwned(d)) {
      d = shallowCopy(d);
      current = current.withData(d);
    }
    return d;
  }

  /** Replaces the data root by a value not owned here (a later edit copies it first). */
  private void setData(JsonNode d) {
    current = current.withData(d);
    activation = null;
  }

  private ObjectNode ownExt() {
    Event e = current;
    if (e.extensions() != null && isOwned(e.extensions())) return e.extensions();
    ObjectNode ext = e.extensions() == null ? NODES.objectNode() : (ObjectNode) shallowCopy(e.extensions());
    if (e.extensions() == null) owned.add(ext);
    current = new Event(e.id(), e.type(), e.source(), e.subject(), e.time(), e.receivedAt(), e.key(), e.data(),
        ext, e.idempotencyKey(), e.bodyHash());
    return ext;
  }

  private boolean isOwned(JsonNode n) {
    for (int i = 0, size = owned.size(); i < size; i++) {
      if (owned.get(i) == n) return true;
    }
    return false;
  }

  /** A new container with the same children (shared), owned from now on. */
  private JsonNode shallowCopy(JsonNode n) {
    JsonNode copy;
    if (n instanceof ObjectNode o) {
      // Sized for its children: the default table would resize while copying a dozen fields.
      ObjectNode c = new ObjectNode(NODES, new LinkedHashMap<>(Math.max(16, (int) (o.size() / 0.75f) + 1)));
      c.setAll(o);
      copy = c;
    } else {
      ArrayNode c = NODES.arrayNode(n.size());
      c.addAll((ArrayNode) n);
      copy = c;
    }
    owned.add(copy);
    return copy;
  }

  /** {@code child} (found under {@code key} of the owned {@code parent}) made owned: copied and put back if needed. */
  private JsonNode own(JsonNode parent, String key, JsonNode child) {
    if (!child.isContainerNode() || isOwned(child)) return child;
    JsonNode copy = shallowCopy(child);
    if (parent instanceof ObjectNode o) o.set(key, copy);
    else ((ArrayNode) parent).set(index(key), copy);
    return copy;
  }

  private boolean setIn(JsonNode container, List<String> segs, JsonNode value) {
    JsonNode node = container;
    for (int i = 0; i < segs.size(); i++) {
      String seg = segs.get(i);
      boolean last = i == segs.size() - 1;
      if (node instanceof ObjectNode o) {
        if (last) {
          o.set(seg, value);
          return true;
        }
        JsonNode next = o.get(seg);
        if (next == null || next.isNull()) {
          next = o.putObject(seg);
          owned.add(next);
        } else {
          next = own(o, seg, next);
        }
        node = next;
      } else if (node instanceof ArrayNode a) {
        int idx = seg.equals("-") ? a.size() : index(seg);
        if (idx < 0 || idx > a.size() || (idx == a.size() && !last)) return false;
        if (last) {
          if (idx == a.size()) a.add(value);
          else a.set(idx, value);
          return true;
        }
        node = own(a, seg, a.get(idx));
      } else {
        return false;
      }
    }
    return false;
  }

  /** Whether anything exists at the path (avoids copying data for a no-op remove/redact). */
  private static boolean matchesAny(JsonNode node, List<String> segs, int i) {
    if (i == segs.size()) return true;
    String seg = segs.get(i);
    if (seg.equals("*")) {
      for (JsonNode child : node) {
        if (matchesAny(child, segs, i + 1)) return true;
      }
      return false;
    }
    JsonNode child = child(node, seg);
    return child != null && matchesAny(child, segs, i + 1);
  }

  /**
   * Edits under the owned {@code node}; descends only where something matches, copying on the way.
   * {@code verified}: the path has no wildcard and was found whole, so descents need no re-check.
   */
  private int editIn(JsonNode node, List<String> segs, int i, JsonNode mask, boolean verified) {
    String seg = segs.get(i);
    boolean last = i == segs.size() - 1;
    if (seg.equals("*")) {
      int n = 0;
      if (last) {
        if (node instanceof ObjectNode o) {
          n = o.size();
          if (mask == null) {
            o.removeAll();
          } else {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String f : names) o.set(f, mask.deepCopy());
          }
        } else if (node instanceof ArrayNode a) {
          n = a.size();
          if (mask == null) a.removeAll();
          else for (int k = 0; k < a.size(); k++) a.set(k, mask.deepCopy());
        }
        return n;
      }
      if (node instanceof ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        for (String f : names) {
          JsonNode child = o.get(f);
          if (matchesAny(child, segs, i + 1)) n += editIn(own(o, f, child), segs, i + 1, mask, false);
        }
      } else if (node instanceof ArrayNode a) {
        for (int k = 0; k < a.size(); k++) {
          JsonNode child = a.get(k);
          if (matchesAny(child, segs, i + 1)) n += editIn(own(a, Integer.toString(k), child), segs, i + 1, mask, false);
        }
      }
      return n;
    }
    JsonNode child = child(node, seg);
    if (child == null) return 0;
    if (!last) {
      return verified || matchesAny(child, segs, i + 1) ? editIn(own(node, seg, child), segs, i + 1, mask, verified) : 0;
    }
    if (node instanceof ObjectNode o) {
      if (mask == null) o.remove(seg);
      else o.set(seg, mask.deepCopy());
    } else if (node instanceof ArrayNode a) {
      int idx = index(seg);
      if (mask == null) a.remove(idx);
      else a.set(idx, mask.deepCopy());
    }
    return 1;
  }

  private static JsonNode child(JsonNode node, String seg) {
    if (node instanceof ObjectNode o) return o.get(seg);
    if (node instanceof ArrayNode a) {
      int idx = index(seg);
      return idx >= 0 && idx < a.size() ? a.get(idx) : null;
    }
    return null;
  }

  private static int index(String seg) {
    if (seg.isEmpty() || seg.length() > 9) return -1;
    for (int i = 0; i < seg.length(); i++) {
      if (!Character.isDigit(seg.charAt(i))) return -1;
    }
    return Integer.parseInt(seg);
  }
}
