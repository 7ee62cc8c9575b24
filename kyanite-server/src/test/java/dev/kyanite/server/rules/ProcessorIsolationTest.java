package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.event;
import static dev.kyanite.server.rules.RuleFixtures.install;
import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.core.process.EventProcessor;
import dev.kyanite.core.process.ProcessorResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorIsolationTest {
  private ProcessorRegistry registry;

  private static EventProcessor processor(String name, Function<Event, CompletionStage<ProcessorResult>> f) {
    return new EventProcessor() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<ProcessorResult> process(Event event) {
        return f.apply(event);
      }
    };
  }

  private RulesEngine engine(boolean deadLetter) {
    // generous: a loaded CI machine can take long to schedule the first pool thread
    return engine(deadLetter, Duration.ofSeconds(10));
  }

  private RulesEngine engine(boolean deadLetter, Duration timeout) {
    registry = ProcessorRegistry.of(List.of(
        processor("stamp", e -> {
          ObjectNode d = e.data().deepCopy();
          d.put("stamped", true);
          return CompletableFuture.completedFuture(ProcessorResult.keep(e.withData(d)));
        }),
        processor("later", e -> CompletableFuture.supplyAsync(() -> ProcessorResult.keep(e.withData(json("{'async':true}"))))),
        processor("reject", e -> CompletableFuture.completedFuture(ProcessorResult.drop("spam"))),
        processor("boom", e -> {
          throw new IllegalStateException("bug in plugin");
        }),
        processor("fails", e -> CompletableFuture.failedFuture(new RuntimeException("remote down"))),
        processor("never", e -> new CompletableFuture<>()),
        processor("blocks", e -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          return CompletableFuture.completedFuture(ProcessorResult.keep(e));
        }),
        processor("nothing", e -> null)), timeout, deadLetter);
    return RuleFixtures.engine(registry);
  }

  @AfterEach
  void close() {
    if (registry != null) registry.close();
  }

  @Test
  void processorChangesTheEventForLaterActions() throws Exception {
    RulesEngine engine = install(engine(false), "p={'actions':[{'process':'stamp'},{'set':{'path':'data.seen','value':'event.data.stamped'}}]}");
    assertThat(engine.apply(event("t", "{'a':1}")).event().data()).isEqualTo(json("{'a':1,'stamped':true,'seen':true}"));
  }

  @Test
  void asynchronousProcessorIsAwaited() throws Exception {
    RulesEngine engine = install(engine(false), "p={'actions':[{'process':{'name':'later'}}]}");
    assertThat(engine.apply(event("t", "{}")).event().data()).isEqualTo(json("{'async':true}"));
  }

  @Test
  void processorCanDropTheEvent() throws Exception {
    RulesEngine engine = install(engine(false), "p={'actions':[{'process':'reject'},{'route':['never-reached']}]}");
    PipelineResult r = engine.apply(event("t", "{}"));
    assertThat(r.droppedBy()).isEqualTo("p");
    assertThat(r.deadLettered()).isFalse();
    assertThat(r.routeTo()).isNull();
  }

  @Test
  void failingProcessorsLetTheEventGoOnUnchangedAndAreCounted() throws Exception {
    RulesEngine engine = install(engine(false),
        "p={'actions':[{'process':'boom'},{'process':'fails'},{'process':'nothing'},{'set':{'path':'data.after','value':'1'}}]}");
    PipelineResult r = engine.apply(event("t", "{'a':1}"));
    assertThat(r.dropped()).isFalse();
    assertThat(r.event().data()).isEqualTo(json("{'a':1,'after':1}"));
    assertThat(engine.metrics().processorErrors.count()).isEqualTo(3.0);
  }

  @Test
  void slowProcessorsTimeOutWithoutHoldingTheWorker() throws Exception {
    RulesEngine engine = install(engine(false, Duration.ofMillis(200)), "p={'actions':[{'process':'never'},{'process':'blocks'}]}");
    long t0 = System.nanoTime();
    PipelineResult r = engine.apply(event("t", "{'a':1}"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.event().data()).isEqualTo(json("{'a':1}"));
    assertThat(engine.metrics().processorTimeouts.count()).isEqualTo(2.0);
    assertThat(ms).isBetween(350L, 5_000L);
  }

  @Test
  void failureDeadLettersWhenConfigured() throws Exception {
    RulesEngine engine = install(engine(true), "p={'actions':[{'process':'fails'},{'route':['x']}]}");
    PipelineResult r = engine.apply(event("t", "{}"));
    assertThat(r.dropped()).isTrue();
    assertThat(r.deadLettered()).isTrue();
    assertThat(r.deadLetter()).contains("fails").contains("remote down");
    assertThat(engine.metrics().deadLettered.count()).isEqualTo(1.0);
  }

  @Test
  void unknownProcessorIsRefusedAtRegistration() {
    assertThatThrownBy(() -> install(engine(false), "p={'actions':[{'process':'ghost'}]}"))
        .isInstanceOf(InvalidRuleException.class).hasMessageContaining("ghost");
  }

  @Test
  void duplicateNamesFailTheStart() {
    assertThatThrownBy(() -> ProcessorRegistry.of(List.of(processor("x", e -> null), processor("x", e -> null)),
        Duration.ofSeconds(1), false)).isInstanceOf(IllegalStateException.class).hasMessageContaining("'x'");
  }
}
