package dev.kyanite.server.edge;

import dev.kyanite.server.ServerKeys;
import dev.kyanite.server.StartupException;
import dev.kyanite.server.config.Config;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HTTP listener options from configuration: HTTP/1.1 and HTTP/2 (h2 via ALPN over TLS, h2c with
 * prior knowledge or upgrade on cleartext), TLS from PEM files or a throwaway self-signed
 * certificate, idle timeout, header and request-line limits. The TLS settings must have passed
 * {@link TlsSettings#check} (which {@code KyaniteServer.start} runs first).
 */
public final class Listener {
  private Listener() {}

  @SuppressWarnings("deprecation") // SelfSignedCertificate: development convenience, documented as such
  public static HttpServerOptions options(Config config) {
    HttpServerOptions o = new HttpServerOptions()
        .setMaxHeaderSize(Math.toIntExact(config.get(ServerKeys.MAX_HEADER_SIZE)))
        .setMaxInitialLineLength(config.get(ServerKeys.MAX_INITIAL_LINE))
        .setIdleTimeout((int) config.get(ServerKeys.IDLE_TIMEOUT).toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(true)
        .setCompressionSupported(false)
        // no WebSocket routes: without these Vert.x puts a WebSocket extension handler in every
        // connection's pipeline, which looks at every request and response
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setTcpNoDelay(true);
    // TlsSettings.check (run before the server opened anything) vouches for these settings.
    Path cert = config.get(ServerKeys.TLS_CERT);
    Path key = config.get(ServerKeys.TLS_KEY);
    if ((cert == null) != (key == null)) {
      // never fall back to cleartext because a caller skipped the check
      throw new IllegalStateException("tls.cert and tls.key go together; TlsSettings.check was not run");
    }
    PemKeyCertOptions pem = null;
    if (cert != null) {
      pem = new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
    } else if (config.get(ServerKeys.TLS_SELF_SIGNED)) {
      try {
        pem = SelfSignedCertificate.create("localhost").keyCertOptions();
      } catch (RuntimeException e) {
        throw new StartupException("cannot create a self-signed certificate: " + e.getMessage(), e);
      }
    }
    if (pem != null) {
      o.setSsl(true).setUseAlpn(true).setKeyCertOptions(pem)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    return o;
  }
}
