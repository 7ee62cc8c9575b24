package dev.kyanite.core.event;

/**
 * What workers run on each event before delivery: rules (filter, transform, route) and custom
 * processors. Implementations are thread-safe, never throw for a bad event (evaluation errors are
 * defined outcomes), and may block briefly (workers call them off the event loop).
 */
@FunctionalInterface
public interface EventPipeline {

  PipelineResult apply(Event event);

  /**
   * Whether {@link #apply} would, at this moment, return every event unchanged and undropped, so
   * that a consumer with nowhere to send events may skip decoding them. A hint that can change at
   * any time (rules are added while workers run); {@code false} is always a safe answer.
   */
  default boolean passesAll() {
    return false;
  }

  /** Delivers every event unchanged to every matching endpoint. */
  static EventPipeline identity() {
    return new EventPipeline() {
      @Override
      public PipelineResult apply(Event event) {
        return PipelineResult.pass(event);
      }

      @Override
      public boolean passesAll() {
        return true;
      }
    };
  }
}
