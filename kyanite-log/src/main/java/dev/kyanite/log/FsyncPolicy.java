package dev.kyanite.log;

/** When the embedded log forces appended bytes to the device, and so what an ack promises. */
public enum FsyncPolicy {
  /**
   * Every gathered batch of appends is forced with one {@code fsync} before any of its futures
   * complete; acks report {@link dev.kyanite.core.log.Durability#FSYNC}. The default.
   */
  ALWAYS,
  /**
   * Appends are acknowledged once written to the OS (reporting {@link
   * dev.kyanite.core.log.Durability#WRITTEN}); a background force runs every {@link
   * FileLogOptions#fsyncInterval()}. A power cut may lose up to one interval of acked records.
   */
  INTERVAL,
  /**
   * Appends are acknowledged once written to the OS ({@code WRITTEN}); the log forces only when it
   * rolls a segment, moves its recovery point (every 16 MiB) and on close. Survives a process crash,
   * not a power cut.
   */
  NEVER
}
