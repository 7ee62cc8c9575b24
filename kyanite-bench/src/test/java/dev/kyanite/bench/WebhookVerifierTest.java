package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  // the Standard Webhooks specification's test vector
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330L;
  static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private final WebhookVerifier verifier = new WebhookVerifier(SECRET,
      Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 10), ZoneOffset.UTC), Duration.ofMinutes(5));

  @Test
  void specTestVectorVerifies() {
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP), PAYLOAD, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.OK);
    assertThat(verifier.sign(MSG_ID, TIMESTAMP, PAYLOAD)).isEqualTo(SIGNATURE);
  }

  @Test
  void oneMatchingEntryInARotationListIsEnough() {
    String header = "v1,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE= v1a,whatever " + SIGNATURE;
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP), PAYLOAD, header))
        .isEqualTo(WebhookVerifier.Result.OK);
  }

  @Test
  void tamperedBodyIdOrTimestampFail() {
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP), tampered, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.BAD_SIGNATURE);
    assertThat(verifier.verify("msg_other", Long.toString(TIMESTAMP), PAYLOAD, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.BAD_SIGNATURE);
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP + 1), PAYLOAD, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.BAD_SIGNATURE);
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP), PAYLOAD, "v1,not-base64!"))
        .isEqualTo(WebhookVerifier.Result.BAD_SIGNATURE);
  }

  @Test
  void timestampOutsideToleranceOrMissingHeadersAreRejected() {
    WebhookVerifier later = new WebhookVerifier(SECRET,
        Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 301), ZoneOffset.UTC), Duration.ofMinutes(5));
    assertThat(later.verify(MSG_ID, Long.toString(TIMESTAMP), PAYLOAD, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.BAD_TIMESTAMP);
    assertThat(verifier.verify(MSG_ID, "yesterday", PAYLOAD, SIGNATURE))
        .isEqualTo(WebhookVerifier.Result.BAD_TIMESTAMP);
    assertThat(verifier.verify(MSG_ID, Long.toString(TIMESTAMP), PAYLOAD, null))
        .isEqualTo(WebhookVerifier.Result.MISSING_HEADER);
  }
}
