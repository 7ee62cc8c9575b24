package dev.kyanite.examples.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.process.EventProcessor;
import dev.kyanite.core.process.ProcessorResult;
import java.time.Instant;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class EnrichProcessorTest {
  private final EnrichProcessor processor = new EnrichProcessor();

  private static Event event(String data) throws Exception {
    JsonNode d = EventCodec.mapper().readTree(data);
    return new Event("evt_1", "user.created", "app", null, null, Instant.EPOCH, null, d, null, null, null);
  }

  private ProcessorResult run(Event e) {
    return processor.process(e).toCompletableFuture().join();
  }

  @Test
  void lowerCasesEmailAndStampsWithoutTouchingTheInput() throws Exception {
    Event in = event("{\"email\":\"Ada@Example.COM\"}");
    ProcessorResult r = run(in);
    assertThat(r.dropped()).isFalse();
    assertThat(r.event().data().toString()).isEqualTo("{\"email\":\"ada@example.com\",\"processed_by\":\"example-enrich\"}");
    assertThat(in.data().get("email").textValue()).isEqualTo("Ada@Example.COM");
  }

  @Test
  void dropsSpam() throws Exception {
    ProcessorResult r = run(event("{\"spam\":true}"));
    assertThat(r.dropped()).isTrue();
    assertThat(r.dropReason()).isEqualTo("spam");
  }

  @Test
  void leavesNonObjectDataAlone() throws Exception {
    Event in = event("[1,2]");
    assertThat(run(in).event()).isSameAs(in);
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertThat(ServiceLoader.load(EventProcessor.class).stream().map(p -> p.type().getName()))
        .contains(EnrichProcessor.class.getName());
  }
}
