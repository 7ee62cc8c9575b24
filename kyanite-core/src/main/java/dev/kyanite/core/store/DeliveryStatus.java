package dev.kyanite.core.store;

import java.util.Locale;

/** Where one (event, endpoint) delivery stands. */
public enum DeliveryStatus {
  /** Not attempted yet; waits in the store for the scheduler (spilled from a busy endpoint). */
  PENDING,
  /** Attempted and failed; the next attempt is scheduled at {@code nextAttemptAt}. */
  RETRYING,
  /** A {@code 2xx} was received. */
  DELIVERED,
  /** Gave up: last attempt failed, endpoint gone or deleted (the dead letter state). */
  FAILED,
  /**
   * Not sent, by design: a rule dropped the event or routed it to other endpoints, or the
   * endpoint's own {@code filter} was false; {@code lastError} says which. Never attempted, never
   * scheduled, and recorded only for a pair that has no record yet (see {@link DeliveryStore}).
   */
  FILTERED;

  /** Lower-case name used in JSON and SQL. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** Whether the scheduler still owes an attempt. */
  public boolean scheduled() {
    return this == PENDING || this == RETRYING;
  }
}
