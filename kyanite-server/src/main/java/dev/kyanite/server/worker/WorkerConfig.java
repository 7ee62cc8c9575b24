package dev.kyanite.server.worker;

import java.time.Duration;

/**
 * Tunables of the log consumers ({@code worker.*} config keys).
 *
 * @param group the consumer group name ({@code deliveries})
 * @param readBatch records read from the log per call
 * @param pollWait how long a read waits for new records
 * @param maxInFlightPerPartition events read but not yet settled, per partition (pipelining
 *     window; bounds memory)
 * @param commitInterval how often each partition commits its position
 */
public record WorkerConfig(String group, int readBatch, Duration pollWait, int maxInFlightPerPartition, Duration commitInterval) {

  public static WorkerConfig defaults() {
    return new WorkerConfig("deliveries", 1_000, Duration.ofMillis(100), 20_000, Duration.ofSeconds(1));
  }

  public WorkerConfig withCommitInterval(Duration interval) {
    return new WorkerConfig(group, readBatch, pollWait, maxInFlightPerPartition, interval);
  }
}
