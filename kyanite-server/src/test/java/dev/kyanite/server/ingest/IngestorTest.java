package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.kyanite.core.log.AppendResult;
import dev.kyanite.core.log.LogException;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.server.ForwardingLog;
import dev.kyanite.server.schema.SchemaCatalog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The ingest pipeline against a log whose appends complete when the test says (or fail as told):
 * in-flight idempotency keys, backpressure and log failures, deterministically.
 */
class IngestorTest {
  private final MemoryMetadataStore store = new MemoryMetadataStore();
  private final GatedLog log = new GatedLog(new MemoryEventLog(2));
  private final IdempotencyTable table = new IdempotencyTable(2);

  private Ingestor ingestor(IngestSettings settings) {
    return new Ingestor(log, new SchemaCatalog(store.schemas(), Clock.systemUTC()), store.eventIndex(), table, new KeyFilter(), settings,
        Clock.systemUTC(), Runnable::run, null);
  }

  private static EventInput input(String id, String hash) {
    return new EventInput("a.b", id, null, null, null, null, IntNode.valueOf(1), null, id, hash);
  }

  private Item prepare(Ingestor in, String id, String hash) {
    return in.prepare(0, input(id, hash), "k", null, null, in.clock().instant(), 0);
  }

  @Test
  void aRepeatWhileTheFirstIsInFlightIs409AndAfterItIsAReplay() {
    Ingestor in = ingestor(IngestSettings.defaults());
    Item first = prepare(in, "e-1", "h");
    CompletableFuture<Void> f1 = in.submit(List.of(first), false);
    assertThat(f1).isNotDone();
    Item second = prepare(in, "e-1", "h");
    in.submit(List.of(second), false).join();
    assertThat(second.rejection.status()).isEqualTo(409);
    assertThat(second.rejection.retryAfter()).isNotNull();
    log.releaseAll();
    f1.join();
    assertThat(first.accepted()).isTrue();
    Item third = prepare(in, "e-1", "h");
    in.submit(List.of(third), false).join();
    assertThat(third.replayed).isTrue();
    assertThat(third.acceptedId).isEqualTo("e-1");
    Item other = prepare(in, "e-1", "different");
    in.submit(List.of(other), false).join();
    assertThat(other.rejection.status()).isEqualTo(422);
  }

  @Test
  void overTheInFlightBoundIs503WithRetryAfterAndMemoryStaysBounded() {
    IngestSettings d = IngestSettings.defaults();
    Ingestor in = ingestor(new IngestSettings(d.maxBatchEvents(), d.maxEventBytes(), d.maxRequestBytes(), d.maxFutureSkew(),
        false, d.idempotencyWindow(), 2, d.maxInFlightBytes()));
    List<Item> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Item it = prepare(in, null, null);
      in.submit(List.of(it), false);
      waiting.add(it);
    }
    Item over = prepare(in, null, null);
    in.submit(List.of(over), false).join();
    assertThat(over.rejection.status()).isEqualTo(503);
    assertThat(over.rejection.slug()).isEqualTo("overloaded");
    assertThat(over.rejection.retryAfter()).isEqualTo("1");
    log.releaseAll();
    Item after = prepare(in, null, null);
    in.submit(List.of(after), false);
    log.releaseAll();
    assertThat(after.accepted()).isTrue();
  }

  @Test
  void logFailuresBecome503AndReleaseTheirKeys() {
    Ingestor in = ingestor(IngestSettings.defaults());
    log.failWith = new LogException(LogException.Reason.FULL, "byte budget reached");
    Item full = prepare(in, "k-full", "h");
    in.submit(List.of(full), false).join();
    assertThat(full.rejection.status()).isEqualTo(503);
    assertThat(full.rejection.slug()).isEqualTo("log-full");
    assertThat(full.rejection.retryAfter()).isNotNull();
    log.failWith = new LogException(LogException.Reason.CLOSED, "closed");
    Item closed = prepare(in, "k-closed", "h");
    in.submit(List.of(closed), false).join();
    assertThat(closed.rejection.slug()).isEqualTo("log-unavailable");
    // the failed attempts left no claim behind: a retry goes through
    log.failWith = null;
    Item retry = prepare(in, "k-full", "h");
    CompletableFuture<Void> f = in.submit(List.of(retry), false);
    log.releaseAll();
    f.join();
    assertThat(retry.accepted()).isTrue();
    assertThat(retry.replayed).isFalse();
  }

  @Test
  void aBatchIsOneAppendPerPartition() {
    Ingestor in = ingestor(IngestSettings.defaults());
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Item it = in.prepare(i, new EventInput("a.b", null, null, null, null, "key-" + (i % 3), IntNode.valueOf(i), null, null, null),
          "k", null, null, in.clock().instant(), 0);
      items.add(it);
    }
    CompletableFuture<Void> f = in.submit(items, false);
    long partitionsUsed = items.stream().mapToInt(it -> it.partition).distinct().count();
    assertThat(log.appends).isEqualTo(partitionsUsed);
    log.releaseAll();
    f.join();
    assertThat(items).allMatch(Item::accepted);
  }

  /**
   * Keyless events follow their request's partition, and taking it advances the sticky round robin
   * by one: {@link Partitioner#STICKY} batches in a row share a partition, however many events each
   * holds, so concurrent batches meet in one group commit instead of one per partition.
   */
  @Test
  void keylessEventsOfARequestShareItsPartitionAndARunIsStickyBatchesLong() {
    Ingestor in = ingestor(IngestSettings.defaults());
    int first = -1;
    for (int request = 0; request < Partitioner.STICKY; request++) {
      int p = in.keylessPartition();
      if (request == 0) first = p;
      assertThat(p).as("request %d", request).isEqualTo(first);
      for (int i = 0; i < 100; i++) {
        String key = i == 7 ? "key-7" : null;
        Item it = in.prepare(i, new EventInput("a.b", null, null, null, null, key, IntNode.valueOf(i), null, null, null),
            "k", null, null, in.clock().instant(), p);
        assertThat(it.partition).isEqualTo(key == null ? p : Partitioner.forKey(key, 2));
      }
    }
    assertThat(in.keylessPartition()).isNotEqualTo(first);
  }

  /** Appends go to a real memory log, but their futures complete only on {@link #releaseAll}. */
  static final class GatedLog extends ForwardingLog {
    final List<Runnable> gated = new ArrayList<>();
    volatile LogException failWith;
    int appends;

    GatedLog(MemoryEventLog inner) {
      super(inner);
    }

    synchronized void releaseAll() {
      List<Runnable> copy = new ArrayList<>(gated);
      gated.clear();
      copy.forEach(Runnable::run);
    }

    @Override
    public synchronized CompletableFuture<AppendResult> append(int partition, List<byte[]> records) {
      appends++;
      if (failWith != null) return CompletableFuture.failedFuture(failWith);
      AppendResult r = inner.append(partition, records).join();
      CompletableFuture<AppendResult> f = new CompletableFuture<>();
      gated.add(() -> f.complete(r));
      return f;
    }
  }
}
