package dev.kyanite.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryStoresContract;
import dev.kyanite.core.store.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery sub-store contracts (endpoints, deliveries, attempts) against SQLite, plus persistence. */
class SqliteDeliveryStoresTest {
  @TempDir
  Path dir;

  @Nested
  class Contract extends DeliveryStoresContract {
    @Override
    protected MetadataStore openStore() throws Exception {
      return SqliteMetadataStore.open(Files.createTempDirectory(dir, "db").resolve("metadata.db"));
    }
  }

  @Test
  void endpointsAndScheduledDeliveriesSurviveReopen() {
    Path file = dir.resolve("persist.db");
    Instant t = Instant.parse("2026-05-06T07:08:09.123456789Z");
    Delivery d = new Delivery("msg_1", "evt_1", "ep_1", "order.created", DeliveryStatus.RETRYING, 1, t, 503, "http",
        "{}".getBytes(StandardCharsets.UTF_8), t, t);
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      s.endpoints().create(DeliveryStoresContract.endpoint("ep_1"));
      s.deliveries().upsertAll(List.of(d));
    }
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      assertThat(s.endpoints().find("ep_1")).contains(DeliveryStoresContract.endpoint("ep_1"));
      assertThat(s.deliveries().due(t, Set.of(), 10)).singleElement().usingRecursiveComparison().isEqualTo(d);
    }
  }
}
