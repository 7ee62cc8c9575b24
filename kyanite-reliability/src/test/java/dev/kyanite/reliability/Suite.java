package dev.kyanite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.log.LogRecord;
import dev.kyanite.log.FileEventLog;
import dev.kyanite.log.FileLogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Suite-wide switches and helpers shared by the scenarios. */
final class Suite {
  private Suite() {}

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
