package dev.kyanite.log;

/**
 * Counters since the log was opened, for metrics and benchmarks.
 *
 * @param appends append calls acknowledged
 * @param records records acknowledged
 * @param fsyncs forces of segment files (group commits, rolls, interval flushes)
 * @param diskBytes bytes of segment and index files now on disk
 */
public record FileLogStats(long appends, long records, long fsyncs, long diskBytes) {}
