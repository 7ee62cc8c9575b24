package dev.kyanite.server.rules;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.List;

/**
 * CEL's value semantics for the subset {@link FastCel} evaluates: equality, numeric ordering and
 * arithmetic over the values {@link JsonCel} produces ({@code Long}, {@code Double}, {@code String},
 * {@code Boolean}, {@link NullValue}, lists). Every case whose CEL outcome is an error, or is not
 * obviously the same as here (mixed kinds, integers too large to compare exactly with a double,
 * NaN, overflow), answers {@link FastCel#BAIL} so the caller falls back to CEL itself.
 */
final class CelValues {
  private static final long EXACT = 1L << 53;

  private CelValues() {}

  /**
   * {@code a == b} for scalars: a Boolean, or BAIL. Scalars of different kinds are unequal (CEL's
   * heterogeneous equality: {@code null == 'x'} is false, not an error); numbers compare by value.
   */
  static Object eq(Object a, Object b) {
    if (!scalar(a) || !scalar(b)) return FastCel.BAIL;
    if (a instanceof String s) return b instanceof String t && s.equals(t);
    if (a instanceof Boolean x) return b instanceof Boolean y && x.booleanValue() == y.booleanValue();
    if (a instanceof NullValue) return b instanceof NullValue;
    if (!(b instanceof Long || b instanceof Double)) return Boolean.FALSE;
    int c = compare(a, b);
    return c == NO ? FastCel.BAIL : (Object) (c == 0);
  }

  private static boolean scalar(Object v) {
    return v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof NullValue;
  }

  static final int NO = Integer.MIN_VALUE;

  /** Numeric comparison (-1, 0, 1), or {@link #NO} when not two plain numbers or NaN is involved. */
  static int compare(Object a, Object b) {
    if (a instanceof Long x) {
      if (b instanceof Long y) return Long.compare(x, y);
      if (b instanceof Double y) return mixed(x, y);
      return NO;
    }
    if (a instanceof Double x) {
      if (b instanceof Double y) {
        double p = x, q = y;
        if (Double.isNaN(p) || Double.isNaN(q)) return NO;
        return p < q ? -1 : p > q ? 1 : 0;
      }
      if (b instanceof Long y) {
        int c = mixed(y, x);
        return c == NO ? NO : -c;
      }
    }
    return NO;
  }

  private static int mixed(long l, double d) {
    if (Double.isNaN(d) || l > EXACT || l < -EXACT) return NO;
    double p = l;
    return p < d ? -1 : p > d ? 1 : 0;
  }

  /** {@code a + b} for ints (exact), doubles, strings and lists, or BAIL. */
  static Object add(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      long r = x + y;
      return ((x ^ r) & (y ^ r)) < 0 ? FastCel.BAIL : (Object) r;
    }
    if (a instanceof Double x && b instanceof Double y) return x + y;
    if (a instanceof String x && b instanceof String y) return x.concat(y);
    if (a instanceof List<?> x && b instanceof List<?> y) {
      List<Object> out = new ArrayList<>(x.size() + y.size());
      out.addAll(x);
      out.addAll(y);
      return out;
    }
    return FastCel.BAIL;
  }

  /** {@code a - b} or {@code a * b} for ints (exact) and doubles, or BAIL. */
  static Object arith(boolean multiply, Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      try {
        return multiply ? Math.multiplyExact(x, y) : Math.subtractExact(x, y);
      } catch (ArithmeticException e) {
        return FastCel.BAIL;
      }
    }
    if (a instanceof Double x && b instanceof Double y) return multiply ? x * y : x - y;
    return FastCel.BAIL;
  }

  /** {@code size(x)}: code points of a string, elements of a list or map, or BAIL. */
  static Object size(Object v) {
    if (v instanceof String s) return (long) s.codePointCount(0, s.length());
    if (v instanceof List<?> l) return (long) l.size();
    if (v instanceof java.util.Map<?, ?> m) return (long) m.size();
    return FastCel.BAIL;
  }
}
