package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void eventIsValidJsonOfExactlyTheRequestedSize() throws Exception {
    for (int size : new int[] {200, 300, 1024, 10_000}) {
      String event = Payloads.event("bench.event", size, 3);
      assertThat(event.getBytes(StandardCharsets.UTF_8)).hasSize(size);
      JsonNode node = json.readTree(event);
      assertThat(node.get("type").asText()).isEqualTo("bench.event");
      assertThat(node.get("data").isObject()).isTrue();
    }
  }

  @Test
  void sizesBelowTheSkeletonYieldTheSkeleton() throws Exception {
    String event = Payloads.event("bench.event", 10, 0);
    assertThat(json.readTree(event).get("data").get("pad").asText()).isEmpty();
  }

  @Test
  void batchAndNdjsonCarryTheRequestedNumberOfEvents() throws Exception {
    JsonNode batch = json.readTree(Payloads.body(Mode.BATCH, "bench.event", 300, 7, 1));
    assertThat(batch.get("events")).hasSize(7);
    String ndjson = Payloads.body(Mode.NDJSON, "bench.event", 300, 5, 1);
    String[] lines = ndjson.split("\n");
    assertThat(lines).hasSize(5);
    for (String line : lines) {
      assertThat(json.readTree(line).get("type").asText()).isEqualTo("bench.event");
    }
  }

  @Test
  void variantsDiffer() {
    assertThat(Payloads.event("t.x", 300, 0)).isNotEqualTo(Payloads.event("t.x", 300, 1));
    assertThat(Payloads.bodies(Mode.SINGLE, "t.x", 300, 1)).hasSize(Payloads.VARIANTS);
  }
}
