package dev.kyanite.server.auth;

import java.util.Collection;
import java.util.Optional;

/** The scopes an API key can hold. {@link #ADMIN} implies every other scope. */
public enum Scope {
  EVENTS_WRITE("events:write"),
  EVENTS_READ("events:read"),
  ADMIN("admin");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  /** The spelling used in the API and the store, e.g. {@code events:write}. */
  public String wire() {
    return wire;
  }

  public static Optional<Scope> parse(String s) {
    for (Scope v : values()) {
      if (v.wire.equals(s)) return Optional.of(v);
    }
    return Optional.empty();
  }

  /** Bit mask of the granted scopes, with admin expanded to all (cheap per-request checks). */
  static int mask(Collection<String> scopes) {
    int m = 0;
    for (String s : scopes) {
      Scope sc = parse(s).orElse(null);
      if (sc == ADMIN) return (1 << values().length) - 1;
      if (sc != null) m |= 1 << sc.ordinal();
    }
    return m;
  }

  int bit() {
    return 1 << ordinal();
  }
}
