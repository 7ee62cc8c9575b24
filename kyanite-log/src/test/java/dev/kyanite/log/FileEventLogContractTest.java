package dev.kyanite.log;

import dev.kyanite.core.log.Durability;
import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.EventLogContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The shared EventLog contract against the file log, with small segments so retention shows. */
class FileEventLogContractTest extends EventLogContract {
  @TempDir Path dir;

  @Override
  protected EventLog open(Setup setup) {
    return FileEventLog.open(dir, FileLogOptions.builder()
        .partitions(setup.partitions())
        .clock(setup.clock())
        .retentionAge(setup.retention())
        .segmentBytes(4096)
        .retentionCheckInterval(Duration.ZERO)
        .build());
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected Durability expectedDurability() {
    return Durability.FSYNC;
  }
}
