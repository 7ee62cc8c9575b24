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
 * @param appliedRules rule name → version of every rule whose actions fired, as dry runs report it
 *     ({@code applied_rules}; not recorded on the event)
 * @param deadLetter {@code null} normally; when a custom processor failed and the server is
 *     configured to dead-letter such events, why. Such a result is also {@link #dropped()} (so it
 *     is delivered nowhere); delivery should record it as failed rather than filtered.
 */
public record PipelineResult(
    Event event, String droppedBy, Set<String> routeTo, Map<String, Integer> appliedRules, String deadLetter) {

  /** A result without a dead-letter reason (the common case). */
  public PipelineResult(Event event, String droppedBy, Set<String> routeTo, Map<String, Integer> appliedRules) {
    this(event, droppedBy, routeTo, appliedRules, null);
  }

  public static PipelineResult pass(Event event) {
    return new PipelineResult(event, null, null, Map.of(), null);
  }

  public boolean dropped() {
    return droppedBy != null;
  }

  /** Whether a failing processor dead-lettered the event (see {@link #deadLetter()}). */
  public boolean deadLettered() {
    return deadLetter != null;
  }
}
