package dev.kyanite.server.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A direct evaluator for the common subset of CEL that rules use (field selection on {@code event},
 * {@code has()}, literals, {@code == != < <= > >=}, {@code && || !}, {@code ?:}, {@code + - *},
 * {@code in}, indexing, {@code size}, {@code startsWith/endsWith/contains} and the comprehension
 * macros), about ten times cheaper than CEL-Java's interpreter, which copies the activation and
 * dispatches overloads per call.
 *
 * <p>It never decides anything CEL might decide differently: an expression with any other construct
 * gets no fast form ({@link #compile} returns {@code null}), and at run time every case that is an
 * error in CEL, or whose semantics are subtle (mixed kinds, missing keys, overflow, NaN, an
 * exhausted iteration budget), returns {@link #BAIL}; the caller then evaluates the expression
 * with CEL, which gives the defined result or error. Evaluation has no side effects, so a bail is
 * always safe. Thread-safe (state lives in a per-call {@link Frame}).
 */
final class FastCel {
  /** "Not decided here: ask CEL." */
  static final Object BAIL = new Object();

  private final FastNode root;
  private final int slots;
  private final int maxIterations;

  private FastCel(FastNode root, int slots, int maxIterations) {
    this.root = root;
    this.slots = slots;
    this.maxIterations = maxIterations;
  }

  /** The fast form of a checked expression, or {@code null} when it uses anything unsupported. */
  static FastCel compile(CelAbstractSyntaxTree ast, int maxIterations) {
    if (!ast.isChecked()) return null;
    Compiler c = new Compiler(ast);
    try {
      FastNode n = c.node(ast.getExpr());
      return new FastCel(n, c.maxSlots, maxIterations);
    } catch (Unsupported e) {
      return null;
    }
  }

  /** The value of the expression for {@code event}, or {@link #BAIL}. */
  Object eval(EventMap event) {
    return root.eval(new Frame(event, slots == 0 ? null : new Object[slots], maxIterations));
  }

  /** Per-evaluation state: the event, comprehension variables, the remaining iteration budget. */
  static final class Frame {
    final EventMap event;
    final Object[] slots;
    int budget;

    Frame(EventMap event, Object[] slots, int budget) {
      this.event = event;
      this.slots = slots;
      this.budget = budget;
    }
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  /** Translates the checked AST; throws {@link Unsupported} for anything outside the subset. */
  private static final class Compiler {
    private final CelAbstractSyntaxTree ast;
    private final List<String> scope = new ArrayList<>();
    int maxSlots;

    Compiler(CelAbstractSyntaxTree ast) {
      this.ast = ast;
    }

    FastNode node(CelExpr e) {
      switch (e.getKind()) {
        case CONSTANT:
          return constant(e.constant());
        case IDENT: {
          String name = e.ident().name();
          int slot = scope.lastIndexOf(name);
          if (slot >= 0) return f -> f.slots[slot];
          if (name.equals("event")) return f -> f.event;
          throw new Unsupported();
        }
        case SELECT: {
          // A select the checker resolved to a qualified name (e.g. a container-scoped variable) is not ours.
          if (ast.getReference(e.id()).isPresent()) throw new Unsupported();
          FastNode operand = node(e.select().operand());
          String field = e.select().field();
          return e.select().testOnly() ? new FastNode.Has(operand, field) : new FastNode.Select(operand, field);
        }
        case LIST: {
          if (!e.list().optionalIndices().isEmpty()) throw new Unsupported();
          List<FastNode> items = new ArrayList<>();
          for (CelExpr x : e.list().elements()) items.add(node(x));
          return new FastNode.ListLit(items.toArray(FastNode[]::new));
        }
        case CALL:
          return call(e.call());
        case COMPREHENSION:
          return comprehension(e.comprehension());
        default:
          throw new Unsupported();
      }
    }

    private FastNode call(CelExpr.CelCall c) {
      String fn = c.function();
      List<CelExpr> args = c.args();
      if (c.target().isPresent()) {
        if (args.size() == 0 && fn.equals("size")) return new FastNode.Size(node(c.target().get()));
        if (args.size() != 1) throw new Unsupported();
        int kind = switch (fn) {
          case "startsWith" -> FastNode.StringTest.STARTS;
          case "endsWith" -> FastNode.StringTest.ENDS;
          case "contains" -> FastNode.StringTest.CONTAINS;
          default -> throw new Unsupported();
        };
        return new FastNode.StringTest(kind, node(c.target().get()), node(args.get(0)));
      }
      if (args.size() == 1) {
        FastNode a = node(args.get(0));
        return switch (fn) {
          case "!_" -> new FastNode.Not(a);
          case "size" -> new FastNode.Size(a);
          case "@not_strictly_false", "__not_strictly_false__" -> new FastNode.NotStrictlyFalse(a);
          default -> throw new Unsupported();
        };
      }
      if (args.size() == 3 && fn.equals("_?_:_")) {
        return new FastNode.Cond(node(args.get(0)), node(args.get(1)), node(args.get(2)));
      }
      if (args.size() != 2) throw new Unsupported();
      FastNode a = node(args.get(0));
      FastNode b = node(args.get(1));
      return switch (fn) {
        case "_&&_" -> new FastNode.Logic(true, a, b);
        case "_||_" -> new FastNode.Logic(false, a, b);
        case "_==_" -> new FastNode.Eq(false, a, b);
        case "_!=_" -> new FastNode.Eq(true, a, b);
        case "_<_" -> new FastNode.Cmp(FastNode.Cmp.LT, a, b);
        case "_<=_" -> new FastNode.Cmp(FastNode.Cmp.LE, a, b);
        case "_>_" -> new FastNode.Cmp(FastNode.Cmp.GT, a, b);
        case "_>=_" -> new FastNode.Cmp(FastNode.Cmp.GE, a, b);
        case "_+_" -> f -> {
          Object x = a.eval(f);
          if (x == BAIL) return BAIL;
          Object y = b.eval(f);
          return y == BAIL ? BAIL : CelValues.add(x, y);
        };
        case "_-_", "_*_" -> {
          boolean mul = fn.equals("_*_");
          yield f -> {
            Object x = a.eval(f);
            if (x == BAIL) return BAIL;
            Object y = b.eval(f);
            return y == BAIL ? BAIL : CelValues.arith(mul, x, y);
          };
        }
        case "@in", "_in_" -> new FastNode.In(a, b);
        case "_[_]" -> new FastNode.Index(a, b);
        default -> throw new Unsupported();
      };
    }

    private FastNode comprehension(CelExpr.CelComprehension c) {
      if (!c.iterVar2().isEmpty()) throw new Unsupported();
      FastNode range = node(c.iterRange());
      FastNode init = node(c.accuInit());
      int accu = push(c.accuVar());
      int iter = push(c.iterVar());
      FastNode cond = node(c.loopCondition());
      FastNode step = node(c.loopStep());
      scope.remove(scope.size() - 1); // the result sees the accumulator, not the iteration variable
      FastNode result = node(c.result());
      scope.remove(scope.size() - 1);
      return new FastNode.Loop(range, init, accu, iter, cond, step, result);
    }

    private int push(String name) {
      scope.add(name);
      maxSlots = Math.max(maxSlots, scope.size());
      return scope.size() - 1;
    }

    private static FastNode constant(CelConstant k) {
      Object v = switch (k.getKind()) {
        case NULL_VALUE -> NullValue.NULL_VALUE;
        case BOOLEAN_VALUE -> k.booleanValue();
        case INT64_VALUE -> k.int64Value();
        case DOUBLE_VALUE -> k.doubleValue();
        case STRING_VALUE -> k.stringValue();
        default -> throw new Unsupported();
      };
      return f -> v;
    }
  }
}
