/**
 * The {@link dev.kyanite.core.log.EventLog} SPI: a partitioned, durable, replayable log. Backends
 * live in their own modules ({@code kyanite-log}, {@code kyanite-kafka}); {@link
 * dev.kyanite.core.log.MemoryEventLog} is for tests.
 */
package dev.kyanite.core.log;
