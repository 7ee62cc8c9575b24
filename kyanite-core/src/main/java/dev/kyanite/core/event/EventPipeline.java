package dev.kyanite.core.event;

/**
 * What workers run on each event before delivery: rules (filter, transform, route) and custom
 * processors. Implementations are thread-safe, never throw for a bad event (evaluation errors are
 * defined outcomes), and may block briefly (workers call them off the event loop).
 */
@FunctionalInterface
public interface EventPipeline {

  PipelineResult apply(Event event);

  /** Delivers every event unchanged to every matching endpoint. */
  static EventPipeline identity() {
    return PipelineResult::pass;
  }
}
