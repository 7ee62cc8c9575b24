package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void anIdGivesBackTheMillisecondItWasMadeIn() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 100_000; i++) {
      long ms = r.nextLong(0, 1L << 48);
      String id = EventIds.next(ms);
      assertThat(id).hasSize(30).startsWith("evt_");
      assertThat(EventIds.millis(id)).as(id).isEqualTo(ms);
    }
  }

  @Test
  void idsOfAnotherFormHaveNoMillisecond() {
    assertThat(EventIds.millis("order-1234")).isEqualTo(-1);
    assertThat(EventIds.millis("evt_01M8FKK3DD3E6ZRA6CQB22BGR")).isEqualTo(-1); // one short
    assertThat(EventIds.millis("evt_01m8fkk3dd3e6zra6cqb22bgrg")).isEqualTo(-1); // lower case
    assertThat(EventIds.millis("evt_01M8FKK3DD3E6ZRA6CQB22BGRU")).isEqualTo(-1); // U is not Crockford
    assertThat(EventIds.millis("evt_01M8FKK3DD3E6ZRA6CQB22BGR\u00e9")).isEqualTo(-1); // beyond ASCII, in the random part
    assertThat(EventIds.millis("evt_0IM8FKK3DD3E6ZRA6CQB22BGRG")).isEqualTo(-1); // I, in the time part
    assertThat(EventIds.millis("evt_01M8FKK3DD3E6ZRA6CQB22BGR-")).isEqualTo(-1);
    assertThat(EventIds.millis("xyz_01M8FKK3DD3E6ZRA6CQB22BGRG")).isEqualTo(-1);
    assertThat(EventIds.millis("evt_01M8FKK3DD3E6ZRA6CQB22BGRG")).isGreaterThan(0);
  }

  @Test
  void idsSortByTime() {
    assertThat(EventIds.next(1_000)).isLessThan(EventIds.next(1_001));
  }
}
