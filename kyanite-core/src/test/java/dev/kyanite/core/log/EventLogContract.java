package dev.kyanite.core.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventLog} backend promises. A backend's test extends this class and
 * implements {@link #open(Setup)}; the suite never looks inside the backend. Backends that keep
 * their data across {@code close()} and a new {@code open()} of the same storage return true from
 * {@link #persistent()} and run the reopen tests too.
 */
public abstract class EventLogContract {

  /**
   * What a test asks of the backend.
   *
   * @param partitions number of partitions
   * @param clock the time the log must use for record timestamps and retention
   * @param retention age after which committed records may be deleted; backends must be configured
   *     so that a few hundred 100-byte records span several deletable units (for example small
   *     segments), so that {@link EventLog#enforceRetention()} visibly deletes
   */
  protected record Setup(int partitions, Clock clock, Duration retention) {
    public static Setup of(int partitions) {
      return new Setup(partitions, Clock.systemUTC(), Duration.ofDays(7));
    }
  }

  private final List<EventLog> opened = new ArrayList<>();

  /** Opens the backend on this test's storage; called again in the same test to reopen it. */
  protected abstract EventLog open(Setup setup) throws Exception;

  /** Whether records and commits survive {@code close()} and a new {@link #open(Setup)}. */
  protected boolean persistent() {
    return false;
  }

  /** The durability a default-configured backend reports. */
  protected abstract Durability expectedDurability();

  @AfterEach
  void closeOpened() {
    opened.forEach(EventLog::close);
  }

  protected final EventLog log(Setup setup) throws Exception {
    EventLog log = open(setup);
    opened.add(log);
    return log;
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String text(LogRecord r) {
    return new String(r.payload(), UTF_8);
  }

  protected static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void appendsGetConsecutivePositionsPerPartition() throws Exception {
    EventLog log = log(Setup.of(2));
    AppendResult a = await(log.append(0, bytes("a")));
    AppendResult b = await(log.append(0, List.of(bytes("b"), bytes("c"))));
    AppendResult x = await(log.append(1, bytes("x")));
    assertThat(a.firstPosition()).isEqualTo(0);
    assertThat(b.firstPosition()).isEqualTo(1);
    assertThat(b.count()).isEqualTo(2);
    assertThat(x.partition()).isEqualTo(1);
    assertThat(x.firstPosition()).isEqualTo(0);
    assertThat(log.endPosition(0)).isEqualTo(3);
    assertThat(log.endPosition(1)).isEqualTo(1);
    assertThat(log.read(0, 0, 10, Duration.ZERO)).extracting(EventLogContract::text).containsExactly("a", "b", "c");
  }

  @Test
  void ackReportsTheConfiguredDurability() throws Exception {
    EventLog log = log(Setup.of(1));
    assertThat(await(log.append(0, bytes("a"))).durability()).isEqualTo(expectedDurability());
  }

  @Test
  void acknowledgedRecordIsReadableAtOnce() throws Exception {
    EventLog log = log(Setup.of(1));
    for (int i = 0; i < 50; i++) {
      AppendResult r = await(log.append(0, bytes("r" + i)));
      List<LogRecord> got = log.read(0, r.firstPosition(), 10, Duration.ZERO);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).position()).isEqualTo(r.firstPosition());
      assertThat(got.get(0).partition()).isZero();
      assertThat(text(got.get(0))).isEqualTo("r" + i);
    }
  }

  @Test
  void readHonoursMaxRecordsAndStartsAtTheGivenPosition() throws Exception {
    EventLog log = log(Setup.of(1));
    for (int i = 0; i < 20; i++) await(log.append(0, bytes("r" + i)));
    List<LogRecord> got = log.read(0, 5, 3, Duration.ZERO);
    assertThat(got).extracting(LogRecord::position).containsExactly(5L, 6L, 7L);
    assertThat(got).extracting(EventLogContract::text).containsExactly("r5", "r6", "r7");
    assertThat(log.read(0, 20, 3, Duration.ZERO)).isEmpty();
  }

  @Test
  void readPastTheEndWaitsAndReturnsEmpty() throws Exception {
    EventLog log = log(Setup.of(1));
    long t0 = System.nanoTime();
    assertThat(log.read(0, 0, 10, Duration.ofMillis(100))).isEmpty();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
  }

  @Test
  void waitingReaderWakesWhenARecordArrives() throws Exception {
    EventLog log = log(Setup.of(1));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<LogRecord>> reader = pool.submit(() -> log.read(0, 0, 10, Duration.ofSeconds(20)));
      Thread.sleep(100);
      long t0 = System.nanoTime();
      await(log.append(0, bytes("wake")));
      List<LogRecord> got = reader.get(20, TimeUnit.SECONDS);
      assertThat(got).extracting(EventLogContract::text).containsExactly("wake");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void batchIsContiguousEvenUnderConcurrentAppends() throws Exception {
    EventLog log = log(Setup.of(1));
    int threads = 4;
    int batches = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<AppendResult>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          List<CompletableFuture<AppendResult>> fs = new ArrayList<>();
          for (int b = 0; b < batches; b++) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) batch.add(bytes(id + ":" + b + ":" + i));
            fs.add(log.append(0, batch));
          }
          List<AppendResult> out = new ArrayList<>();
          for (CompletableFuture<AppendResult> f : fs) out.add(await(f));
          return out;
        }));
      }
      for (Future<List<AppendResult>> f : results) {
        for (AppendResult r : f.get(60, TimeUnit.SECONDS)) {
          List<LogRecord> got = log.read(0, r.firstPosition(), 5, Duration.ZERO);
          assertThat(got).hasSize(5);
          String prefix = text(got.get(0)).substring(0, text(got.get(0)).lastIndexOf(':') + 1);
          for (int i = 0; i < 5; i++) assertThat(text(got.get(i))).isEqualTo(prefix + i);
        }
      }
      assertThat(log.endPosition(0)).isEqualTo((long) threads * batches * 5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentAppendersLoseNothingAndKeepEachAppendersOrder() throws Exception {
    EventLog log = log(Setup.of(2));
    int threads = 8;
    int perThread = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          List<CompletableFuture<AppendResult>> fs = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            fs.add(log.append(id % 2, bytes(id + ":" + i)));
            if (i % 50 == 49) fs.forEach(CompletableFuture::join);
          }
          fs.forEach(CompletableFuture::join);
          return null;
        }));
      }
      for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
      for (int p = 0; p < 2; p++) {
        assertThat(log.endPosition(p)).isEqualTo((long) threads / 2 * perThread);
        List<LogRecord> all = readAll(log, p);
        assertThat(all).hasSize(threads / 2 * perThread);
        int[] next = new int[threads];
        for (int i = 0; i < all.size(); i++) {
          assertThat(all.get(i).position()).isEqualTo(i);
          String[] parts = text(all.get(i)).split(":");
          int id = Integer.parseInt(parts[0]);
          assertThat(id % 2).isEqualTo(p);
          assertThat(Integer.parseInt(parts[1])).isEqualTo(next[id]++);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void callerMayReuseItsArrayAfterTheAck() throws Exception {
    EventLog log = log(Setup.of(1));
    byte[] buf = bytes("original");
    await(log.append(0, buf));
    buf[0] = 'X';
    assertThat(text(log.read(0, 0, 1, Duration.ZERO).get(0))).isEqualTo("original");
  }

  @Test
  void emptyAndLargeishPayloadsRoundTrip() throws Exception {
    EventLog log = log(Setup.of(1));
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
    await(log.append(0, List.of(new byte[0], big)));
    List<LogRecord> got = log.read(0, 0, 10, Duration.ZERO);
    assertThat(got).hasSize(2);
    assertThat(got.get(0).payload()).isEmpty();
    assertThat(got.get(1).payload()).isEqualTo(big);
  }

  @Test
  void invalidArgumentsAreRejectedAtOnce() throws Exception {
    EventLog log = log(Setup.of(2));
    assertThatThrownBy(() -> log.append(2, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.append(-1, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.append(0, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.read(5, 0, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commitsAreReadBackAndMayRewind() throws Exception {
    EventLog log = log(Setup.of(2));
    assertThat(log.committed("g", 0)).isZero();
    log.commit("g", 0, 7);
    log.commit("h", 0, 3);
    assertThat(log.committed("g", 0)).isEqualTo(7);
    assertThat(log.committed("g", 1)).isZero();
    assertThat(log.committed("h", 0)).isEqualTo(3);
    log.commit("g", 0, 2);
    assertThat(log.committed("g", 0)).isEqualTo(2);
  }

  @Test
  void lagCountsRecordsTheGroupHasNotCommitted() throws Exception {
    EventLog log = log(Setup.of(2));
    for (int i = 0; i < 10; i++) await(log.append(0, bytes("r" + i)));
    assertThat(log.lag("g", 0)).isEqualTo(10);
    assertThat(log.lag("g", 1)).isZero();
    log.commit("g", 0, 4);
    assertThat(log.lag("g", 0)).isEqualTo(6);
    log.commit("g", 0, 10);
    assertThat(log.lag("g", 0)).isZero();
  }

  @Test
  void consumerGroupResumesAfterReopen() throws Exception {
    assumeThat(persistent()).as("backend keeps data across reopen").isTrue();
    Setup setup = Setup.of(2);
    EventLog first = log(setup);
    for (int i = 0; i < 10; i++) await(first.append(i % 2, bytes("r" + i)));
    first.commit("workers", 0, 3);
    first.commit("workers", 1, 5);
    first.close();

    EventLog second = log(setup);
    assertThat(second.committed("workers", 0)).isEqualTo(3);
    assertThat(second.committed("workers", 1)).isEqualTo(5);
    assertThat(second.endPosition(0)).isEqualTo(5);
    assertThat(second.read(0, second.committed("workers", 0), 10, Duration.ZERO))
        .extracting(EventLogContract::text).containsExactly("r6", "r8");
    assertThat(await(second.append(0, bytes("after"))).firstPosition()).isEqualTo(5);
    assertThat(second.lag("workers", 0)).isEqualTo(3);
  }

  @Test
  void recordsSurviveReopenIntact() throws Exception {
    assumeThat(persistent()).as("backend keeps data across reopen").isTrue();
    Setup setup = Setup.of(1);
    EventLog first = log(setup);
    for (int i = 0; i < 500; i++) await(first.append(0, bytes("record-" + i)));
    first.close();
    EventLog second = log(setup);
    List<LogRecord> all = readAll(second, 0);
    assertThat(all).hasSize(500);
    for (int i = 0; i < 500; i++) assertThat(text(all.get(i))).isEqualTo("record-" + i);
  }

  @Test
  void retentionDeletesOnlyOldRecordsEveryGroupCommitted() throws Exception {
    ManualClock clock = new ManualClock();
    EventLog log = log(new Setup(1, clock, Duration.ofHours(1)));
    byte[] payload = new byte[100];
    for (int i = 0; i < 300; i++) await(log.append(0, payload));
    log.commit("fast", 0, 250);
    log.commit("slow", 0, 120);

    assertThat(log.enforceRetention()).as("nothing is old yet").isZero();
    assertThat(log.startPosition(0)).isZero();

    clock.advance(Duration.ofHours(2));
    await(log.append(0, payload));
    long deleted = log.enforceRetention();
    long start = log.startPosition(0);
    assertThat(start).as("something old and committed was deleted").isPositive();
    assertThat(start).as("never past the slowest group").isLessThanOrEqualTo(120);
    assertThat(deleted).isEqualTo(start);
    assertThat(log.read(0, 0, 1, Duration.ZERO).get(0).position()).isEqualTo(start);
    assertThat(log.endPosition(0)).isEqualTo(301);
    assertThat(log.lag("slow", 0)).isEqualTo(301 - 120);

    log.commit("slow", 0, 301);
    log.commit("fast", 0, 301);
    log.enforceRetention();
    assertThat(log.startPosition(0)).isGreaterThan(start);
    assertThat(await(log.append(0, payload)).firstPosition()).isEqualTo(301);
  }

  @Test
  void retentionKeepsRecordsYoungerThanTheRetentionAge() throws Exception {
    ManualClock clock = new ManualClock();
    EventLog log = log(new Setup(1, clock, Duration.ofHours(1)));
    for (int i = 0; i < 300; i++) await(log.append(0, new byte[100]));
    log.commit("g", 0, 300);
    clock.advance(Duration.ofMinutes(30));
    assertThat(log.enforceRetention()).isZero();
    assertThat(log.startPosition(0)).isZero();
  }

  @Test
  void afterCloseEverythingFailsWithClosed() throws Exception {
    EventLog log = log(Setup.of(1));
    await(log.append(0, bytes("a")));
    log.close();
    log.close();
    assertThat(log.check().ok()).isFalse();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> log.append(0, bytes("b")).get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOfSatisfying(LogException.class,
        le -> assertThat(le.reason()).isEqualTo(LogException.Reason.CLOSED));
    assertThatThrownBy(() -> log.read(0, 0, 1, Duration.ZERO)).isInstanceOfSatisfying(LogException.class,
        le -> assertThat(le.reason()).isEqualTo(LogException.Reason.CLOSED));
    assertThatThrownBy(() -> log.commit("g", 0, 1)).isInstanceOfSatisfying(LogException.class,
        le -> assertThat(le.reason()).isEqualTo(LogException.Reason.CLOSED));
  }

  @Test
  void closeReleasesAWaitingReaderPromptly() throws Exception {
    EventLog log = log(Setup.of(1));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Object> reader = pool.submit(() -> {
        try {
          return log.read(0, 0, 1, Duration.ofSeconds(30));
        } catch (LogException e) {
          return e.reason();
        }
      });
      Thread.sleep(100);
      long t0 = System.nanoTime();
      log.close();
      Object outcome = reader.get(10, TimeUnit.SECONDS);
      assertThat(outcome).satisfiesAnyOf(
          o -> assertThat(o).isEqualTo(List.of()),
          o -> assertThat(o).isEqualTo(LogException.Reason.CLOSED));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void healthyLogReportsOk() throws Exception {
    assertThat(log(Setup.of(1)).check().ok()).isTrue();
  }

  protected static List<LogRecord> readAll(EventLog log, int partition) {
    List<LogRecord> all = new ArrayList<>();
    long next = log.startPosition(partition);
    long end = log.endPosition(partition);
    while (next < end) {
      List<LogRecord> got = log.read(partition, next, 1000, Duration.ZERO);
      if (got.isEmpty()) break;
      all.addAll(got);
      next = got.get(got.size() - 1).position() + 1;
    }
    return all;
  }
}
