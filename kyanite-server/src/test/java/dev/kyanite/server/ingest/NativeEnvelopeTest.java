package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NativeEnvelopeTest {

  @Test
  void dottedNameCheckAgreesWithTheDocumentedPattern() {
    String alphabet = "aZ09_-.x. é/";
    SplittableRandom r = new SplittableRandom(11);
    for (String s : new String[] {"", ".", "a", "a.", ".a", "a..b", "order.created", "a-b_c.D9", "a b", "é"}) {
      assertThat(NativeEnvelope.isDottedName(s)).as(s).isEqualTo(NativeEnvelope.TYPE.matcher(s).matches());
    }
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(8); n > 0; n--) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      String s = sb.toString();
      assertThat(NativeEnvelope.isDottedName(s)).as(s).isEqualTo(NativeEnvelope.TYPE.matcher(s).matches());
    }
  }

  @Test
  void asciiObjectDataIsKeptAsTheClientsBytesAndLogsLikeTheTree() throws Exception {
    String body = "  {\"data\": {\"a\": [1, {\"b\": null}], \"n\": 1e400}, \"type\": \"order.created\"}";
    EventInput in = read(body);
    assertThat(in.data()).isNull();
    assertThat(new String(in.raw().bytes(), in.raw().off(), in.raw().len(), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\": [1, {\"b\": null}], \"n\": 1e400}");
    Event header = new Event("evt_1", in.type(), "k", null, null, Instant.EPOCH, null, null, null, null, null);
    Event logged = EventCodec.decode(EventCodec.encode(header, in.raw().bytes(), in.raw().off(), in.raw().len()));
    Event viaTree = EventCodec.decode(EventCodec.encode(header.withData(in.dataTree())));
    assertThat(logged).isEqualTo(viaTree);
  }

  @Test
  void nonAsciiAndScalarDataBecomeTrees() throws Exception {
    EventInput utf8 = read("{\"type\":\"a.b\",\"data\":{\"name\":\"Zoë\"}}");
    assertThat(utf8.raw()).isNull();
    assertThat(utf8.data().get("name").asText()).isEqualTo("Zoë");
    EventInput scalar = read("{\"type\":\"a.b\",\"data\":null}");
    assertThat(scalar.raw()).isNull();
    assertThat(scalar.data().isNull()).isTrue();
  }

  @Test
  void duplicateMembersInsidePassedThroughDataAreStillRefused() {
    byte[] b = "{\"type\":\"a.b\",\"data\":{\"x\":1,\"x\":2}}".getBytes(StandardCharsets.UTF_8);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (JsonParser p = IngestJson.FACTORY.createParser(b, 0, b.length)) {
        p.nextToken();
        NativeEnvelope.read(p, null, b, 0);
      }
    }).hasMessageContaining("Duplicate");
  }

  private static EventInput read(String body) throws Exception {
    byte[] b = ("xyz" + body).getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = IngestJson.FACTORY.createParser(b, 3, b.length - 3)) {
      p.nextToken();
      NativeEnvelope.Result r = NativeEnvelope.read(p, null, b, 3);
      assertThat(r.rejection()).isNull();
      return r.input();
    }
  }
}
