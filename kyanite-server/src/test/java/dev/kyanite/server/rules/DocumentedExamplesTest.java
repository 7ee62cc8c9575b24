package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.install;
import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.PipelineResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The examples of docs/rules.md, so the documentation cannot drift from the behaviour. */
class DocumentedExamplesTest {
  private final RulesEngine engine = RuleFixtures.engine();

  private static Event event(String type, String source, String key, String data) {
    return new Event("evt_1", type, source, null, null, Instant.EPOCH, key, json(data), null, null, null);
  }

  @Test
  void filterByFieldValue() throws Exception {
    install(engine, "eu-fraud-check={'match':{'types':['order.created'],"
        + "'condition':'event.data.region == \\'eu\\' && event.data.amount >= 500'},'actions':[{'route':['ep_fraud']}]}");
    assertThat(engine.apply(event("order.created", "shop", null, "{'region':'eu','amount':500.5}")).routeTo()).containsExactly("ep_fraud");
    assertThat(engine.apply(event("order.created", "shop", null, "{'region':'us','amount':900}")).routeTo()).isNull();
  }

  @Test
  void dropTestTraffic() throws Exception {
    install(engine, "drop-test-traffic={'priority':-100,'match':{'condition':"
        + "'event.source == \\'qa-bot\\' || (has(event.data.test) && event.data.test == true) || event.type.startsWith(\\'test.\\')'},"
        + "'actions':['drop']}");
    assertThat(engine.apply(event("order.created", "qa-bot", null, "{}")).droppedBy()).isEqualTo("drop-test-traffic");
    assertThat(engine.apply(event("order.created", "shop", null, "{'test':true}")).dropped()).isTrue();
    assertThat(engine.apply(event("test.ping", "shop", null, "{}")).dropped()).isTrue();
    PipelineResult real = engine.apply(event("order.created", null, null, "{'test':false}"));
    assertThat(real.dropped()).isFalse();
    assertThat(engine.metrics().conditionErrors.count()).isZero(); // a null source compares without error
  }

  @Test
  void redactEmails() throws Exception {
    install(engine, "redact-emails={'priority':-50,'actions':[{'redact':['data.email','data.customer.email','data.contacts.*.email']}]}");
    PipelineResult r = engine.apply(event("user.created", "app", null,
        "{'email':'a@x.io','customer':{'email':'b@x.io','id':1},'contacts':[{'email':'c@x.io'},{'phone':'1'}]}"));
    assertThat(r.event().data()).isEqualTo(json(
        "{'email':'[REDACTED]','customer':{'email':'[REDACTED]','id':1},'contacts':[{'email':'[REDACTED]'},{'phone':'1'}]}"));
  }

  @Test
  void routeByTenant() throws Exception {
    install(engine, "tenant-acme={'match':{'condition':"
        + "'event.key == \\'acme\\' || (has(event.data.tenant) && event.data.tenant == \\'acme\\')'},"
        + "'actions':[{'route':['ep_acme_prod']},{'set':{'path':'data.routed_by','value':'\\'tenant-acme\\''}}]}");
    PipelineResult byKey = engine.apply(event("order.created", "shop", "acme", "{}"));
    assertThat(byKey.routeTo()).containsExactly("ep_acme_prod");
    assertThat(byKey.event().data()).isEqualTo(json("{'routed_by':'tenant-acme'}"));
    assertThat(engine.apply(event("order.created", "shop", null, "{'tenant':'acme'}")).routeTo()).containsExactly("ep_acme_prod");
    assertThat(engine.apply(event("order.created", "shop", "globex", "{'tenant':'globex'}")).routeTo()).isNull();
  }

  @Test
  void transform() throws Exception {
    install(engine, "normalise-order={'match':{'types':['order.*']},'actions':["
        + "{'set':{'path':'data.total_cents','value':'int(double(event.data.total) * 100.0)'}},"
        + "{'set':{'path':'data.customer.name','value':'event.data.customer.first + \\' \\' + event.data.customer.last'}},"
        + "{'remove':['data.customer.first','data.customer.last','data.internal']}]}");
    PipelineResult r = engine.apply(event("order.created", "shop", null,
        "{'total':12.5,'customer':{'first':'Ada','last':'Lovelace'},'internal':1}"));
    assertThat(r.event().data()).isEqualTo(json("{'total':12.5,'customer':{'name':'Ada Lovelace'},'total_cents':1250}"));
  }
}
