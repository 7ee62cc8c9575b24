package dev.kyanite.server;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigKey;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the configured {@link EventLog} backend. */
final class EventLogs {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogs.class);

  enum Backend { FILE, MEMORY }

  static final ConfigKey<Backend> BACKEND = ConfigKey.oneOf("log.backend", Backend.class, Backend.FILE,
      "Event log backend: `file` (embedded segmented log under `<data-dir>/log`) or `memory` (tests; lost on exit).");
  static final ConfigKey<Integer> PARTITIONS = ConfigKey.integer("log.partitions", 4,
      "Partitions of the event log (fixed when the log is created).").check(n -> n >= 1 && n <= 1024, "1..1024");

  private EventLogs() {}

  static List<ConfigKey<?>> keys() {
    return List.of(BACKEND, PARTITIONS);
  }

  static EventLog open(Config config, Path dataDir) {
    return switch (config.get(BACKEND)) {
      case MEMORY -> new MemoryEventLog(config.get(PARTITIONS));
      case FILE -> memoryUntilFileEventLogLands(config);
    };
  }

  /** TODO(foundation): replace with FileEventLog.open(dataDir.resolve("log"), options) once kyanite-log is on main. */
  private static EventLog memoryUntilFileEventLogLands(Config config) {
    LOG.warn("log.backend=file is not available yet in this build; using the in-memory event log (NOT durable)");
    return new MemoryEventLog(config.get(PARTITIONS));
  }
}
