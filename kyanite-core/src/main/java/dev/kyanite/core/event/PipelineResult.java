package dev.kyanite.core.event;

import java.util.Map;
import java.util.Set;

/**
 * The outcome of an {@link EventPipeline} for one event.
 *
 * @param event the event to deliver (possibly transformed)
 * @param droppedBy name of the rule (or processor) that dropped it, or {@code null} if not dropped;
 *     a dropped event is delivered nowhere and its status is {@code filtered}
 * @param routeTo endpoint ids (or names) delivery is restricted to, or {@code null} for "every
 *     endpoint whose type globs and filter match"
 * @param appliedRules rule name → version of every rule whose actions fired, for the event's record
 */
public record PipelineResult(Event event, String droppedBy, Set<String> routeTo, Map<String, Integer> appliedRules) {

  public static PipelineResult pass(Event event) {
    return new PipelineResult(event, null, null, Map.of());
  }

  public boolean dropped() {
    return droppedBy != null;
  }
}
