package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real deliveries over loopback to the receiver, signed as the spec says. */
class WebhookReceiverTest {
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
      "0123456789abcdef01234567".getBytes(StandardCharsets.US_ASCII));
  private Vertx vertx;
  private HttpClient client;
  private DeliveryTracker tracker;
  private WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    tracker = new DeliveryTracker(Mode.SINGLE);
    receiver = new WebhookReceiver(tracker);
    vertx.deployVerticle(receiver).await(5, TimeUnit.SECONDS);
    receiver.secret(SECRET);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private int deliver(String msgId, String body, String signature) throws Exception {
    long ts = System.currentTimeMillis() / 1000;
    String sig = signature != null ? signature
        : new WebhookVerifier(SECRET).sign(msgId, ts, body.getBytes(StandardCharsets.UTF_8));
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(receiver.port()).setURI(WebhookReceiver.PATH)
        .putHeader("webhook-id", msgId).putHeader("webhook-timestamp", Long.toString(ts))
        .putHeader("webhook-signature", sig).putHeader("content-type", "application/json");
    return client.request(o).compose(r -> r.send(Buffer.buffer(body))).map(r -> r.statusCode())
        .await(5, TimeUnit.SECONDS);
  }

  @Test
  void verifiedDeliveriesAreMatchedToAcksAndDuplicatesCounted() throws Exception {
    tracker.acked("evt_1", System.nanoTime(), true);
    tracker.acked("evt_2", System.nanoTime(), true);
    assertThat(deliver("msg_1", "{\"id\":\"evt_1\",\"type\":\"bench.event\",\"data\":{}}", null)).isEqualTo(204);
    assertThat(deliver("msg_1", "{\"id\":\"evt_1\",\"type\":\"bench.event\",\"data\":{}}", null)).isEqualTo(204);
    DeliveryTracker.Summary s = tracker.summary();
    assertThat(s.delivered()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(1);
    assertThat(s.missing()).isEqualTo(1);
    assertThat(s.badSignatures()).isZero();
  }

  @Test
  void aDeliveryWithAWrongSignatureIsCountedNotMatched() throws Exception {
    tracker.acked("evt_1", System.nanoTime(), true);
    String forged = "v1," + Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(deliver("msg_1", "{\"id\":\"evt_1\"}", forged)).isEqualTo(204);
    DeliveryTracker.Summary s = tracker.summary();
    assertThat(s.badSignatures()).isEqualTo(1);
    assertThat(s.missing()).isEqualTo(1);
  }
}
