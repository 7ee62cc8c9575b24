package dev.kyanite.server.rules;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The {@code appliedRules} of a result: rule name → version, in the order the rules matched. A
 * read-only map over the matched {@link Rule}s themselves (a few per event), so recording a match
 * costs an array slot instead of a hash-map entry. Filled by {@link RuleSet} during one evaluation
 * ({@link #add}), never changed once handed out.
 */
final class AppliedRules extends AbstractMap<String, Integer> {
  private Rule[] rules = new Rule[4];
  private int size;

  void add(Rule r) {
    if (size == rules.length) rules = Arrays.copyOf(rules, size * 2);
    rules[size++] = r;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Integer get(Object key) {
    for (int i = 0; i < size; i++) {
      if (rules[i].name().equals(key)) return rules[i].version();
    }
    return null;
  }

  @Override
  public Set<Entry<String, Integer>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, Integer>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < size;
          }

          @Override
          public Entry<String, Integer> next() {
            if (i >= size) throw new NoSuchElementException();
            Rule r = rules[i++];
            return new SimpleImmutableEntry<>(r.name(), r.version());
          }
        };
      }
    };
  }
}
