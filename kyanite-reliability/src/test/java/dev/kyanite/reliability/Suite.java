package dev.kyanite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.log.FileEventLog;
import dev.kyanite.log.FileLogOptions;
import dev.kyanite.server.ChildServer;
import dev.kyanite.server.Features;
import dev.kyanite.server.KyaniteServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Suite-wide switches and helpers shared by the scenarios. */
final class Suite {
  /** The admin key every suite server accepts (given through the environment, never on a command line). */
  static final String ADMIN_KEY = "kya_reliability-admin-0123456789abcdefghijklmnop";
  /** Where every suite server's output goes, one file per scenario: {@link SecretsInLogsTest} scans them all. */
  static final Path LOG_DIR = Path.of("target", "reliability-logs").toAbsolutePath();
  private static final boolean DELIVERY = KyaniteServer.configKeys(Features.all()).stream()
      .anyMatch(k -> k.name().equals("delivery.allow-private-targets"));

  private Suite() {}

  /**
   * A scenario's server (not started): a {@link ChildServer} logging to {@link #LOG_DIR}/{@code name}.log,
   * accepting {@link #ADMIN_KEY}, with a short shutdown timeout and, when the build has delivery, private
   * webhook targets allowed and a short retry schedule without jitter so redeliveries fit in a test.
   */
  static ChildServer server(String name, Path dataDir) {
    ChildServer s = new ChildServer(name, dataDir, LOG_DIR).adminKey(ADMIN_KEY).set("shutdown.timeout", "2s");
    if (DELIVERY) {
      s.set("delivery.allow-private-targets", "true");
      s.set("delivery.retry-schedule", "200ms,500ms,1s,1s,2s,2s,5s,5s,5s,5s");
      s.set("delivery.retry-jitter", "0");
      s.set("delivery.overload-min-delay", "1s");
      s.set("delivery.breaker.cool-down", "500ms");
      s.set("delivery.breaker.max-cool-down", "2s");
    }
    return s;
  }

  /** Whether this build has webhook delivery (the endpoints API and its config keys). */
  static boolean deliveryAvailable() {
    return DELIVERY;
  }

  /** {@code -Dkyanite.long=true}: the deep form of every scenario. */
  static boolean isLong() {
    return Boolean.getBoolean("kyanite.long");
  }

  /** Short or long value. */
  static int pick(int shortForm, int longForm) {
    return isLong() ? longForm : shortForm;
  }

  /**
   * Reads the whole embedded log of a STOPPED server and counts records per {@code data.key}
   * (events without one are ignored): the ground truth for "no event appears twice".
   */
  static Map<String, Integer> copiesByDataKey(Path dataDir, int partitions) throws Exception {
    Map<String, Integer> perKey = new HashMap<>();
    try (FileEventLog log = FileEventLog.open(dataDir.resolve("log"), FileLogOptions.builder().partitions(partitions).build())) {
      for (int p = 0; p < log.partitions(); p++) {
        long pos = log.startPosition(p);
        while (pos < log.endPosition(p)) {
          List<LogRecord> rs = log.read(p, pos, 1_000, Duration.ZERO);
          if (rs.isEmpty()) break;
          for (LogRecord rec : rs) {
            JsonNode key = Api.JSON.readTree(rec.payload()).path("data").path("key");
            if (key.isTextual()) perKey.merge(key.asText(), 1, Integer::sum);
          }
          pos = rs.get(rs.size() - 1).position() + 1;
        }
      }
    }
    return perKey;
  }
}
