package dev.kyanite.server.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.kyanite.core.event.Event;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint {@code filter}s: CEL conditions over {@code event} (the same variables as rule
 * conditions), evaluated after the rules on the event the rules produced, in addition to the
 * endpoint's type globs. Compiled once per distinct filter text and cached. Thread-safe.
 */
public final class EndpointFilters {
  private static final int MAX_CACHED = 10_000;

  private final Expressions expressions;
  private final RuleMetrics metrics;
  private final ConcurrentHashMap<String, Expressions.Compiled> cache = new ConcurrentHashMap<>();

  EndpointFilters(Expressions expressions, RuleMetrics metrics) {
    this.expressions = expressions;
    this.metrics = metrics;
  }

  /**
   * Checks a filter at endpoint registration.
   *
   * @throws InvalidRuleException with pointer {@code /filter} and the line and column of the error
   */
  public void validate(String filter) throws InvalidRuleException {
    compile(filter);
  }

  /**
   * Whether the event passes the filter. {@code null} or blank passes everything. A filter that
   * fails to evaluate (or no longer compiles) does not pass, and is counted.
   */
  public boolean matches(String filter, Event event) {
    if (filter == null || filter.isBlank()) return true;
    Expressions.Compiled c = cache.get(filter);
    if (c == null) {
      try {
        c = compile(filter);
      } catch (InvalidRuleException e) {
        metrics.conditionErrors.increment();
        return false;
      }
      if (cache.size() >= MAX_CACHED) cache.clear();
      cache.put(filter, c);
    }
    try {
      return Boolean.TRUE.equals(c.eval(new WorkingEvent(event).activation()));
    } catch (CelEvaluationException | RuntimeException e) {
      metrics.conditionErrors.increment();
      return false;
    }
  }

  private Expressions.Compiled compile(String filter) throws InvalidRuleException {
    try {
      return expressions.condition(filter);
    } catch (Expressions.ExpressionError e) {
      throw new InvalidRuleException(List.of(new RuleProblem("/filter", "cel", e.getMessage(), e.line, e.column)));
    }
  }
}
