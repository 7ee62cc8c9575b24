package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.log.LogRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a child JVM appending under concurrency, many times over the same directory:
 * after each restart every acknowledged record is present at its position with intact content, in
 * per-appender order, and no record exists that was never appended. 10 rounds by default, 50 with
 * {@code -Dkyanite.long=true}.
 */
class FileEventLogCrashTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedRecordSurvivesKillDashNine() throws Exception {
    int rounds = Boolean.getBoolean("kyanite.long") ? 50 : 10;
    Random random = new Random();
    List<String[]> acked = new ArrayList<>();
    long totalAcked = 0;
    for (int run = 0; run < rounds; run++) {
      List<String> lines = runAndKill(run, 150 + random.nextInt(700));
      for (String l : lines) if (l.startsWith("A ")) acked.add(l.split(" "));
      totalAcked = acked.size();
      try (FileEventLog log = FileEventLog.open(dir, CrashAppender.options())) {
        verify(log, acked);
        System.out.printf("round %d: %d acked so far, log ends at %d/%d, recovery %s%n", run, acked.size(),
            log.endPosition(0), log.endPosition(1), log.recoveryReport());
      }
    }
    assertThat(totalAcked).as("the children acknowledged appends before dying").isPositive();
  }

  private List<String> runAndKill(int run, long killAfterMillis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashAppender.class.getName(), dir.toString(),
        Integer.toString(run))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        // readLine also returns a last line cut by the kill; only lines the child ended are trusted
        StringBuilder cur = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          if (c == '\n') {
            String line = cur.toString();
            cur.setLength(0);
            if (line.equals("READY")) ready.countDown();
            else lines.add(line);
          } else {
            cur.append((char) c);
          }
        }
      } catch (Exception ignored) {
        // the stream dies with the child
      }
    });
    reader.start();
    try {
      assertThat(ready.await(60, TimeUnit.SECONDS)).as("child %d started", run).isTrue();
      Thread.sleep(killAfterMillis);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
    }
    return new ArrayList<>(lines);
  }

  private static void verify(FileEventLog log, List<String[]> acked) {
    Map<Integer, List<LogRecord>> byPartition = new HashMap<>();
    for (int p = 0; p < CrashAppender.PARTITIONS; p++) {
      List<LogRecord> all = new ArrayList<>();
      long next = log.startPosition(p);
      while (next < log.endPosition(p)) {
        List<LogRecord> got = log.read(p, next, 1000, Duration.ZERO);
        all.addAll(got);
        next = got.get(got.size() - 1).position() + 1;
      }
      byPartition.put(p, all);
      // nothing that was never appended, nothing twice, each appender's records in its order
      Set<String> seen = new HashSet<>();
      Map<String, Integer> lastSeq = new HashMap<>();
      for (int i = 0; i < all.size(); i++) {
        LogRecord r = all.get(i);
        assertThat(r.position()).isEqualTo(i);
        String id = CrashAppender.idOf(r.payload());
        assertThat(r.payload()).as("payload of %s at %d:%d", id, p, i).isEqualTo(CrashAppender.payload(id));
        assertThat(seen.add(id)).as("%s appears once", id).isTrue();
        String[] parts = id.split(":");
        String appender = parts[0] + ":" + parts[1];
        int seq = Integer.parseInt(parts[2]);
        Integer prev = lastSeq.put(appender, seq);
        assertThat(prev == null || prev < seq).as("order of %s", appender).isTrue();
      }
    }
    for (String[] a : acked) {
      int p = Integer.parseInt(a[1]);
      long position = Long.parseLong(a[2]);
      List<LogRecord> all = byPartition.get(p);
      assertThat(position).as("acked %s at %d:%d is present", a[3], p, position).isLessThan(all.size());
      assertThat(CrashAppender.idOf(all.get((int) position).payload())).isEqualTo(a[3]);
    }
  }
}
