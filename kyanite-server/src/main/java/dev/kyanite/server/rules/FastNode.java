package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.FastCel.BAIL;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link FastCel} expression. {@link #eval} returns the CEL value, or {@link
 * FastCel#BAIL} when CEL itself must decide (an error in CEL, or a case not handled here). Every node
 * propagates BAIL from its operands, except where CEL short-circuits before reaching them.
 */
@FunctionalInterface
interface FastNode {
  Object eval(FastCel.Frame f);

  /** {@code m.field}: a present key of a map; anything else is an error in CEL. */
  record Select(FastNode operand, String field) implements FastNode {
    public Object eval(FastCel.Frame f) {
      if (!(operand.eval(f) instanceof Map<?, ?> m)) return BAIL;
      Object v = m.get(field);
      return v == null ? BAIL : v;
    }
  }

  /** {@code has(m.field)}: key presence on a map. */
  record Has(FastNode operand, String field) implements FastNode {
    public Object eval(FastCel.Frame f) {
      return operand.eval(f) instanceof Map<?, ?> m ? (Object) m.containsKey(field) : BAIL;
    }
  }

  /** {@code a && b} ({@code and}) or {@code a || b}, left to right with CEL's short circuit. */
  record Logic(boolean and, FastNode a, FastNode b) implements FastNode {
    public Object eval(FastCel.Frame f) {
      if (!(a.eval(f) instanceof Boolean x)) return BAIL;
      if (x != and) return x; // false && …, true || …
      Object y = b.eval(f);
      return y instanceof Boolean ? y : BAIL;
    }
  }

  record Not(FastNode a) implements FastNode {
    public Object eval(FastCel.Frame f) {
      return a.eval(f) instanceof Boolean x ? (Object) !x : BAIL;
    }
  }

  /** The loop condition of the comprehension macros: true unless the value is false (errors bail). */
  record NotStrictlyFalse(FastNode a) implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object x = a.eval(f);
      return x instanceof Boolean ? x : BAIL;
    }
  }

  record Cond(FastNode c, FastNode then, FastNode otherwise) implements FastNode {
    public Object eval(FastCel.Frame f) {
      if (!(c.eval(f) instanceof Boolean x)) return BAIL;
      return x ? then.eval(f) : otherwise.eval(f);
    }
  }

  record Eq(boolean negate, FastNode a, FastNode b) implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object x = a.eval(f);
      if (x == BAIL) return BAIL;
      Object y = b.eval(f);
      if (y == BAIL) return BAIL;
      Object r = CelValues.eq(x, y);
      return r == BAIL ? BAIL : (Object) (negate != (Boolean) r);
    }
  }

  /** Numeric ordering; other kinds (strings, timestamps, …) bail. */
  record Cmp(int op, FastNode a, FastNode b) implements FastNode {
    static final int LT = 0, LE = 1, GT = 2, GE = 3;

    public Object eval(FastCel.Frame f) {
      Object x = a.eval(f);
      if (x == BAIL) return BAIL;
      Object y = b.eval(f);
      if (y == BAIL) return BAIL;
      int c = CelValues.compare(x, y);
      if (c == CelValues.NO) return BAIL;
      return switch (op) {
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        default -> c >= 0;
      };
    }
  }

  record StringTest(int kind, FastNode target, FastNode arg) implements FastNode {
    static final int STARTS = 0, ENDS = 1, CONTAINS = 2;

    public Object eval(FastCel.Frame f) {
      if (!(target.eval(f) instanceof String s) || !(arg.eval(f) instanceof String t)) return BAIL;
      return switch (kind) {
        case STARTS -> s.startsWith(t);
        case ENDS -> s.endsWith(t);
        default -> s.contains(t);
      };
    }
  }

  record Size(FastNode a) implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object x = a.eval(f);
      return x == BAIL ? BAIL : CelValues.size(x);
    }
  }

  /** {@code x in list} (equality) or {@code key in map} (string keys). */
  record In(FastNode a, FastNode b) implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object x = a.eval(f);
      if (x == BAIL) return BAIL;
      Object c = b.eval(f);
      if (c instanceof List<?> l) {
        for (Object e : l) {
          Object r = CelValues.eq(x, e);
          if (r == BAIL) return BAIL;
          if ((Boolean) r) return Boolean.TRUE;
        }
        return Boolean.FALSE;
      }
      if (c instanceof Map<?, ?> m && x instanceof String) return m.containsKey(x);
      return BAIL;
    }
  }

  /** {@code list[int]} within bounds, {@code map[string]} for a present key. */
  record Index(FastNode a, FastNode b) implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object c = a.eval(f);
      if (c == BAIL) return BAIL;
      Object k = b.eval(f);
      if (c instanceof List<?> l && k instanceof Long i) {
        return i >= 0 && i < l.size() ? l.get((int) (long) i) : BAIL;
      }
      if (c instanceof Map<?, ?> m && k instanceof String) {
        Object v = m.get(k);
        return v == null ? BAIL : v;
      }
      return BAIL;
    }
  }

  record ListLit(FastNode[] items) implements FastNode {
    public Object eval(FastCel.Frame f) {
      List<Object> out = new ArrayList<>(items.length);
      for (FastNode n : items) {
        Object v = n.eval(f);
        if (v == BAIL) return BAIL;
        out.add(v);
      }
      return out;
    }
  }

  /**
   * A comprehension (what {@code all}, {@code exists}, {@code exists_one}, {@code map} and
   * {@code filter} expand to). Every element visited spends one unit of the evaluation's budget;
   * when it runs out, CEL decides (and fails with its iteration-limit error).
   */
  record Loop(FastNode range, FastNode init, int accu, int iter, FastNode cond, FastNode step, FastNode result)
      implements FastNode {
    public Object eval(FastCel.Frame f) {
      Object r = range.eval(f);
      Iterator<?> it;
      if (r instanceof List<?> l) it = l.iterator();
      else if (r instanceof Map<?, ?> m) it = m.keySet().iterator();
      else return BAIL;
      Object acc = init.eval(f);
      if (acc == BAIL) return BAIL;
      Object[] slots = f.slots;
      slots[accu] = acc;
      while (it.hasNext()) {
        if (--f.budget < 0) return BAIL;
        slots[iter] = it.next();
        Object go = cond.eval(f);
        if (!(go instanceof Boolean g)) return BAIL;
        if (!g) break;
        Object next = step.eval(f);
        if (next == BAIL) return BAIL;
        slots[accu] = next;
      }
      return result.eval(f);
    }
  }
}
