package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.event;
import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.core.store.MetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuleServiceTest {
  private final MetadataStore store = new MemoryMetadataStore();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final RuleService node1 = new RuleService(store.rules(), RuleFixtures.engine(), clock);
  private final RuleService node2 = new RuleService(store.rules(), RuleFixtures.engine(), clock);

  @AfterEach
  void close() {
    node1.close();
    node2.close();
  }

  @Test
  void putStoresAndTakesEffectBeforeReturning() throws Exception {
    var stored = node1.put("no-tests", json("{'match':{'condition':'event.data.test == true'},'actions':['drop']}"));
    assertThat(stored.version()).isEqualTo(1);
    assertThat(node1.engine().apply(event("t", "{'test':true}")).droppedBy()).isEqualTo("no-tests");
    assertThat(node1.engine().apply(event("t", "{'test':true}")).appliedRules()).containsEntry("no-tests", 1);
    assertThat(node1.put("no-tests", json("{'actions':['drop']}")).version()).isEqualTo(2);
    assertThat(node1.engine().apply(event("t", "{}")).appliedRules()).containsEntry("no-tests", 2);
  }

  @Test
  void invalidRuleIsNeverStored() {
    assertThatThrownBy(() -> node1.put("bad", json("{'match':{'condition':'event.'},'actions':['drop']}")))
        .isInstanceOf(InvalidRuleException.class);
    assertThat(store.rules().list()).isEmpty();
    assertThat(store.rules().revision()).isZero();
  }

  @Test
  void deleteTakesEffectAtOnce() throws Exception {
    node1.put("d", json("{'actions':['drop']}"));
    assertThat(node1.delete("d")).isTrue();
    assertThat(node1.engine().apply(event("t", "{}")).dropped()).isFalse();
    assertThat(node1.delete("d")).isFalse();
  }

  @Test
  void otherNodesPickUpChangesWithinASecond() throws Exception {
    node2.start(Duration.ofMillis(100));
    node1.put("d", json("{'actions':['drop']}"));
    await().atMost(Duration.ofSeconds(1)).until(() -> node2.engine().apply(event("t", "{}")).dropped());
    node1.delete("d");
    await().atMost(Duration.ofSeconds(1)).until(() -> !node2.engine().apply(event("t", "{}")).dropped());
  }

  @Test
  void storedRuleThatDoesNotCompileHereIsSkippedNotFatal() throws Exception {
    store.rules().put("needs-plugin", "{\"actions\":[{\"process\":\"absent\"}]}", clock.instant());
    node1.put("ok", json("{'actions':[{'route':['a']}]}"));
    assertThat(node1.engine().current().rules()).extracting(Rule::name).containsExactly("ok");
    assertThat(node1.engine().apply(event("t", "{}")).routeTo()).containsExactly("a");
  }
}
