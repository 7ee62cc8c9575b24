package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleCompilerTest {
  private final RulesEngine engine = RuleFixtures.engine();

  private List<RuleProblem> problems(String name, String rule) {
    return catchThrowableOfType(InvalidRuleException.class, () -> engine.compile(name, 1, json(rule))).problems();
  }

  @Test
  void acceptsEveryActionFormAndKeepsTheDefinition() throws Exception {
    Rule r = engine.compile("all-forms", 2, json("{'description':'d','priority':-3,'enabled':true,'version':9,"
        + "'match':{'types':['a.*'],'condition':'true'},'actions':['drop',{'drop':true},{'set':{'path':'data.a','value':'1'}},"
        + "{'remove':['data.a']},{'remove':{'paths':['data.b']}},{'redact':['data.c']},{'redact':{'paths':['data.d'],'mask':0}},"
        + "{'route':['x']},{'route':{'endpoints':['y']}}]}"));
    assertThat(r.actions()).hasSize(9);
    assertThat(r.priority()).isEqualTo(-3);
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.definition().has("version")).isFalse();
    assertThat(((Action.Redact) r.actions().get(5)).mask().textValue()).isEqualTo("[REDACTED]");
  }

  @Test
  void parseErrorReportsLineAndColumn() {
    List<RuleProblem> p = problems("bad", "{'match':{'condition':'event.data.amount >'},'actions':['drop']}");
    assertThat(p).singleElement().satisfies(e -> {
      assertThat(e.pointer()).isEqualTo("/match/condition");
      assertThat(e.keyword()).isEqualTo("cel");
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.column()).isEqualTo(20); // just past the 19 characters
    });
  }

  @Test
  void multiLineExpressionErrorsPointAtTheRightLine() {
    List<RuleProblem> p = problems("bad", "{'match':{'condition':'event.type == \\'a\\' &&\\n  event.data.x ++ 1'},'actions':['drop']}");
    assertThat(p.get(0).line()).isEqualTo(2);
    assertThat(p.get(0).column()).isGreaterThan(1);
  }

  @Test
  void typeErrorsAreRefusedAtRegistration() {
    assertThat(problems("t", "{'match':{'condition':'1 + \\'a\\' == 2'},'actions':['drop']}").get(0).message())
        .contains("no matching overload");
    // a condition must be a boolean
    assertThat(problems("t", "{'match':{'condition':'\\'yes\\''},'actions':['drop']}").get(0).pointer())
        .isEqualTo("/match/condition");
    assertThat(problems("t", "{'actions':[{'set':{'path':'data.a','value':'nope(1)'}}]}").get(0).pointer())
        .isEqualTo("/actions/0/set/value");
  }

  @Test
  void oversizedAndTooDeeplyNestedExpressionsAreRefused() {
    String big = "event.type == 'x'" + " || event.type == 'x'".repeat(300);
    assertThat(problems("t", "{'match':{'condition':'" + big.replace("'", "\\'") + "'},'actions':['drop']}").get(0).message())
        .contains("limit");
    String deep = "(".repeat(200) + "true" + ")".repeat(200);
    assertThat(problems("t", "{'match':{'condition':'" + deep + "'},'actions':['drop']}").get(0).keyword()).isEqualTo("cel");
  }

  @Test
  void reportsEveryStructuralProblemWithAPointer() {
    List<RuleProblem> p = problems("bad name!", "{'priority':'high','enabled':'yes','colour':1,'match':{'types':'a','x':1},"
        + "'actions':[{'explode':true},{'set':{'path':'nowhere.x','value':'1'}},{'remove':[]},{'route':[1]},"
        + "{'process':'missing'},{'drop':false},{'set':1,'remove':2},{'set':{'path':'data.*','value':'1'}}]}");
    assertThat(p).extracting(RuleProblem::pointer).containsExactlyInAnyOrder(
        "/name", "/colour", "/priority", "/enabled", "/match/x", "/match/types", "/actions/0/explode",
        "/actions/1/set/path", "/actions/2/remove", "/actions/3/route/0", "/actions/4/process", "/actions/5/drop",
        "/actions/6", "/actions/7/set/path");
  }

  @Test
  void actionObjectsRefuseUnknownMembersTypeGlobsAreCheckedAndSubjectMasksAreText() {
    List<RuleProblem> p = problems("t", "{'description':'" + "d".repeat(1001) + "','match':{'types':['order.*','bad glob!']},"
        + "'actions':[{'redact':{'paths':['data.a'],'maks':'x'}},{'set':{'path':'data.a','value':'1','vlaue':'2'}},"
        + "{'redact':{'paths':['subject'],'mask':5}},{'route':{'endpoints':['e'],'x':1}}]}");
    assertThat(p).extracting(RuleProblem::pointer).containsExactlyInAnyOrder("/description", "/match/types/1",
        "/actions/0/redact/maks", "/actions/1/set/vlaue", "/actions/2/redact/mask", "/actions/3/route/x");
    assertThat(p.stream().filter(x -> x.pointer().equals("/actions/0/redact/maks")).findFirst().orElseThrow().message())
        .contains("mask", "paths");
  }

  @Test
  void aRuleStoredByAnEarlierVersionStillCompilesWithoutTheNewerChecks() throws Exception {
    String old = "{'description':'" + "d".repeat(1001) + "','match':{'types':['bad glob!']},"
        + "'actions':[{'redact':{'paths':['data.a'],'maks':'x'}},{'redact':{'paths':['subject'],'mask':5}}]}";
    assertThat(problems("t", old)).hasSize(4); // a new rule gets every check
    assertThat(engine.compileStored("t", 3, json(old)).actions()).hasSize(2); // an upgrade never disables a stored rule
  }

  @Test
  void actionsAreRequired() {
    assertThat(problems("t", "{'match':{'types':['a']}}")).extracting(RuleProblem::pointer).containsExactly("/actions");
    assertThat(problems("t", "{'actions':[]}")).extracting(RuleProblem::pointer).containsExactly("/actions");
    assertThatThrownBy(() -> engine.compile("t", 1, json("[]"))).isInstanceOf(InvalidRuleException.class);
  }

  @Test
  void bodyNameMustMatchThePathName() {
    assertThat(problems("a", "{'name':'b','actions':['drop']}")).extracting(RuleProblem::pointer).containsExactly("/name");
  }

  @Test
  void pathsAcceptPointersAndDots() {
    assertThat(FieldPath.parse("/data/a~1b/c~0d").segments()).containsExactly("a/b", "c~d");
    assertThat(FieldPath.parse("data.items.0.sku").segments()).containsExactly("items", "0", "sku");
    assertThat(FieldPath.parse("ext.tenant").root()).isEqualTo("extensions");
    assertThatThrownBy(() -> FieldPath.parse("data..x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldPath.parse("subject.x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldPath.parse("type")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void globsMatchAnyRunOfCharacters() {
    assertThat(new Glob("order.*").matches("order.item.added")).isTrue();
    assertThat(new Glob("*.created").matches("order.created")).isTrue();
    assertThat(new Glob("*").matches("x")).isTrue();
    assertThat(new Glob("a*b*c").matches("axxbyyc")).isTrue();
    assertThat(new Glob("a*b*c").matches("axxbyy")).isFalse();
    assertThat(new Glob("order.created").matches("order.createdX")).isFalse();
  }
}
