package dev.kyanite.core.log;

/** How durable an acknowledged append is; reported to clients in the ack as {@link #wireName()}. */
public enum Durability {
  /** Held in memory only (the in-memory test backend). Lost on process exit. */
  MEMORY("memory"),
  /** Written to the OS page cache; survives a process crash, not a power cut ({@code fsync=never}). */
  WRITTEN("written"),
  /** Forced to the device with fsync ({@code fsync=always}, the default). Survives power loss. */
  FSYNC("fsync"),
  /** Replicated to the in-sync replicas of a broker cluster ({@code acks=all}). */
  REPLICATED("replicated");

  private final String wireName;

  Durability(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in JSON and config. */
  public String wireName() {
    return wireName;
  }
}
