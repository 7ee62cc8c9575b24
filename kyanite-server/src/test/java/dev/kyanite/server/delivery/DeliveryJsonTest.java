package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.DeliveryStoresContract;
import dev.kyanite.core.store.Endpoint;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryJsonTest {
  @Test
  void theRotationsGraceIsShownOnlyWhileTheOldSecretStillSigns() {
    Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
    Endpoint rotated = DeliveryStoresContract.endpoint("ep_1").withSecret("whsec_bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3",
        t0.plusSeconds(60), t0);
    assertThat(DeliveryJson.endpoint(rotated, null, t0.plusSeconds(59)).get("previous_secret_expires_at").asText())
        .isEqualTo("2026-11-28T00:01:00Z");
    assertThat(DeliveryJson.endpoint(rotated, null, t0.plusSeconds(60)).has("previous_secret_expires_at")).isFalse();
    assertThat(DeliveryJson.endpoint(rotated, null, t0).has("secret")).isFalse();
  }
}
