package dev.kyanite.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialFormatTest {
  @Test
  void bearerParsingIsStrict() {
    assertThat(Authenticator.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(Authenticator.bearer("bearer  abc ")).isEqualTo("abc");
    assertThat(Authenticator.bearer("Basic abc")).isNull();
    assertThat(Authenticator.bearer("Bearer ")).isNull();
    assertThat(Authenticator.bearer(null)).isNull();
  }

  @Test
  void secretsHaveTheDocumentedFormat() {
    String s = ApiKeySecrets.newSecret();
    assertThat(s).matches("kya_[A-Za-z0-9_-]{43}");
    assertThat(ApiKeySecrets.newSecret()).isNotEqualTo(s);
    assertThat(ApiKeySecrets.hash(s)).hasSize(32);
    assertThat(ApiKeySecrets.newId()).matches("key_[0-9a-f]{24}"); // no '_' after the prefix: never "kya_…"
  }
}
