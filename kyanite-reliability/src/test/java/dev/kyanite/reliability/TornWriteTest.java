package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2, torn writes: after a {@code kill -9} under load the newest segment of every partition
 * gets a torn tail (random bytes, or the first bytes of a real frame, as if a write had been cut),
 * and the SQLite WAL is either extended with garbage or cut inside its last frame. The server must
 * start, keep every acknowledged event readable, and say what it repaired in its log.
 */
@Order(2)
class TornWriteTest {
  @TempDir Path dir;

  @Test
  void serverRepairsTornSegmentAndWalTailsAndKeepsEveryAcknowledgedEvent() throws Exception {
    int rounds = Suite.pick(2, 6);
    Random rnd = new Random();
    try (ChildServer server = Suite.server("torn-writes", dir)) {
      server.start();
      EventWriter writer = new EventWriter(Api.admin(server), 2, "torn").start();
      for (int round = 0; round < rounds; round++) {
        int before = writer.acked().size();
        while (writer.acked().size() < before + 200) Thread.sleep(5);
        server.kill();
        String damage = round % 2 == 0 ? tearSegments(rnd, false) + walGarbage(rnd) : tearSegments(rnd, true) + walCut(rnd);
        int logBefore = server.log().length();
        server.start();
        writer.target(Api.admin(server));
        String startLog = server.log().substring(logBefore);
        assertThat(startLog).as("the log reports the repair after: %s", damage).contains("torn or corrupt tail");
        System.out.printf("torn writes round %d: %s; server said:%n%s%n", round, damage,
            startLog.lines().filter(l -> l.contains("WARN") || l.contains("recover")).toList());
      }
      writer.drain(60_000);
      writer.close();
      assertThat(writer.failures()).isEmpty();
      Map<String, String> acked = writer.acked();
      List<String> unreadable = CrashLoopTest.readAll(Api.admin(server), acked);
      assertThat(unreadable).as("acknowledged events lost to the repair").isEmpty();
      server.stop();
      Map<String, Integer> copies = Suite.copiesByDataKey(dir, 4);
      assertThat(copies.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).limit(20).toList())
          .as("events stored more than once").isEmpty();
      System.out.printf("torn writes: %d rounds, %d acknowledged events intact%n", rounds, acked.size());
    }
  }

  /** Appends a torn tail to the newest segment of every partition: random bytes, or a cut copy of its first frame. */
  private String tearSegments(Random rnd, boolean realFramePrefix) throws IOException {
    StringBuilder what = new StringBuilder();
    try (Stream<Path> parts = Files.list(dir.resolve("log"))) {
      for (Path p : parts.filter(Files::isDirectory).sorted().toList()) {
        Path newest;
        try (Stream<Path> segs = Files.list(p)) {
          newest = segs.filter(f -> f.toString().endsWith(".log")).max(Comparator.naturalOrder()).orElse(null);
        }
        if (newest == null) continue;
        byte[] tail;
        byte[] head = Files.readAllBytes(newest);
        if (realFramePrefix && head.length > 16) {
          tail = java.util.Arrays.copyOf(head, 8 + rnd.nextInt(Math.min(head.length, 400) - 8));
        } else {
          tail = new byte[1 + rnd.nextInt(4096)];
          rnd.nextBytes(tail);
        }
        Files.write(newest, tail, StandardOpenOption.APPEND);
        what.append(p.getFileName()).append('/').append(newest.getFileName()).append(" +").append(tail.length)
            .append(realFramePrefix ? "B torn frame; " : "B random; ");
      }
    }
    return what.toString();
  }

  private String walGarbage(Random rnd) throws IOException {
    Path wal = dir.resolve("metadata.db-wal");
    byte[] junk = new byte[1 + rnd.nextInt(8192)];
    rnd.nextBytes(junk);
    Files.write(wal, junk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return "WAL +" + junk.length + "B random";
  }

  /** Cuts the WAL inside its last frame: the last transaction's commit frame is incomplete, as after a torn write. */
  private String walCut(Random rnd) throws IOException {
    Path wal = dir.resolve("metadata.db-wal");
    if (!Files.exists(wal) || Files.size(wal) <= 32) return "WAL empty";
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long cut = Math.min(size - 32, 1 + rnd.nextInt(4000));
      ch.truncate(size - cut);
      ch.write(ByteBuffer.allocate(0));
      return "WAL -" + cut + "B";
    }
  }
}
