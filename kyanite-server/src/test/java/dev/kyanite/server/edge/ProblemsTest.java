package dev.kyanite.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import org.junit.jupiter.api.Test;

/** How parser failures are worded for clients. */
class ProblemsTest {
  private static Throwable parse(String json) {
    try {
      new ObjectMapper().readTree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("parsed: " + json);
  }

  @Test
  void jsonMessagesKeepTheReasonAndOffsetButNotTheSourceOrJacksonsFeatureAdvice() {
    String nan = Problems.jsonMessage(parse("{\"a\":NaN}"));
    assertThat(nan).contains("Non-standard token 'NaN'", "(at byte ").doesNotContain("JsonReadFeature", "enable", "`");
    String broken = Problems.jsonMessage(parse("{\"a\":1"));
    assertThat(broken).contains("end-of-input").doesNotContain("Source", "REDACTED", "\n");
    String comment = Problems.jsonMessage(parse("{/* c */}"));
    assertThat(comment).doesNotContain("JsonReadFeature", "`").isNotBlank();
    Throwable vertx = null;
    try {
      Json.decodeValue("{\"a\":");
    } catch (DecodeException e) {
      vertx = e;
    }
    assertThat(Problems.jsonMessage(vertx)).doesNotContain("Source", "REDACTED");
  }
}
