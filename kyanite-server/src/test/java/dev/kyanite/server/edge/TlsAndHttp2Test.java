package dev.kyanite.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsAndHttp2Test {
  static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  record Answer(int status, HttpVersion version, String body, String requestId) {}

  static Answer get(HttpClientOptions opts, int port, String path, String key) throws Exception {
    HttpClientAgent client = vertx.createHttpClient(opts);
    try {
      RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path);
      if (key != null) ro.putHeader("Authorization", "Bearer " + key);
      return client.request(ro).compose(req -> req.send()).compose((HttpClientResponse res) ->
          res.body().map(b -> new Answer(res.statusCode(), res.version(), b.toString(), res.getHeader("X-Request-Id"))))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void h2cWithPriorKnowledgeOnCleartext() throws Exception {
    try (TestServer s = TestServer.start()) {
      HttpClientOptions o = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
      Answer a = get(o, s.port(), "/healthz", null);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(a.requestId()).startsWith("req_");
      Answer keys = get(o, s.port(), "/v1/keys", s.adminKey());
      assertThat(keys.status()).isEqualTo(200);
      assertThat(get(o, s.port(), "/nope", null).status()).isEqualTo(404);
    }
  }

  @Test
  void selfSignedTlsServesH2ViaAlpnAndHttp11() throws Exception {
    try (TestServer s = TestServer.start(Map.of("tls.self-signed", true))) {
      assertThat(s.server().tls()).isTrue();
      HttpClientOptions h2 = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
          .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2);
      Answer a = get(h2, s.port(), "/healthz", null);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(get(h2, s.port(), "/v1/keys", s.adminKey()).status()).isEqualTo(200);

      HttpClientOptions h1 = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
      Answer b = get(h1, s.port(), "/v1/keys", null);
      assertThat(b.status()).isEqualTo(401);
      assertThat(b.version()).isEqualTo(HttpVersion.HTTP_1_1);
    }
  }

  @Test
  void pemCertificateFilesEnableTls() throws Exception {
    @SuppressWarnings("deprecation")
    io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    try (TestServer s = TestServer.start(Map.of("tls.cert", cert.certificatePath(), "tls.key", cert.privateKeyPath()))) {
      HttpClientOptions o = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
      assertThat(get(o, s.port(), "/healthz", null).status()).isEqualTo(200);
    } finally {
      cert.delete();
    }
  }
}
