package dev.kyanite.server.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyanite.core.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast evaluator ({@link FastCel}) must never disagree with CEL-Java: for every expression and
 * event below, whatever it decides equals CEL's value, and where CEL fails it does not decide.
 * {@link Expressions.Compiled#eval} (fast, then CEL) must give exactly CEL's outcome.
 */
class CelFastPathTest {
  private static final String[] CONDITIONS = {
    "event.type == 'order.created'", "event.type != 'order.created'", "event.source == 'qa-bot'",
    "event.key == 'acme'", "event.subject == null", "event.time == null", "event.key != null",
    "event.data.amount > 900.0", "event.data.amount >= 500", "event.data.amount < 10", "event.data.amount <= 12.5",
    "event.data.amount == 12", "event.data.amount == 12.0", "event.data.amount != 12",
    "event.data.region == 'eu' && event.data.amount >= 500.0", "event.data.region == 'eu' || event.data.amount > 1.0",
    "has(event.data.test) && event.data.test == true", "event.source == 'qa-bot' || (has(event.data.test) && event.data.test == true)",
    "!has(event.data.region)", "!(event.data.region == 'eu')", "has(event.data.customer.email)",
    "event.data.customer.email.endsWith('@example.com')", "event.type.startsWith('order.')", "event.data.note.contains('x')",
    "event.data.items.exists(i, i.sku.startsWith('VIP'))", "event.data.items.all(i, i.qty > 0)",
    "event.data.items.exists_one(i, i.qty == 2)", "size(event.data.items) > 1", "event.data.items.size() == 2",
    "size(event.data.note) < 5", "event.data.region in ['eu', 'us']", "'region' in event.data",
    "event.data.items[0].qty == 2", "event.data['region'] == 'eu'", "event.data.items.map(i, i.qty).exists(q, q > 1)",
    "event.data.items.filter(i, i.qty > 1).size() == 1", "event.data.big > 1", "event.data.big == 9007199254740993.0",
    "event.data.n + 1 > 2", "event.data.n * 2 == 4", "event.data.n - 1 == 1", "event.data.flag", "event.data.flag == 1",
    "event.data.missing == 1", "event.data.amount > 'x'", "event.data.nested.a.b == 'c'", "event.data.nullish == null",
    "event.data.nullish.x == 1", "has(event.data.nullish.x)", "event.extensions.size() == 0", "has(event.extensions.traceparent)",
    "event.data.amount > 1 ? event.data.region == 'eu' : false", "event.data.maxint + 1 > 0", "event.data.items[5].qty == 1",
    "event.data.region == 'eu' && event.data.missing == 1", "event.data.missing == 1 || event.data.region == 'eu'",
    "event.data.missing == 1 && false", "event.data.tags.exists(t, t == 'a')", "'a' in event.data.tags",
    "event.data.amount in [12, 12.5, 1000]", "event.subject == 'x'", "event.key != 'acme'", "event.data.region == null",
    "event.data.region != 1", "event.data.flag == 'yes'", "event.data.n == true", "null == event.time", "'eu' in [event.data.region, 1]", "event.data.unicode.size() == 3", "event.data.items.all(i, has(i.sku))",
    "[1, 2, 3].exists(x, x == event.data.n)", "event.data.keys.all(k, k in event.data)",
    "timestamp(event.time) > timestamp('2020-01-01T00:00:00Z')", "event.data.region.matches('^e')", "int(event.data.n) == 2",
  };

  private static final String[] VALUES = {
    "'large'", "true", "1", "2.5", "null", "event.data.first + ' ' + event.data.last", "event.data.n + 40",
    "event.data.amount * 2.0", "event.data.customer", "event.data.items", "event.data.items.map(i, i.sku)",
    "[event.type, event.key]", "event.data.items[1]", "event.time", "event.received_at", "event.data.region == 'eu' ? 'EU' : 'other'",
    "event", "event.data.missing", "size(event.data.items)", "string(event.data.n)",
  };

  private static final String[] DATA = {
    "{'amount':12,'region':'eu','customer':{'email':'a@example.com'},'items':[{'sku':'VIP-1','qty':2},{'sku':'S','qty':1}],"
        + "'note':'xx','n':2,'first':'Ada','last':'L','flag':true,'test':true,'tags':['a','b'],'unicode':'äöü',"
        + "'nested':{'a':{'b':'c'}},'nullish':null,'big':9007199254740993,'maxint':9223372036854775807,'keys':['n','amount']}",
    "{'amount':1200.5,'region':'us','customer':{},'items':[{'sku':'A','qty':0}],'note':'','n':'two','first':1,'last':'L',"
        + "'flag':'yes','test':false,'tags':[1,'a'],'unicode':'😀ab','nested':{'a':1},'big':-9007199254740993,'maxint':1,'keys':['zz']}",
    "{'amount':'12','region':null,'items':[],'tags':[],'n':1.5,'keys':[]}",
    "{'amount':12.5,'region':'eu','items':[{'qty':3},{'sku':null,'qty':-1}],'n':9223372036854775807}",
    "{}", "[]", "null", "'a string'", "42",
  };

  @Test
  void fastPathAgreesWithCelOnEveryExpressionAndEvent() throws Exception {
    Expressions x = new Expressions(Expressions.DEFAULT_LIMITS);
    List<Event> events = events();
    int total = 0;
    for (String src : CONDITIONS) {
      total += check(x.condition(src), events);
    }
    for (String src : VALUES) {
      total += check(x.value(src), events);
    }
    assertThat(total).as("evaluations the fast path decided").isGreaterThan(350);
  }

  @Test
  void theCommonSubsetHasAFastFormAndTheRestDoesNot() throws Exception {
    Expressions x = new Expressions(Expressions.DEFAULT_LIMITS);
    assertThat(x.condition("event.data.amount > 900.0 && event.type.startsWith('order.')").fast()).isNotNull();
    assertThat(x.condition("event.data.items.exists(i, i.sku.startsWith('VIP'))").fast()).isNotNull();
    assertThat(x.condition("timestamp(event.time) > timestamp('2020-01-01T00:00:00Z')").fast()).isNull();
    assertThat(x.condition("event.data.region.matches('^e')").fast()).isNull();
    assertThat(x.value("{'a': 1}").fast()).isNull();
    for (String rule : RulesBench.RULES) {
      JsonNode def = RuleFixtures.json(rule.substring(rule.indexOf('=') + 1));
      JsonNode cond = def.path("match").path("condition");
      if (cond.isTextual()) assertThat(x.condition(cond.textValue()).fast()).as(cond.textValue()).isNotNull();
    }
  }

  @Test
  void iterationBudgetIsCELsDecision() throws Exception {
    Expressions x = new Expressions(new Expressions.Limits(4096, 32, 3));
    Expressions.Compiled c = x.condition("event.data.items.all(i, i > 0)");
    Event small = RuleFixtures.event("t", "{'items':[1,2,3]}");
    Event big = RuleFixtures.event("t", "{'items':[1,2,3,4]}");
    assertThat(c.eval(new EventMap(small))).isEqualTo(true);
    assertThat(c.fast().eval(new EventMap(big))).isSameAs(FastCel.BAIL);
    assertThat(outcome(c, big)).startsWith("error:");
  }

  /** Checks one expression over every event; returns how many evaluations the fast path decided. */
  private static int check(Expressions.Compiled c, List<Event> events) {
    int decided = 0;
    for (Event e : events) {
      String cel = reference(c, e);
      String via = outcome(c, e);
      assertThat(via).as("%s over %s", c.source(), e.data()).isEqualTo(cel);
      if (c.fast() != null) {
        Object v = c.fast().eval(new EventMap(e));
        if (v != FastCel.BAIL) {
          decided++;
          assertThat("value: " + JsonCel.toJson(v) + " " + kind(v)).as("fast %s over %s", c.source(), e.data()).isEqualTo(cel);
        }
      }
    }
    return decided;
  }

  /** CEL-Java exactly as before the fast path: the event in an activation map. */
  private static String reference(Expressions.Compiled c, Event e) {
    try {
      Object v = c.program().eval(Map.of("event", new EventMap(e)));
      return "value: " + JsonCel.toJson(v) + " " + kind(v);
    } catch (Exception ex) {
      return "error: " + ex.getClass().getSimpleName();
    }
  }

  private static String outcome(Expressions.Compiled c, Event e) {
    try {
      Object v = c.eval(new EventMap(e));
      return "value: " + JsonCel.toJson(v) + " " + kind(v);
    } catch (Exception ex) {
      return "error: " + ex.getClass().getSimpleName();
    }
  }

  private static String kind(Object v) {
    if (v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean) return v.getClass().getSimpleName();
    return v instanceof Map ? "map" : v instanceof List ? "list" : String.valueOf(v == null ? null : "other");
  }

  private static List<Event> events() {
    List<Event> out = new ArrayList<>();
    String[] sources = {"shop", "qa-bot"};
    String[] keys = {"acme", null};
    for (int i = 0; i < DATA.length; i++) {
      ObjectNode ext = i % 2 == 0 ? null : (ObjectNode) RuleFixtures.json("{'traceparent':'00-ab'}");
      out.add(new Event("evt_" + i, i % 3 == 0 ? "order.created" : "user.updated", sources[i % 2], i % 3 == 1 ? "s" : null,
          i % 2 == 0 ? Instant.parse("2026-01-01T00:00:00Z") : null, Instant.parse("2026-01-01T00:00:01Z"), keys[i % 2],
          RuleFixtures.json(DATA[i]), ext, null, null));
    }
    return out;
  }
}
