package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AckParserTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheTopLevelIdNotANestedOne() {
    assertThat(AckParser.topLevelId(b("{\"data\":{\"id\":\"inner\"},\"id\":\"evt_1\",\"type\":\"x\"}")))
        .isEqualTo("evt_1");
    assertThat(AckParser.topLevelId(b("{\"id\":\"evt_2\",\"received_at\":\"t\",\"durability\":\"fsync\"}")))
        .isEqualTo("evt_2");
    assertThat(AckParser.topLevelId(b("not json"))).isNull();
    assertThat(AckParser.topLevelId(b("{\"type\":\"x\"}"))).isNull();
  }

  @Test
  void readsAcceptedIdsAndCountsRejectedOfABatchAck() {
    String ack = "{\"accepted\":[{\"index\":0,\"id\":\"evt_a\"},{\"index\":2,\"id\":\"evt_c\"}],"
        + "\"rejected\":[{\"index\":1,\"status\":422,\"errors\":[{\"pointer\":\"/id\",\"message\":\"m\"}]}]}";
    assertThat(AckParser.acceptedIds(b(ack))).containsExactly("evt_a", "evt_c");
    assertThat(AckParser.rejectedCount(Buffer.buffer(ack))).isEqualTo(1);
    assertThat(AckParser.rejectedCount(Buffer.buffer("{\"accepted\":[],\"rejected\":[]}"))).isZero();
    assertThat(AckParser.rejectedCount(Buffer.buffer("{\"id\":\"evt_x\"}"))).isZero();
  }
}
