package dev.kyanite.server;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.log.FileEventLog;
import dev.kyanite.log.FileLogOptions;
import dev.kyanite.log.FsyncPolicy;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/** Opens the configured {@link EventLog} backend and declares its configuration keys. */
final class EventLogs {
  enum Backend { FILE, MEMORY }

  static final ConfigKey<Backend> BACKEND = ConfigKey.oneOf("log.backend", Backend.class, Backend.FILE,
      "Event log backend: `file` (embedded segmented log under `<data-dir>/log`) or `memory` (tests; lost on exit).");
  static final ConfigKey<Integer> PARTITIONS = ConfigKey.integer("log.partitions", 4,
      "Partitions of the event log (fixed when the log is created).").check(n -> n >= 1 && n <= 1024, "1..1024");
  static final ConfigKey<FsyncPolicy> FSYNC = ConfigKey.oneOf("log.fsync", FsyncPolicy.class, FsyncPolicy.ALWAYS,
      "When appends are forced to disk before the `202`: `always` (group-committed fsync; ack says `fsync`), "
          + "`interval` (background fsync every `log.fsync-interval`; ack says `written`), `never` (OS decides).");
  static final ConfigKey<Duration> FSYNC_INTERVAL = ConfigKey.duration("log.fsync-interval", Duration.ofMillis(10),
      "Background fsync period under `log.fsync=interval`.").check(d -> !d.isZero() && !d.isNegative(), "> 0");
  static final ConfigKey<Long> SEGMENT_BYTES = ConfigKey.bytes("log.segment-bytes", 64L << 20,
      "A log segment rolls before it exceeds this size.").check(n -> n >= 1024 && n < Integer.MAX_VALUE, "1KiB..2GiB");
  static final ConfigKey<Duration> SEGMENT_AGE = ConfigKey.duration("log.segment-age", Duration.ofDays(1),
      "A log segment rolls once its first record is this old.").check(d -> !d.isZero() && !d.isNegative(), "> 0");
  static final ConfigKey<Duration> RETENTION = ConfigKey.duration("log.retention", Duration.ofDays(7),
      "Segments older than this that every consumer group has processed are deleted.");
  static final ConfigKey<Duration> RETENTION_CHECK = ConfigKey.duration("log.retention-check-interval", Duration.ofMinutes(1),
      "How often retention looks for deletable segments (0 = never in the background).");
  static final ConfigKey<Long> MAX_BYTES = ConfigKey.bytes("log.max-bytes", 0L,
      "Byte budget of the whole log; appends get `503` rather than grow past it, and `/readyz` is `503` while less than "
          + "a sixteenth of it (at most 64KiB) is left. 0 = only the disk limits.")
      .check(n -> n >= 0, ">= 0");
  static final ConfigKey<Boolean> DIRECT_IO = ConfigKey.bool("log.direct-io", true,
      "Under `log.fsync=always`, write the active segment with O_DIRECT (no page-cache copy; less than half the "
          + "log writer's CPU) where the file system allows it; `false` writes through the page cache.");

  private EventLogs() {}

  static List<ConfigKey<?>> keys() {
    return List.of(BACKEND, PARTITIONS, FSYNC, FSYNC_INTERVAL, SEGMENT_BYTES, SEGMENT_AGE, RETENTION, RETENTION_CHECK, MAX_BYTES, DIRECT_IO);
  }

  static EventLog open(Config config, Path dataDir, Clock clock, FsyncTimer fsyncTimer) {
    return switch (config.get(BACKEND)) {
      case MEMORY -> new MemoryEventLog(config.get(PARTITIONS));
      case FILE -> {
        Path dir = dataDir.resolve("log");
        DataDir.privateDirectory(dir); // every event's data
        yield FileEventLog.open(dir, options(config, clock).toBuilder().fsyncObserver(fsyncTimer).build());
      }
    };
  }

  /**
   * {@code kyanite_log_fsync_seconds}: a histogram of the forces that acks wait for, one sample per
   * group commit (not per request: the writer records it once per fsync, off the event loop). Its
   * tail is the floor of the ack latency's tail under {@code fsync=always}.
   *
   * <p>The log opens in parallel with the rest of start-up, before the meter registry exists (making
   * a registry takes ~200 ms, which would otherwise delay recovery), so the timer is bound later by
   * {@link #register}; only appends make the log report forces, and none come before that.
   */
  static final class FsyncTimer implements LongConsumer {
    /** Upper bounds of the histogram's buckets, 100 µs to 5 s. */
    private static final Duration[] BUCKETS = java.util.stream.LongStream.of(
        100, 250, 500, 1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000, 5_000_000)
        .mapToObj(micros -> Duration.ofNanos(micros * 1_000)).toArray(Duration[]::new);

    private volatile Timer timer;

    void register(MeterRegistry registry) {
      timer = Timer.builder("kyanite.log.fsync")
          .description("duration of each log force that acknowledgements wait for (one per group commit)")
          .serviceLevelObjectives(BUCKETS) // a dozen buckets, not Micrometer's ~70 percentile ones
          .register(registry);
    }

    @Override
    public void accept(long nanos) {
      Timer t = timer;
      if (t != null) t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  static FileLogOptions options(Config config, Clock clock) {
    long maxBytes = config.get(MAX_BYTES);
    return FileLogOptions.builder()
        .partitions(config.get(PARTITIONS))
        .fsync(config.get(FSYNC))
        .fsyncInterval(config.get(FSYNC_INTERVAL))
        .segmentBytes(config.get(SEGMENT_BYTES))
        .segmentAge(config.get(SEGMENT_AGE))
        .retentionAge(config.get(RETENTION))
        .retentionCheckInterval(config.get(RETENTION_CHECK))
        .maxBytes(maxBytes == 0 ? Long.MAX_VALUE : maxBytes)
        .directIo(config.get(DIRECT_IO))
        .clock(clock)
        .build();
  }
}
