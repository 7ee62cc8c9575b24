package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MetadataStore;
import dev.kyanite.server.store.sqlite.SqliteMetadataStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scheduled retries live in the store (SQLite here): a restarted engine still sends them. */
class DeliveryRestartTest {

  @TempDir
  Path dir;

  @Test
  void retriesScheduledBeforeAStopStillFireAfterARestart() throws Exception {
    Vertx vertx = Vertx.vertx();
    MemoryEventLog log = new MemoryEventLog(2);
    Path db = dir.resolve("metadata.db");
    MetadataStore store = SqliteMetadataStore.open(db);
    DeliveryConfig cfg = DeliveryHarness.testConfig()
        .withRetry(new RetryPolicy(List.of(Duration.ofSeconds(2)), 0.0, Duration.ZERO));
    DeliveryHarness first = new DeliveryHarness(vertx, false, log, store, cfg, EventPipeline.identity());
    Receiver r = first.receiver();
    r.behaviour = got -> Receiver.Answer.of(503);
    Endpoint ep = first.endpoint(r.url(), "*");
    Event e = first.append("order.created");
    String id = WebhookSigner.messageId(e.id(), ep.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> store.deliveries().find(id)
        .map(d -> d.status() == DeliveryStatus.RETRYING).orElse(false));
    await().atMost(Duration.ofSeconds(5)).until(() -> first.lag() == 0);
    first.stopEngine();
    store.close();
    assertThat(r.received).hasSize(1);

    r.behaviour = got -> Receiver.Answer.of(200);
    MetadataStore reopened = SqliteMetadataStore.open(db);
    DeliveryHarness second = new DeliveryHarness(vertx, false, log, reopened, cfg, EventPipeline.identity());
    try {
      await().atMost(Duration.ofSeconds(6)).until(() -> reopened.deliveries().find(id)
          .map(d -> d.status() == DeliveryStatus.DELIVERED).orElse(false));
      assertThat(r.all()).extracting(x -> x.header("webhook-id")).containsExactly(id, id);
    } finally {
      second.stopEngine();
      reopened.close();
      r.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
