package dev.kyanite.examples.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.process.EventProcessor;
import dev.kyanite.core.process.ProcessorResult;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Example processor {@value #NAME}: drops spam, normalises the e-mail address and stamps the event.
 * Stateless, hence thread-safe; synchronous, so it returns a completed stage.
 */
public final class EnrichProcessor implements EventProcessor {
  public static final String NAME = "example-enrich";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<ProcessorResult> process(Event event) {
    JsonNode data = event.data();
    if (!data.isObject()) return CompletableFuture.completedFuture(ProcessorResult.keep(event));
    if (data.path("spam").asBoolean(false)) {
      return CompletableFuture.completedFuture(ProcessorResult.drop("spam"));
    }
    ObjectNode copy = ((ObjectNode) data).deepCopy(); // never change the caller's event in place
    JsonNode email = copy.get("email");
    if (email != null && email.isTextual()) copy.put("email", email.textValue().toLowerCase(Locale.ROOT));
    copy.put("processed_by", NAME);
    return CompletableFuture.completedFuture(ProcessorResult.keep(event.withData(copy)));
  }
}
