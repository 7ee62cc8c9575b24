package dev.kyanite.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.PipelineResult;
import org.junit.jupiter.api.Test;

/** Runs {@link RulesBench} under {@code -Dkyanite.long=true}; always checks the bench's rules behave. */
class RulesBenchTest {
  @Test
  void benchRulesCompileAndDoWhatTheySay() throws Exception {
    RulesEngine engine = RulesBench.tenRules();
    int dropped = 0, changed = 0, routed = 0;
    for (byte[] b : RulesBench.events(600)) {
      Event e = EventCodec.decode(b);
      PipelineResult r = engine.apply(e);
      if (r.dropped()) dropped++;
      else if (r.event() != e) changed++;
      if (r.routeTo() != null) routed++;
    }
    assertThat(dropped).isPositive();
    assertThat(changed).isPositive();
    assertThat(routed).isPositive();
    assertThat(engine.metrics().conditionErrors.count()).isZero();
  }

  @Test
  void measureThroughputLoss() throws Exception {
    assumeTrue(Boolean.getBoolean("kyanite.long"), "benchmark: run with -Dkyanite.long=true");
    System.out.println(RulesBench.summary(RulesBench.measure(9, 2_000)));
  }
}
