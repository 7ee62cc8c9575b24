package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builders shared by the rules unit tests. */
final class RuleFixtures {
  private RuleFixtures() {}

  static JsonNode json(String s) {
    try {
      return EventCodec.mapper().readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  static Event event(String type, String data) {
    return new Event("evt_1", type, "shop", "order/1", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:01Z"), "tenant-1", json(data), null, null, null);
  }

  /** An engine over the given processors with its own meter registry. */
  static RulesEngine engine(ProcessorRegistry processors) {
    return RulesEngine.create(processors, new SimpleMeterRegistry());
  }

  static RulesEngine engine() {
    return engine(ProcessorRegistry.none());
  }

  /** Compiles "name=json" rules (json with single quotes) and installs them. */
  static RulesEngine install(RulesEngine engine, String... namedRules) throws InvalidRuleException {
    List<Rule> rules = new ArrayList<>();
    for (String nr : namedRules) {
      int eq = nr.indexOf('=');
      rules.add(engine.compile(nr.substring(0, eq), 1, json(nr.substring(eq + 1))));
    }
    engine.install(rules, 1);
    return engine;
  }
}
