package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.event.PipelineResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link EventPipeline} the delivery workers call for every event: the current {@link RuleSet}
 * (rules and custom processors). The set is compiled once and swapped atomically, so a change is
 * seen by the next event on every worker thread and an evaluation always sees one consistent set.
 * Thread-safe; {@link #apply} never throws for a bad event.
 */
public final class RulesEngine implements EventPipeline {
  private final RuleCompiler compiler;
  private final ProcessorCalls processors;
  private final RuleMetrics metrics;
  private final AtomicReference<RuleSet> current = new AtomicReference<>(RuleSet.EMPTY);
  private final EndpointFilters filters;

  RulesEngine(RuleCompiler compiler, ProcessorCalls processors, RuleMetrics metrics) {
    this.compiler = compiler;
    this.processors = processors;
    this.metrics = metrics;
    this.filters = new EndpointFilters(compiler.expressions(), metrics);
  }

  /** Endpoint {@code filter} validation and evaluation (same CEL environment as rules). */
  public EndpointFilters filters() {
    return filters;
  }

  /** An engine with the default CEL limits and the given processors. */
  public static RulesEngine create(ProcessorRegistry processors, MeterRegistry registry) {
    return create(processors, registry, Expressions.DEFAULT_LIMITS);
  }

  static RulesEngine create(ProcessorRegistry processors, MeterRegistry registry, Expressions.Limits limits) {
    RuleMetrics metrics = new RuleMetrics(registry);
    processors.bind(metrics);
    return new RulesEngine(new RuleCompiler(new Expressions(limits), processors::exists), processors, metrics);
  }

  @Override
  public PipelineResult apply(Event event) {
    RuleSet set = current.get();
    if (set.isEmpty()) return PipelineResult.pass(event);
    try {
      return set.evaluate(event, processors, metrics, null);
    } catch (RuntimeException e) {
      // A bug here must not stop a partition: deliver the event as it came and count it.
      metrics.actionErrors.increment();
      return PipelineResult.pass(event);
    }
  }

  @Override
  public boolean passesAll() {
    return current.get().isEmpty();
  }

  /**
   * The event with the {@code redact} and {@code remove} actions of the matching rules applied, for
   * read APIs ({@code rules.redact-reads}). Never throws: on a bug it returns the event unchanged.
   */
  public Event redactForRead(Event event) {
    RuleSet set = current.get();
    if (set.isEmpty()) return event;
    try {
      return set.redactForRead(event);
    } catch (RuntimeException e) {
      return event;
    }
  }

  /** Compiles a rule without installing it, with the checks new rules get (the API, inline dry runs). */
  Rule compile(String name, int version, JsonNode json) throws InvalidRuleException {
    return compiler.compile(name, version, json, true);
  }

  /** Compiles a rule read from the store: without the checks added after it may have been written. */
  Rule compileStored(String name, int version, JsonNode json) throws InvalidRuleException {
    return compiler.compile(name, version, json, false);
  }

  RuleCompiler compiler() {
    return compiler;
  }

  ProcessorCalls processors() {
    return processors;
  }

  RuleMetrics metrics() {
    return metrics;
  }

  RuleSet current() {
    return current.get();
  }

  /** Installs a new set atomically: events evaluated after this call see it. */
  void install(Collection<Rule> rules, long revision) {
    current.set(new RuleSet(rules, revision));
  }
}
