package dev.kyanite.core.log;

/**
 * A record read back from the log.
 *
 * @param partition its partition
 * @param position its position in the partition
 * @param timestampMillis when the log accepted it (wall clock, milliseconds since the epoch)
 * @param payload the bytes given to append; callers must not modify the array
 */
public record LogRecord(int partition, long position, long timestampMillis, byte[] payload) {}
