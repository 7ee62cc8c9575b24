package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] BODY = "{\"id\":\"evt_1\",\"type\":\"order.created\",\"data\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8);

  private static Map<String, List<String>> headers(String id, long ts, String signature) {
    return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(ts)),
        "webhook-signature", List.of(signature));
  }

  @Test
  void newSecretsCarryThePrefixAndAtLeast24RandomBytes() {
    String a = WebhookSigner.newSecret(RANDOM);
    assertThat(a).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSizeGreaterThanOrEqualTo(24);
    assertThat(WebhookSigner.newSecret(RANDOM)).isNotEqualTo(a);
  }

  @Test
  void signatureVerifiesWithTheIndependentStandardWebhooksLibrary() throws Exception {
    String secret = WebhookSigner.newSecret(RANDOM);
    long ts = System.currentTimeMillis() / 1000;
    String sig = WebhookSigner.header(List.of(WebhookSigner.key(secret)), "msg_abc", ts, BODY);
    assertThat(sig).startsWith("v1,");
    new Webhook(secret).verify(new String(BODY, StandardCharsets.UTF_8), headers("msg_abc", ts, sig));
    assertThat(sig).isEqualTo(new Webhook(secret).sign("msg_abc", ts, new String(BODY, StandardCharsets.UTF_8)));
  }

  @Test
  void aTamperedBodyOrAnotherSecretFailsVerification() throws Exception {
    String secret = WebhookSigner.newSecret(RANDOM);
    long ts = System.currentTimeMillis() / 1000;
    String sig = WebhookSigner.header(List.of(WebhookSigner.key(secret)), "msg_abc", ts, BODY);
    assertThatThrownBy(() -> new Webhook(secret).verify("{}", headers("msg_abc", ts, sig)))
        .isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> new Webhook(WebhookSigner.newSecret(RANDOM)).verify(new String(BODY, StandardCharsets.UTF_8),
        headers("msg_abc", ts, sig))).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void duringRotationBothTheNewAndTheOldSecretVerify() throws Exception {
    String oldSecret = WebhookSigner.newSecret(RANDOM);
    String newSecret = WebhookSigner.newSecret(RANDOM);
    long ts = System.currentTimeMillis() / 1000;
    String sig = WebhookSigner.header(List.of(WebhookSigner.key(newSecret), WebhookSigner.key(oldSecret)), "msg_r", ts, BODY);
    assertThat(sig.split(" ")).hasSize(2);
    String body = new String(BODY, StandardCharsets.UTF_8);
    new Webhook(newSecret).verify(body, headers("msg_r", ts, sig));
    new Webhook(oldSecret).verify(body, headers("msg_r", ts, sig));
  }

  @Test
  void messageIdIsStablePerEventAndEndpointPair() {
    String id = WebhookSigner.messageId("evt_1", "ep_1");
    assertThat(id).matches("msg_[0-9a-f]{32}").isEqualTo(WebhookSigner.messageId("evt_1", "ep_1"));
    assertThat(WebhookSigner.messageId("evt_1", "ep_2")).isNotEqualTo(id);
    assertThat(WebhookSigner.messageId("evt_1e", "p_1")).isNotEqualTo(WebhookSigner.messageId("evt_1", "ep_1"));
  }

  @Test
  void malformedSecretsAreRejected() {
    assertThatThrownBy(() -> WebhookSigner.key("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookSigner.key("whsec_" + Base64.getEncoder().encodeToString(new byte[8])))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
