package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Webhook totals are Prometheus counters ({@code _total}, {@code TYPE counter}) so that
 * {@code rate()} works; what is now in flight or behind stays a gauge.
 */
class DeliveryMetricsTest {
  @Test
  void webhookTotalsAreCountersAndInFlightAndLagAreGauges() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestServer s = TestServer.start(Map.of("delivery.allow-private-targets", true, "delivery.retry-schedule", "200ms"));
        Receiver r = new Receiver(vertx)) {
      AtomicInteger calls = new AtomicInteger();
      r.behaviour = req -> Receiver.Answer.of(calls.incrementAndGet() == 1 ? 500 : 200);
      assertThat(s.postJson("/v1/endpoints", s.adminKey(), "{\"url\":\"" + r.url() + "\",\"event_types\":[\"m.*\"]}")
          .statusCode()).isEqualTo(201);
      assertThat(s.postJson("/v1/events", s.adminKey(), "{\"type\":\"m.x\",\"data\":1}").statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(s), "kyanite_webhook_delivered_total") == 1);

      String m = scrape(s);
      for (String counter : new String[] {"attempts", "attempt_failures", "delivered", "failed", "filtered", "parked"}) {
        assertThat(m).contains("# TYPE kyanite_webhook_" + counter + "_total counter");
      }
      assertThat(value(m, "kyanite_webhook_attempts_total")).isEqualTo(2);
      assertThat(value(m, "kyanite_webhook_attempt_failures_total")).isEqualTo(1);
      assertThat(value(m, "kyanite_webhook_failed_total")).isZero();
      assertThat(m).contains("# TYPE kyanite_webhook_in_flight gauge", "# TYPE kyanite_worker_in_flight gauge",
          "# TYPE kyanite_worker_lag gauge");
    } finally {
      vertx.close();
    }
  }

  private static String scrape(TestServer s) {
    return s.get("/metrics", s.adminKey()).body();
  }

  private static long value(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }
}
