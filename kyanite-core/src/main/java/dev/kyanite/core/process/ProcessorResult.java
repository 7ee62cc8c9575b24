package dev.kyanite.core.process;

import dev.kyanite.core.event.Event;
import java.util.Objects;

/**
 * What an {@link EventProcessor} decided for one event: continue with {@link #event()} (possibly
 * changed), or drop it (delivered nowhere, status {@code filtered}).
 *
 * @param event the event to continue with; {@code null} when dropped
 * @param dropReason a short human reason when dropped, otherwise {@code null}
 */
public record ProcessorResult(Event event, String dropReason) {

  public ProcessorResult {
    if ((event == null) == (dropReason == null)) {
      throw new IllegalArgumentException("exactly one of event and dropReason must be set");
    }
  }

  /** Continue with this event (the same instance when unchanged). */
  public static ProcessorResult keep(Event event) {
    return new ProcessorResult(Objects.requireNonNull(event, "event"), null);
  }

  /** Drop the event; {@code reason} is recorded for operators. */
  public static ProcessorResult drop(String reason) {
    return new ProcessorResult(null, reason == null || reason.isBlank() ? "dropped" : reason);
  }

  public boolean dropped() {
    return dropReason != null;
  }
}
