package dev.kyanite.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  @Test
  void roundTripsEveryField() throws Exception {
    ObjectNode ext = EventCodec.mapper().createObjectNode().put("traceparent", "00-abc-def-01");
    Event e = new Event("evt_1", "order.created", "shop", "order/1", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:01.123Z"), "tenant-1",
        EventCodec.exactReader().readTree("{\"amount\":12.5,\"items\":[1,2]}"), ext, "idem-1", "ab12");
    assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
  }

  @Test
  void encodesDataGivenAsJsonTextLikeTheTree() throws Exception {
    String json = "{ \"amount\": 42, \"items\": [1, 2.5, {\"x\": null}], \"big\": 123456789012345678901234567890 }";
    byte[] buf = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
    ObjectNode ext = EventCodec.mapper().createObjectNode().put("traceparent", "00-abc-def-01");
    Event header = new Event("evt_3", "order.created", "shop", null, null, Instant.parse("2026-11-27T20:00:00.123456Z"),
        "k", EventCodec.mapper().getNodeFactory().nullNode(), ext, "id\u001fshop\u001fevt_3", "abc");
    Event decoded = EventCodec.decode(EventCodec.encode(header, buf, 2, json.length()));
    assertThat(decoded).isEqualTo(header.withData(EventCodec.exactReader().readTree(json)));
    assertThat(EventCodec.decode(EventCodec.encode(header, "7".getBytes(StandardCharsets.UTF_8), 0, 1)).data().intValue())
        .isEqualTo(7);
  }

  @Test
  void dataNumbersAreReadWithTheirExactValueAndDigits() throws Exception {
    String json = "{\"a\":12.50,\"b\":1e400,\"c\":0.1000000000000000000001,\"d\":123456789012345678901234567890,"
        + "\"e\":-1.5e-400,\"f\":7}";
    Event header = new Event("evt_n", "n.x", "s", null, null, Instant.parse("2026-11-28T00:00:00Z"), null,
        EventCodec.mapper().getNodeFactory().nullNode(), null, null, null);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Event decoded = EventCodec.decode(EventCodec.encode(header, bytes, 0, bytes.length));
    assertThat(EventCodec.mapper().writeValueAsString(decoded.data()))
        .isEqualTo("{\"a\":12.50,\"b\":1E+400,\"c\":0.1000000000000000000001,\"d\":123456789012345678901234567890,"
            + "\"e\":-1.5E-400,\"f\":7}");
  }

  @Test
  void roundTripsStringsThatNeedEscapingOrAreNotAscii() throws Exception {
    String[] tricky = {"quote \" and backslash \\", "tab\tnewline\n\u0000\u001f", "Zoë – 東京 – 😀 mixed ascii",
        "😀", "\u007f\u0080\u07ff\u0800\uffff", "end\\"};
    for (String t : tricky) {
      Event e = new Event("evt_" + t, "a.b", t, t, null, Instant.parse("2026-11-27T20:00:00Z"), t,
          EventCodec.mapper().getNodeFactory().textNode(t), null, t, t);
      byte[] bytes = EventCodec.encode(e);
      assertThat(EventCodec.decode(bytes)).isEqualTo(e);
      // and it is plain JSON any parser reads the same way
      assertThat(EventCodec.mapper().readTree(bytes).get("source").asText()).isEqualTo(t);
    }
  }

  @Test
  void omitsAbsentOptionalFields() {
    Event e = new Event("evt_2", "a.b", null, null, null, Instant.EPOCH, null,
        EventCodec.mapper().getNodeFactory().nullNode(), null, null, null);
    String json = new String(EventCodec.encode(e), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("subject", "\"time\"", "key", "ext", "idem", "hash");
    assertThat(EventCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(e);
  }

  @Test
  void rejectsNewerVersionsAndGarbage() {
    assertThatThrownBy(() -> EventCodec.decode("{\"v\":99,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventCodec.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
