package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.PipelineResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable, ordered set of compiled rules and the pure function that runs them over an event.
 *
 * <h2>Semantics</h2>
 * <ol>
 *   <li>Enabled rules run in order of {@code priority} (lower first), then name.</li>
 *   <li>A rule matches when one of its type globs matches (no globs: every type) and its condition
 *       is true. A condition that fails to evaluate (missing field, wrong type, iteration budget)
 *       counts as false and is counted as an error.</li>
 *   <li>A matching rule's actions run in order over the event as changed by earlier actions and
 *       rules. An action whose expression fails, or whose path is blocked (e.g. setting a field
 *       inside a string), is skipped and counted.</li>
 *   <li>{@code drop} stops everything: the event is delivered nowhere. {@code route} restricts
 *       delivery to its endpoints; several routes intersect (possibly to nothing).</li>
 *   <li>Every matching rule is recorded as name → version in {@code appliedRules}.</li>
 * </ol>
 * Thread-safe: evaluation never mutates the rule set or the input event.
 */
final class RuleSet {
  static final RuleSet EMPTY = new RuleSet(List.of(), 0);
  private static final int MAX_CACHED_TYPES = 4096;

  private final List<Rule> all;
  private final Rule[] active;
  private final long revision;
  /** Event type → the active rules whose type globs match it (types repeat; globs need not be re-run). */
  private final ConcurrentHashMap<String, Rule[]> byType = new ConcurrentHashMap<>();

  RuleSet(Collection<Rule> rules, long revision) {
    List<Rule> sorted = new ArrayList<>(rules);
    sorted.sort(Comparator.comparingInt(Rule::priority).thenComparing(Rule::name));
    this.all = List.copyOf(sorted);
    this.active = sorted.stream().filter(Rule::enabled).toArray(Rule[]::new);
    this.revision = revision;
  }

  /** Every rule, disabled ones included, in evaluation order. */
  List<Rule> rules() {
    return all;
  }

  /** The store revision this set was built from. */
  long revision() {
    return revision;
  }

  boolean isEmpty() {
    return active.length == 0;
  }

  PipelineResult evaluate(Event event, ProcessorCalls processors, RuleMetrics metrics, Trace trace) {
    return run(forType(event.type()), true, event, processors, metrics, trace);
  }

  /** The active rules whose type globs match {@code type}, in evaluation order (cached per type). */
  private Rule[] forType(String type) {
    Rule[] rules = byType.get(type);
    if (rules == null) {
      List<Rule> matching = new ArrayList<>();
      for (Rule r : active) {
        if (r.matchesType(type)) matching.add(r);
      }
      rules = matching.toArray(Rule[]::new);
      // Bounded: a stream of ever-new types must not grow the cache without limit.
      if (byType.size() < MAX_CACHED_TYPES) byType.put(type, rules);
    }
    return rules;
  }

  /**
   * The event as readers may see it: the stored event with the {@code redact} and {@code remove}
   * actions applied that delivery would apply. Which rules match, and so which of those actions
   * run, is decided on the event as delivery transforms it (earlier {@code set}s, removals and
   * masks included, up to a drop), so a rule that matches only after another rule's {@code set}
   * still masks for readers. The {@code set}s themselves are not shown; custom processors are not
   * called (their changes are unknown here). Counts nothing.
   */
  Event redactForRead(Event event) {
    WorkingEvent live = new WorkingEvent(event);
    WorkingEvent shown = new WorkingEvent(event);
    RuleMetrics scratch = RuleMetrics.detached();
    for (Rule r : forType(event.type())) {
      if (!conditionHolds(r, live, scratch, null)) continue;
      List<Action> actions = r.actions();
      for (int i = 0; i < actions.size(); i++) {
        Action a = actions.get(i);
        if (a instanceof Action.Drop) return shown.event(); // delivered nowhere: nothing later applies
        if (a instanceof Action.SetField set) {
          applySet(r, i, set, live, scratch, null);
        } else if (a instanceof Action.Redact rd) {
          for (FieldPath p : rd.paths()) {
            live.redact(p, rd.mask());
            shown.redact(p, rd.mask());
          }
        } else if (a instanceof Action.Remove rm) {
          for (FieldPath p : rm.paths()) {
            live.remove(p);
            shown.remove(p);
          }
        }
      }
    }
    return shown.event();
  }

  /** Runs only {@code rule} (dry runs of a single rule, backtests). */
  static PipelineResult evaluateOne(Rule rule, Event event, ProcessorCalls processors, RuleMetrics metrics, Trace trace) {
    return run(new Rule[] {rule}, false, event, processors, metrics, trace);
  }

  /** @param typesChecked whether {@code rules} are already only those whose type globs match */
  private static PipelineResult run(Rule[] rules, boolean typesChecked, Event event, ProcessorCalls processors, RuleMetrics metrics, Trace trace) {
    metrics.evaluated.increment();
    WorkingEvent w = new WorkingEvent(event);
    Set<String> route = null;
    AppliedRules applied = null;
    for (Rule r : rules) {
      if ((!typesChecked && !r.matchesType(event.type())) || !conditionHolds(r, w, metrics, trace)) continue;
      metrics.matched.increment();
      if (applied == null) applied = new AppliedRules();
      applied.add(r);
      if (trace != null) trace.matched.add(r.name());
      List<Action> actions = r.actions();
      for (int i = 0; i < actions.size(); i++) {
        Action a = actions.get(i);
        if (a instanceof Action.Drop) {
          step(trace, r, i, a, "applied", null);
          metrics.dropped.increment();
          return new PipelineResult(w.event(), r.name(), frozen(route), applied, null);
        } else if (a instanceof Action.SetField s) {
          applySet(r, i, s, w, metrics, trace);
        } else if (a instanceof Action.Remove rm) {
          int n = 0;
          for (FieldPath p : rm.paths()) n += w.remove(p);
          step(trace, r, i, a, n > 0 ? "applied" : "skipped", n > 0 ? null : "no value at the paths");
        } else if (a instanceof Action.Redact rd) {
          int n = 0;
          for (FieldPath p : rd.paths()) n += w.redact(p, rd.mask());
          step(trace, r, i, a, n > 0 ? "applied" : "skipped", n > 0 ? null : "no value at the paths");
        } else if (a instanceof Action.Route rt) {
          if (route == null) route = new HashSet<>(rt.endpoints());
          else route.retainAll(rt.endpoints());
          step(trace, r, i, a, "applied", null);
        } else if (a instanceof Action.Process pr) {
          ProcessorCalls.Outcome o = processors.call(pr.name(), w.event());
          if (o.event() != null) {
            w.replace(o.event());
            step(trace, r, i, a, "applied", null);
          } else if (o.dropReason() != null) {
            step(trace, r, i, a, "applied", "dropped: " + o.dropReason());
            metrics.dropped.increment();
            return new PipelineResult(w.event(), r.name(), frozen(route), applied, null);
          } else {
            step(trace, r, i, a, "error", o.failure());
            if (processors.deadLetterOnFailure()) {
              metrics.deadLettered.increment();
              return new PipelineResult(w.event(), r.name(), frozen(route), applied,
                  "processor '" + pr.name() + "' failed: " + o.failure());
            }
          }
        }
      }
    }
    if (applied == null && route == null && w.event() == event) return PipelineResult.pass(event);
    return new PipelineResult(w.event(), null, frozen(route),
        applied == null ? Map.of() : applied, null);
  }

  /**
   * The route as the result's read-only view: it is built privately per evaluation and never changed
   * afterwards, so a view is enough (no copy per event). {@code appliedRules} is an
   * {@link AppliedRules} for the same reason.
   */
  private static Set<String> frozen(Set<String> route) {
    return route == null ? null : Collections.unmodifiableSet(route);
  }

  private static boolean conditionHolds(Rule r, WorkingEvent w, RuleMetrics metrics, Trace trace) {
    if (r.condition() == null) return true;
    try {
      Object v = r.condition().eval(w.activation());
      if (v instanceof Boolean b) return b;
      metrics.conditionErrors.increment();
      if (trace != null) trace.step(r.name(), -1, "condition", "error", "condition is not a boolean");
      return false;
    } catch (CelEvaluationException | RuntimeException e) {
      metrics.conditionErrors.increment();
      if (trace != null) trace.step(r.name(), -1, "condition", "error", e.getMessage());
      return false;
    }
  }

  private static void applySet(Rule r, int i, Action.SetField s, WorkingEvent w, RuleMetrics metrics, Trace trace) {
    JsonNode value;
    try {
      value = JsonCel.toJson(s.value().eval(w.activation()));
    } catch (CelEvaluationException | RuntimeException e) {
      metrics.actionErrors.increment();
      step(trace, r, i, s, "error", e.getMessage());
      return;
    }
    if (w.set(s.path(), value)) {
      step(trace, r, i, s, "applied", null);
    } else {
      metrics.actionErrors.increment();
      step(trace, r, i, s, "error", "cannot set '" + s.path() + "': a value on the way is not an object or array");
    }
  }

  private static void step(Trace trace, Rule r, int i, Action a, String outcome, String detail) {
    if (trace != null) trace.step(r.name(), i, a.kind(), outcome, detail);
  }
}
