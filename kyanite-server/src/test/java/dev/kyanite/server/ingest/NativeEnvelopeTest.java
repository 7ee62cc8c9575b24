package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.server.schema.FieldError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  void dataIsKeptAsTheClientsBytesAndLogsLikeTheTree() throws Exception {
    for (String data : new String[] {"{\"a\": [1, {\"b\": null}], \"n\": 1e400}", "{\"name\":\"Zoë \\u00e9\"}", "null", "12.50",
        "\"text\"", "[]", "\"😀\""}) {
      String body = "  {\"data\": " + data + " , \"type\": \"order.created\"}";
      EventInput in = read(body);
      assertThat(in.data()).isNull();
      assertThat(new String(in.raw().bytes(), in.raw().off(), in.raw().len(), StandardCharsets.UTF_8)).isEqualTo(data);
      Event header = new Event("evt_1", in.type(), "k", null, null, Instant.EPOCH, null, null, null, null, null);
      Event logged = EventCodec.decode(EventCodec.encode(header, in.raw().bytes(), in.raw().off(), in.raw().len()));
      Event viaTree = EventCodec.decode(EventCodec.encode(header.withData(in.dataTree())));
      assertThat(logged).as(data).isEqualTo(viaTree);
    }
  }

  @Test
  void envelopeStringsAreDecodedAndEveryErrorIsCollected() throws Exception {
    EventInput in = read("{\"type\":\"a.b\",\"data\":1,\"id\":\"x\\\"y\",\"subject\":\"Zoë\",\"key\":\"k\\u00e9\","
        + "\"time\":\"2026-11-28T10:00:00+01:00\"}");
    assertThat(in.clientId()).isEqualTo("x\"y");
    assertThat(in.subject()).isEqualTo("Zoë");
    assertThat(in.key()).isEqualTo("ké");
    assertThat(in.time()).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
    byte[] b = "{\"type\":1,\"id\":{\"a\":[1]},\"time\":\"yesterday\",\"extra\":[]}".getBytes(StandardCharsets.UTF_8);
    JsonScanner s = new JsonScanner(b, 0, b.length);
    NativeEnvelope.Result r = NativeEnvelope.read(s, 1);
    assertThat(r.input()).isNull();
    assertThat(r.rejection().errors()).extracting(FieldError::pointer).containsExactly("/type", "/id", "/time", "/extra", "/data");
    assertThat(s.atEnd()).isTrue();
  }

  @Test
  void manyUnknownMembersAreAllCheckedButOnlyTheFirstFewListed() {
    // each name used to be compared with every earlier one: 100,000 members took minutes of an event loop
    StringBuilder sb = new StringBuilder("{\"type\":\"a.b\",\"data\":1");
    for (int i = 0; i < 100_000; i++) sb.append(",\"u").append(i).append("\":0");
    byte[] b = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    NativeEnvelope.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> NativeEnvelope.read(new JsonScanner(b, 0, b.length), 1));
    List<FieldError> errors = r.rejection().errors();
    assertThat(errors).hasSize(NativeEnvelope.MAX_LISTED_UNKNOWN + 1);
    assertThat(errors.get(0).pointer()).isEqualTo("/u0");
    assertThat(errors.get(NativeEnvelope.MAX_LISTED_UNKNOWN).message()).startsWith((100_000 - NativeEnvelope.MAX_LISTED_UNKNOWN) + " more unknown members");
    byte[] dup = "{\"type\":\"a.b\",\"data\":1,\"x0\":0,\"x1\":0,\"x0\":1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NativeEnvelope.read(new JsonScanner(dup, 0, dup.length), 1)).hasMessageStartingWith("Duplicate field 'x0'");
  }

  @Test
  void halfASurrogatePairInAnIdKeyOrSubjectIsRefusedNotStoredAsAQuestionMark() throws Exception {
    // the log would have kept "?" for it while the idempotency key kept the surrogate: a retry after
    // a restart would no longer have matched the stored event
    for (String member : new String[] {"id", "key", "subject"}) {
      for (String half : new String[] {"\\ud800", "x\\udc00", "\\ude00\\ud83d"}) {
        byte[] b = ("{\"type\":\"a.b\",\"data\":1,\"" + member + "\":\"" + half + "\"}").getBytes(StandardCharsets.UTF_8);
        NativeEnvelope.Result r = NativeEnvelope.read(new JsonScanner(b, 0, b.length), 1);
        assertThat(r.rejection()).as(member + " " + half).isNotNull();
        assertThat(r.rejection().errors()).extracting(FieldError::pointer).containsExactly("/" + member);
      }
    }
    EventInput pair = read("{\"type\":\"a.b\",\"data\":1,\"id\":\"\\ud83d\\ude00\",\"key\":\"😀\",\"subject\":\"a\\ud83d\\ude00\"}");
    assertThat(pair.clientId()).isEqualTo("😀");
    assertThat(pair.key()).isEqualTo("😀");
    assertThat(pair.subject()).isEqualTo("a😀");
    byte[] ce = "{\"specversion\":\"1.0\",\"id\":\"\\ud800\",\"source\":\"/s\",\"type\":\"t.x\",\"subject\":\"\\udfff\"}"
        .getBytes(StandardCharsets.UTF_8);
    try (com.fasterxml.jackson.core.JsonParser p = IngestJson.FACTORY.createParser(ce)) {
      p.nextToken();
      NativeEnvelope.Result r = CloudEvents.readStructured(p, null);
      assertThat(r.rejection()).isNotNull();
      assertThat(r.rejection().errors()).extracting(FieldError::pointer).containsExactlyInAnyOrder("/id", "/subject");
    }
  }

  @Test
  void anEnvelopeMemberNameLongerThanTheLimitIsMalformed() {
    byte[] b = ("{\"" + "n".repeat(JsonScanner.MAX_NAME_BYTES + 1) + "\":1,\"type\":\"a.b\",\"data\":1}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NativeEnvelope.read(new JsonScanner(b, 0, b.length), 1)).hasMessageContaining("longer than");
    byte[] ok = ("{\"" + "n".repeat(JsonScanner.MAX_NAME_BYTES) + "\":1,\"type\":\"a.b\",\"data\":1}").getBytes(StandardCharsets.UTF_8);
    assertThat(assertDoesNotThrow(() -> NativeEnvelope.read(new JsonScanner(ok, 0, ok.length), 1)).rejection()).isNotNull();
  }

  @Test
  void duplicateMembersInsidePassedThroughDataAreStillRefused() {
    assertThatThrownBy(() -> read("{\"type\":\"a.b\",\"data\":{\"x\":1,\"x\":2}}")).hasMessageContaining("Duplicate field 'x'");
  }

  /** Reads an envelope from the middle of a buffer, as batches do. */
  private static EventInput read(String body) throws Exception {
    byte[] b = ("xyz" + body).getBytes(StandardCharsets.UTF_8);
    JsonScanner s = new JsonScanner(b, 3, b.length - 3);
    NativeEnvelope.Result r = NativeEnvelope.read(s, 1);
    assertThat(s.atEnd()).isTrue();
    assertThat(r.rejection()).isNull();
    return r.input();
  }
}
