package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogHeaderTest {
  private static final Instant AT = Instant.parse("2026-11-27T21:00:00.123456Z");

  @Test
  void theFastScanReadsWhatTheCodecWritesLikeTheParser() {
    Event plain = new Event("evt_1", "a.b", "shop", "s", AT.minusSeconds(5), AT, "k",
        EventCodec.mapper().getNodeFactory().objectNode().put("x", 1), null, "id\u001fshop\u001fevt_1", "abc");
    // (the idempotency key's separator is a control character: written escaped, scanned all the same)
    byte[] bytes = EventCodec.encode(plain);
    assertThat(LogHeader.scan(bytes)).isNotNull().isEqualTo(LogHeader.parse(bytes));
    assertThat(LogHeader.read(bytes)).isEqualTo(new LogHeader("evt_1", "shop", AT, "id\u001fshop\u001fevt_1", "abc"));
  }

  @Test
  void escapesExtensionsAndForeignLayoutsFallBackToTheParser() {
    ObjectNode ext = EventCodec.mapper().createObjectNode().put("traceparent", "00-1-2-01");
    Event withExt = new Event("evt_2", "a.b", "shop", null, null, AT, null, EventCodec.mapper().nullNode(), ext, null, null);
    byte[] bytes = EventCodec.encode(withExt);
    assertThat(LogHeader.scan(bytes)).isNull();
    assertThat(LogHeader.read(bytes).id()).isEqualTo("evt_2");
    byte[] reordered = "{ \"received_at\":\"2026-11-27T21:00:00.123456Z\", \"id\":\"x\", \"v\":1, \"data\":1}"
        .getBytes(StandardCharsets.UTF_8);
    assertThat(LogHeader.scan(reordered)).isNull();
    assertThat(LogHeader.read(reordered).id()).isEqualTo("x");
  }

  @Test
  void escapedAndNonAsciiStringsAreScannedExactly() {
    for (String t : new String[] {"q\"uo\\te", "ctl\u0001\u001f\n\t", "Zoë 😀 東京", "/slash\b\f\r"}) {
      Event e = new Event("evt_" + t, "a.b", t, null, null, AT, null, EventCodec.mapper().nullNode(), null, "h\u001f" + t, t);
      byte[] bytes = EventCodec.encode(e);
      assertThat(LogHeader.scan(bytes)).as(t).isNotNull().isEqualTo(LogHeader.parse(bytes));
    }
  }

  @Test
  void eachRecordKeepsItsOwnReceiptTimeWhateverWasReadBefore() {
    // the scanner reuses the last receipt time it parsed when the text is the same: it must never
    // hand out that one for a record whose text differs, even by one digit or in length
    Instant[] times = {AT, AT, AT.plusNanos(1_000), AT.plusSeconds(1), Instant.parse("2026-11-27T21:00:00Z"), AT,
        Instant.parse("2026-11-27T21:00:00.1234567Z")};
    for (Instant t : times) {
      Event e = new Event("evt_x", "a.b", "shop", null, null, t, null, EventCodec.mapper().nullNode(), null, null, null);
      assertThat(LogHeader.scan(EventCodec.encode(e)).receivedAt()).as(t.toString()).isEqualTo(t);
    }
  }

  @Test
  void garbageIsRefused() {
    for (String g : new String[] {"", "{", "{\"id\":\"x\"", "{\"v\":1,\"id\":\"x\",\"received_at\":\"\",\"data\":1}",
        "[1,2]", "{\"id\":\"x\",\"data\":1}",
        // an escaped receipt time that is not a time: the indexer skips only IllegalArgumentException
        "{\"v\":1,\"id\":\"x\",\"received_at\":\"2026-11-28T\\u0031x\",\"data\":1}"}) {
      assertThatThrownBy(() -> LogHeader.read(g.getBytes(StandardCharsets.UTF_8))).as(g).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
