package dev.kyanite.server.rules;

import dev.kyanite.core.event.Event;

/** How rules reach custom processors; the registry implements it with isolation (timeout, errors). */
interface ProcessorCalls {
  ProcessorCalls NONE = new ProcessorCalls() {
    @Override
    public boolean exists(String name) {
      return false;
    }

    @Override
    public Outcome call(String name, Event event) {
      return Outcome.failed("no processor named '" + name + "' is loaded");
    }
  };

  boolean exists(String name);

  /** Whether an event whose processor failed is dead-lettered (else it goes on unchanged). */
  default boolean deadLetterOnFailure() {
    return false;
  }

  /** Runs the processor; never throws, never waits longer than the configured timeout. */
  Outcome call(String name, Event event);

  /** Exactly one of the three is set. */
  record Outcome(Event event, String dropReason, String failure) {
    static Outcome kept(Event e) {
      return new Outcome(e, null, null);
    }

    static Outcome dropped(String reason) {
      return new Outcome(null, reason, null);
    }

    static Outcome failed(String why) {
      return new Outcome(null, null, why);
    }
  }
}
