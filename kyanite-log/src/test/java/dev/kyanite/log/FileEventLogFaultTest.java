package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.LogException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injected write and fsync failures: typed errors, cut-back files, no trace in the log. */
class FileEventLogFaultTest {
  private static final int PAYLOAD = 300;
  private static final int FRAME = BatchFormat.HEADER + 4 + PAYLOAD;

  @TempDir Path dir;
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  /** Page-cache writes, which a filling disk can cut anywhere; FileEventLogDirectIoTest has the O_DIRECT ones. */
  private final FileLogOptions options = FileLogOptions.builder().partitions(1).retentionCheckInterval(Duration.ZERO)
      .directIo(false).build();

  private static byte[] record(int i) {
    byte[] b = new byte[PAYLOAD];
    for (int j = 0; j < b.length; j++) b[j] = (byte) (i + j);
    return b;
  }

  private static LogException failure(ExecutionException e) {
    return (LogException) e.getCause();
  }

  private void assertExactly(FileEventLog log, List<byte[]> acked) {
    assertThat(log.endPosition(0)).isEqualTo(acked.size());
    for (int i = 0; i < acked.size(); i++) {
      assertThat(log.read(0, i, 1, Duration.ZERO).get(0).payload()).isEqualTo(acked.get(i));
    }
  }

  @Test
  void noSpaceMidWriteFailsFullAndLeavesNoPartialFrame() throws Exception {
    List<byte[]> acked = new ArrayList<>();
    Path segment = dir.resolve("partition-0").resolve(String.format("%020d.log", 0));
    try (FileEventLog log = FileEventLog.open(dir, options, FaultyChannel.opener(faults))) {
      for (int i = 0; i < 5; i++) {
        log.append(0, record(i)).get();
        acked.add(record(i));
      }
      faults.writeAllowance = FRAME + FRAME / 2; // one more frame fits, the next one only half
      log.append(0, record(5)).get();
      acked.add(record(5));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> log.append(0, record(6)).get());
      assertThat(failure(e).reason()).isEqualTo(LogException.Reason.FULL);
      // the half-written frame was cut back; the writer may already have pre-zeroed a new tail
      // behind the last frame (the cut-back gave the space back), which is the clean end, not a frame
      byte[] file = Files.readAllBytes(segment);
      assertThat(file.length).as("the acked frames are all there").isGreaterThanOrEqualTo(FRAME * acked.size());
      for (int i = FRAME * acked.size(); i < file.length; i++) {
        if (file[i] != 0) org.junit.jupiter.api.Assertions.fail("byte " + i + " after the last acked frame is not zero: a partial frame remains");
      }
      // (check() probes the real filesystem, which has room here; the tmpfs test covers it going down)
      assertExactly(log, acked);

      faults.writeAllowance = Long.MAX_VALUE; // space returns
      assertThat(log.append(0, record(6)).get().firstPosition()).isEqualTo(6);
      acked.add(record(6));
      assertThat(log.check().ok()).isTrue();
    }
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.recoveryReport().repaired()).as("nothing to repair").isFalse();
      assertExactly(log, acked);
    }
  }

  @Test
  void failedFsyncFailsItsAppendsWhichNeverBecomeVisible() throws Exception {
    List<byte[]> acked = new ArrayList<>();
    try (FileEventLog log = FileEventLog.open(dir, options, FaultyChannel.opener(faults))) {
      for (int i = 0; i < 3; i++) {
        log.append(0, record(i)).get();
        acked.add(record(i));
      }
      faults.failingForces = 1;
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> log.append(0, record(100)).get());
      assertThat(failure(e).reason()).isEqualTo(LogException.Reason.IO);
      assertExactly(log, acked);
      // the next append takes the position the failed one never got
      assertThat(log.append(0, record(3)).get().firstPosition()).isEqualTo(3);
      acked.add(record(3));
      assertThat(log.check().ok()).isTrue();
    }
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      assertThat(log.recoveryReport().repaired()).isFalse();
      assertExactly(log, acked);
    }
  }
}
