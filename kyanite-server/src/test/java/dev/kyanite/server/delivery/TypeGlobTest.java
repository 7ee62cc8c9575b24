package dev.kyanite.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TypeGlobTest {
  @Test
  void starMatchesAnyRunOfCharactersAndLiteralsMatchExactly() {
    TypeGlob g = TypeGlob.of(List.of("order.*", "user.created"));
    assertThat(g.matches("order.created")).isTrue();
    assertThat(g.matches("order.item.added")).isTrue();
    assertThat(g.matches("order")).isFalse();
    assertThat(g.matches("user.created")).isTrue();
    assertThat(g.matches("user.deleted")).isFalse();
    assertThat(g.matches("xorder.created")).isFalse();
  }

  @Test
  void aLoneStarMatchesEverythingAndRegexCharactersAreLiteral() {
    assertThat(TypeGlob.of(List.of("*")).matches("anything.at.all")).isTrue();
    assertThat(TypeGlob.of(List.of("*.created")).matches("order.created")).isTrue();
    assertThat(TypeGlob.of(List.of("a.b")).matches("axb")).isFalse();
  }

  @Test
  void validatesGlobSyntax() {
    assertThat(TypeGlob.valid("order.*")).isTrue();
    assertThat(TypeGlob.valid("")).isFalse();
    assertThat(TypeGlob.valid("order created")).isFalse();
    assertThat(TypeGlob.valid("a(b)")).isFalse();
  }
}
