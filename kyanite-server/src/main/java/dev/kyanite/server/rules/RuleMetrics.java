package dev.kyanite.server.rules;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Counters of the rules pipeline. All meters are created once here with fixed tags, so the per-event
 * path only increments (no tag maps, no registry lookups).
 */
final class RuleMetrics {
  final Counter evaluated;
  final Counter matched;
  final Counter dropped;
  final Counter conditionErrors;
  final Counter actionErrors;
  final Counter processorErrors;
  final Counter processorTimeouts;
  final Counter deadLettered;

  RuleMetrics(MeterRegistry registry) {
    evaluated = Counter.builder("kyanite.rules.events").description("Events run through the rules pipeline").register(registry);
    matched = Counter.builder("kyanite.rules.matched").description("Rule matches (one per rule per event)").register(registry);
    dropped = Counter.builder("kyanite.rules.dropped").description("Events dropped by a rule or processor").register(registry);
    conditionErrors = errors(registry, "condition");
    actionErrors = errors(registry, "action");
    processorErrors = Counter.builder("kyanite.rules.processor.failures").tag("reason", "error")
        .description("Custom processor calls that failed").register(registry);
    processorTimeouts = Counter.builder("kyanite.rules.processor.failures").tag("reason", "timeout")
        .description("Custom processor calls that failed").register(registry);
    deadLettered = Counter.builder("kyanite.rules.dead_lettered").description("Events dead-lettered after a processor failure").register(registry);
  }

  private static Counter errors(MeterRegistry registry, String stage) {
    return Counter.builder("kyanite.rules.evaluation.errors").tag("stage", stage)
        .description("CEL evaluation errors (condition treated as false, action skipped)").register(registry);
  }

  static RuleMetrics detached() {
    return new RuleMetrics(new SimpleMeterRegistry());
  }
}
