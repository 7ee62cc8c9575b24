package dev.kyanite.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.store.Attempt;
import dev.kyanite.core.store.Delivery;
import dev.kyanite.core.store.DeliveryStatus;
import dev.kyanite.core.store.DeliveryStoresContract;
import dev.kyanite.core.store.DeliveryUpdate;
import dev.kyanite.core.store.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
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

  private static Delivery delivered(int i, Instant created) {
    return new Delivery("msg_" + i, "evt_" + i, "ep_1", "order.created", DeliveryStatus.DELIVERED, 1, null, 200, null, null,
        created, created.plusMillis(5));
  }

  private static Attempt success(int i, Delivery d) {
    return new Attempt("att_" + i + "_" + d.createdAt().toEpochMilli(), d.id(), d.eventId(), d.endpointId(), 1,
        d.createdAt().plusMillis(1), 4, 200, null, null);
  }

  /** The deferred webhook-id index: ids before and after a merge, replays across it, survives a reopen. */
  @Test
  void compactSuccessesAreFoundByIdBeforeAndAfterTheirIdsAreMergedIntoTheIndex() throws Exception {
    Path file = dir.resolve("ledger.db");
    Instant t = Instant.parse("2026-05-06T07:08:09Z");
    int merged = SqliteDeliveryLedger.MERGE_ROWS;
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      List<DeliveryUpdate> batch = new ArrayList<>();
      for (int i = 0; i < merged; i++) {
        Delivery d = delivered(i, t.plusMillis(i));
        batch.add(new DeliveryUpdate(d, success(i, d)));
      }
      s.recordDeliveries(batch, true); // reaches MERGE_ROWS: merged in this transaction
      Delivery tail = delivered(merged, t.plusSeconds(100));
      s.recordDeliveries(List.of(new DeliveryUpdate(tail, success(merged, tail))), true);
      assertThat(mergedSeq(file)).isEqualTo(merged);

      for (int i : new int[] {0, 1, merged / 2, merged - 1, merged}) {
        Instant created = i == merged ? t.plusSeconds(100) : t.plusMillis(i);
        assertThat(s.deliveries().find("msg_" + i).orElseThrow()).usingRecursiveComparison().isEqualTo(delivered(i, created));
        assertThat(s.attempts().forDelivery("msg_" + i)).containsExactly(success(i, delivered(i, created)));
      }
      assertThat(s.deliveries().find("msg_nope")).isEmpty();

      // delivered again after its id was merged: the old row goes, its index entry matches nothing
      Delivery again = delivered(7, t.plusSeconds(200));
      s.recordDeliveries(List.of(new DeliveryUpdate(again, success(7, again))), true);
      assertThat(s.deliveries().find("msg_7").orElseThrow()).usingRecursiveComparison().isEqualTo(again);
      assertThat(s.attempts().forDelivery("msg_7")).containsExactly(success(7, delivered(7, t.plusMillis(7))), success(7, again));
      assertThat(s.deliveries().byEvent("evt_7")).hasSize(1);
    }
    try (MetadataStore s = SqliteMetadataStore.open(file)) {
      assertThat(s.deliveries().find("msg_" + merged)).isPresent();
      assertThat(s.deliveries().find("msg_3")).isPresent();
      assertThat(s.deliveries().list("ep_1", DeliveryStatus.DELIVERED, null, 2).items()).extracting(Delivery::id)
          .containsExactly("msg_7", "msg_" + merged);
    }
  }

  /** Replacing the newest compact row must not let the next one fall below the merge watermark. */
  @Test
  void aCompactRowWrittenAfterTheNewestMergedRowWasReplacedIsStillFoundById() throws Exception {
    Instant t = Instant.parse("2026-05-06T07:08:09Z");
    int merged = SqliteDeliveryLedger.MERGE_ROWS;
    try (MetadataStore s = SqliteMetadataStore.open(dir.resolve("replaced.db"))) {
      List<DeliveryUpdate> batch = new ArrayList<>();
      for (int i = 0; i < merged; i++) {
        Delivery d = delivered(i, t.plusMillis(i));
        batch.add(new DeliveryUpdate(d, success(i, d)));
      }
      s.recordDeliveries(batch, true); // merged: the watermark is the newest row's seq
      int newest = merged - 1;
      Delivery failing = new Delivery("msg_" + newest, "evt_" + newest, "ep_1", "order.created", DeliveryStatus.RETRYING, 1,
          t.plusSeconds(60), 503, "http", new byte[] {'{', '}'}, t.plusSeconds(50), t.plusSeconds(50));
      s.deliveries().upsertAll(List.of(failing)); // a failing replay replaces the newest compact row
      Delivery next = delivered(merged + 1, t.plusSeconds(70));
      s.recordDeliveries(List.of(new DeliveryUpdate(next, success(merged + 1, next))), true);

      assertThat(s.deliveries().find(next.id()).orElseThrow()).usingRecursiveComparison().isEqualTo(next);
      assertThat(s.deliveries().find(failing.id()).orElseThrow()).usingRecursiveComparison().isEqualTo(failing);
      assertThat(s.attempts().forDelivery(failing.id())).containsExactly(success(newest, delivered(newest, t.plusMillis(newest))));
    }
  }

  private static long mergedSeq(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT merged_seq FROM delivered_ids_state")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
