package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.Endpoint;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.core.store.MetadataStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuleTesterTest {
  private final MetadataStore store = new MemoryMetadataStore();
  private final MemoryEventLog log = new MemoryEventLog(2);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final RuleService rules = new RuleService(store.rules(), RuleFixtures.engine(), clock);
  private final RuleTester tester = new RuleTester(rules, log, () -> store.endpoints().list(), clock);

  @AfterEach
  void close() {
    log.close();
  }

  private static Endpoint endpoint(String id, List<String> types, String filter) {
    Instant t = Instant.EPOCH;
    return new Endpoint(id, "https://example.com/" + id, types, null, null, 1, 1000, null, true, null, Map.of(), filter,
        "whsec_x", null, null, null, t, t);
  }

  @Test
  void dryRunOfAnInlineRuleShowsTheResultActionsAndEndpoints() throws Exception {
    store.endpoints().create(endpoint("ep_all", List.of("*"), null));
    store.endpoints().create(endpoint("ep_eu", List.of("order.*"), "event.data.region == 'eu'"));
    store.endpoints().create(endpoint("ep_users", List.of("user.*"), null));
    ObjectNode out = tester.dryRun(json("{'rule':{'match':{'types':['order.*']},'actions':["
        + "{'redact':['data.email']},{'remove':['data.absent']},{'route':['ep_eu','ep_users']}]},"
        + "'event':{'type':'order.created','data':{'email':'a@b.c','region':'eu'}}}"));
    assertThat(out.get("matched_rules")).isEqualTo(json("['dry-run']"));
    assertThat(out.get("dropped").booleanValue()).isFalse();
    assertThat(out.get("route_to")).isEqualTo(json("['ep_eu','ep_users']"));
    assertThat(out.at("/event/data")).isEqualTo(json("{'email':'[REDACTED]','region':'eu'}"));
    assertThat(out.get("actions")).isEqualTo(json("[{'rule':'dry-run','kind':'redact','outcome':'applied','index':0},"
        + "{'rule':'dry-run','kind':'remove','outcome':'skipped','index':1,'detail':'no value at the paths'},"
        + "{'rule':'dry-run','kind':'route','outcome':'applied','index':2}]"));
    assertThat(out.get("endpoints")).isEqualTo(json("['ep_eu']"));
  }

  @Test
  void dryRunWithoutARuleUsesTheInstalledSetAndHasNoSideEffects() throws Exception {
    rules.put("drop-tests", json("{'match':{'condition':'event.data.test == true'},'actions':['drop']}"));
    long revision = store.rules().revision();
    double evaluated = rules.engine().metrics().evaluated.count();
    ObjectNode out = tester.dryRun(json("{'event':{'type':'x','data':{'test':true}}}"));
    assertThat(out.get("dropped_by").textValue()).isEqualTo("drop-tests");
    assertThat(out.get("endpoints")).isEmpty();
    assertThat(store.rules().revision()).isEqualTo(revision);
    assertThat(rules.engine().metrics().evaluated.count()).isEqualTo(evaluated);
    assertThat(log.endPosition(0) + log.endPosition(1)).isZero();
  }

  @Test
  void dryRunReportsCelErrorsOfTheInlineRuleUnderRule() {
    InvalidRuleException e = catchThrowableOfType(InvalidRuleException.class, () ->
        tester.dryRun(json("{'rule':{'match':{'condition':'event.data.x >'},'actions':['drop']},'event':{'type':'t'}}")));
    assertThat(e.problems().get(0).pointer()).isEqualTo("/rule/match/condition");
    assertThat(e.problems().get(0).column()).isNotNull();
    InvalidRuleException noType = catchThrowableOfType(InvalidRuleException.class, () -> tester.dryRun(json("{'event':{}}")));
    assertThat(noType.problems().get(0).pointer()).isEqualTo("/event/type");
  }

  @Test
  void backtestCountsOverTheLastEventsWithoutSideEffects() throws Exception {
    store.endpoints().create(endpoint("ep_a", List.of("*"), null));
    for (int i = 0; i < 30; i++) {
      Event e = new Event("evt_" + i, i % 3 == 0 ? "test.ping" : "order.created", "s", null, null, Instant.EPOCH.plusSeconds(i),
          null, json("{'n':" + i + "}"), null, null, null);
      log.append(i % 2, EventCodec.encode(e)).join();
    }
    rules.put("route-big", json("{'match':{'types':['order.*'],'condition':'event.data.n >= 20'},'actions':[{'route':['ep_a']},{'set':{'path':'data.big','value':'true'}}]}"));
    long revision = store.rules().revision();
    ObjectNode out = tester.backtest(json("{'rule':'route-big'}"), 20);
    // every record went in at the same wall-clock millisecond; 20 newest across 2 partitions
    assertThat(out.get("scanned").intValue()).isEqualTo(20);
    assertThat(out.get("rule")).isEqualTo(json("{'name':'route-big','version':1}"));
    ObjectNode all = tester.backtest(json("{'rule':'route-big'}"), 1000);
    assertThat(all.get("scanned").intValue()).isEqualTo(30);
    // n in 20..29 with type order.* → 20,22,23,25,26,28,29 (21, 24, 27 are test.ping)
    assertThat(all.get("matched").intValue()).isEqualTo(7);
    assertThat(all.get("changed").intValue()).isEqualTo(7);
    assertThat(all.get("routed").toString()).isEqualTo("{\"ep_a\":7}");
    assertThat(all.get("endpoints").toString()).isEqualTo("{\"ep_a\":7}");
    assertThat(store.rules().revision()).isEqualTo(revision);
    assertThat(log.endPosition(0) + log.endPosition(1)).isEqualTo(30);
  }

  @Test
  void backtestOfAnUnknownRuleIsReported() {
    assertThat(catchThrowableOfType(RuleTester.UnknownRuleException.class,
        () -> tester.backtest(json("{'rule':'ghost'}"), 10))).hasMessageContaining("ghost");
  }
}
