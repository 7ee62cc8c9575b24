package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckedSkipTest {

  @Test
  void agreesWithJacksonsOwnCheckOnRandomDocuments() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    int duplicates = 0;
    for (int i = 0; i < 5_000; i++) {
      String doc = value(r, 0);
      String jackson = outcome(doc, false);
      assertThat(outcome(doc, true)).as(doc).isEqualTo(jackson);
      if (jackson.startsWith("Duplicate")) duplicates++;
    }
    assertThat(duplicates).as("the corpus has duplicates to find").isBetween(500, 4_500);
  }

  @Test
  void bigObjectsMoveToASetAndStillFindDuplicates() throws Exception {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 5_000; i++) sb.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":").append(i);
    String big = sb.append('}').toString();
    assertThat(outcome(big, true)).isEqualTo("ok at " + big.length());
    for (int at : new int[] {1, CheckedSkip.LINEAR - 1, CheckedSkip.LINEAR, CheckedSkip.LINEAR + 1, 4_999}) {
      String dup = big.substring(0, big.length() - 1) + ",\"m" + at + "\":0}";
      assertThat(outcome(dup, true)).as("m" + at).startsWith("Duplicate field 'm" + at + "'");
    }
  }

  @Test
  void theEnvelopeStillRefusesItsOwnDuplicatesAfterData() {
    byte[] b = "{\"type\":\"a.b\",\"data\":{\"type\":1,\"x\":{\"type\":2}},\"type\":\"c.d\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> {
      try (JsonParser p = IngestJson.FACTORY.createParser(b, 0, b.length)) {
        p.nextToken();
        NativeEnvelope.read(p, null, b, 0);
      }
    }).hasMessageContaining("Duplicate field 'type'");
  }

  @Test
  void valuesReadAfterASkipOnTheSameParserAreStillChecked() {
    // Jackson reuses a parser's contexts per depth: a skip that left them without a detector made
    // later members and later events of a batch skip the duplicate check (found in review)
    for (String batch : new String[] {
        "[{\"type\":\"a\",\"data\":{}},{\"type\":\"b\",\"data\":1,\"x\":{\"k\":1,\"k\":2}}]",
        "[{\"type\":\"a\",\"data\":{\"o\":{\"p\":[{}]}}},{\"type\":\"b\",\"data\":1,\"x\":{\"o\":{\"p\":[{\"k\":1,\"k\":2}]}}}]",
        "[{\"type\":\"a\",\"data\":{\"o\":1,\"o\":2}}]",
        "[{\"type\":\"a\",\"data\":{}},{\"type\":\"a\",\"data\":{},\"id\":{\"k\":1,\"k\":1}}]"}) {
      assertThatThrownBy(() -> readAll(batch)).as(batch).hasMessageContaining("Duplicate field");
    }
    // and the detectors are back, not merely gone: the same names in sibling objects still pass
    org.assertj.core.api.Assertions.assertThatCode(() -> readAll(
        "[{\"type\":\"a\",\"data\":{\"k\":{\"k\":1}}},{\"type\":\"a\",\"data\":{\"k\":2},\"x\":{\"k\":{\"k\":1}}}]"))
        .doesNotThrowAnyException();
  }

  /** Reads a JSON array of native envelopes with one parser, as a batch does. */
  private static void readAll(String batch) throws IOException {
    byte[] b = batch.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = IngestJson.FACTORY.createParser(b, 0, b.length)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_OBJECT) NativeEnvelope.read(p, null, b, 0);
    }
  }

  @Test
  void nestingBeyondTheLimitIsStillRefused() {
    String deep = "[".repeat(IngestJson.MAX_DEPTH + 5) + "]".repeat(IngestJson.MAX_DEPTH + 5);
    assertThatThrownBy(() -> outcomeOrThrow(deep)).hasMessageContaining("depth");
  }

  /** "ok at N" (the end offset) or the parse failure's message, skipping with ours or Jackson's. */
  private static String outcome(String doc, boolean ours) throws IOException {
    byte[] b = doc.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = IngestJson.FACTORY.createParser(b, 0, b.length)) {
      p.nextToken();
      if (ours) CheckedSkip.skip(p);
      else p.skipChildren();
      return "ok at " + p.currentLocation().getByteOffset();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return e.getOriginalMessage();
    }
  }

  private static void outcomeOrThrow(String doc) throws IOException {
    byte[] b = doc.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = IngestJson.FACTORY.createParser(b, 0, b.length)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
      CheckedSkip.skip(p);
    }
  }

  /** A random object or array: names drawn from n² + 2, so about a third of the objects repeat one (and names recur across objects). */
  private static String value(SplittableRandom r, int depth) {
    if (depth > 2 || r.nextInt(4) == 0) {
      return switch (r.nextInt(4)) {
        case 0 -> "1";
        case 1 -> "\"s\"";
        case 2 -> "null";
        default -> "[true]";
      };
    }
    boolean object = depth == 0 || r.nextBoolean();
    StringBuilder sb = new StringBuilder(object ? "{" : "[");
    int n = r.nextInt(object ? 22 : 4);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(',');
      if (object) sb.append("\"k").append(r.nextInt(n * n + 2)).append("\":");
      sb.append(value(r, depth + 1));
    }
    return sb.append(object ? '}' : ']').toString();
  }
}
