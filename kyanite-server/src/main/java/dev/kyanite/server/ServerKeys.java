package dev.kyanite.server;

import dev.kyanite.server.config.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configuration of the server process itself: listener, TLS, HTTP limits, data dir, backends. */
public final class ServerKeys {
  private ServerKeys() {}

  /** Where metadata lives. */
  public enum StoreBackend { SQLITE, MEMORY }

  public static final ConfigKey<Integer> PORT = ConfigKey.integer("port", 8080, "TCP port to listen on (0 = any free port).")
      .check(p -> p >= 0 && p <= 65535, "0..65535");
  public static final ConfigKey<String> HOST = ConfigKey.string("host", "0.0.0.0", "Address to bind.");
  public static final ConfigKey<Path> DATA_DIR = ConfigKey.path("data-dir", Path.of("data"),
      "Directory for the event log, the SQLite metadata file, the lock file and `admin.key`.");
  public static final ConfigKey<Path> TLS_CERT = ConfigKey.path("tls.cert", null,
      "PEM certificate chain, server certificate first; enables TLS (needs `tls.key`).");
  public static final ConfigKey<Path> TLS_KEY = ConfigKey.path("tls.key", null,
      "Unencrypted PEM private key of `tls.cert` (RSA or EC; PKCS#8, PKCS#1 or SEC1). Checked at start: a key that is "
          + "unreadable, encrypted or not the certificate's stops the server (exit 2).");
  public static final ConfigKey<Boolean> TLS_SELF_SIGNED = ConfigKey.bool("tls.self-signed", false,
      "Serve TLS with a throwaway self-signed certificate for `localhost` (development only).");
  public static final ConfigKey<Long> MAX_BODY = ConfigKey.bytes("http.max-body-size", 1024L * 1024,
      "Largest request body on the routes other than ingest (keys, schemas, endpoints, rules, replays); larger "
          + "bodies get `413`. Ingest has `ingest.max-event-bytes` and `ingest.max-request-bytes`.").check(n -> n > 0, "> 0");
  public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("http.idle-timeout", Duration.ofSeconds(60),
      "Close connections idle for this long (0 = never).");
  public static final ConfigKey<Duration> HEADER_TIMEOUT = ConfigKey.duration("http.header-timeout", Duration.ofSeconds(10),
      "Close a connection whose first request line and headers are not complete this long after it was accepted "
          + "(slowloris; 0 = never).");
  public static final ConfigKey<Duration> BODY_TIMEOUT = ConfigKey.duration("http.body-timeout", Duration.ofSeconds(60),
      "Close a connection whose request body is not complete this long after its headers (slow uploads; 0 = never).");
  public static final ConfigKey<Long> MAX_HEADER_SIZE = ConfigKey.bytes("http.max-header-size", 8192L,
      "Largest total size of request headers (HTTP/1.1: `431` beyond).").check(n -> n >= 1024 && n <= 1 << 20, "1KiB..1MiB");
  public static final ConfigKey<Integer> MAX_INITIAL_LINE = ConfigKey.integer("http.max-initial-line", 4096,
      "Longest HTTP/1.1 request line (method, URI, version); `414` beyond.").check(n -> n >= 256, ">= 256");
  public static final ConfigKey<Boolean> ACCESS_LOG = ConfigKey.bool("http.access-log", true,
      "Write one access log line per request (logger `kyanite.access`). Switch off for benchmarks.");
  public static final ConfigKey<Integer> INSTANCES = ConfigKey.integer("http.instances", 0,
      "HTTP server instances (event loops serving requests); 0 = one per CPU core.").check(n -> n >= 0 && n <= 256, "0..256");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.duration("shutdown.timeout", Duration.ofSeconds(10),
      "On SIGTERM, how long in-flight requests may take to finish before connections are closed.");
  public static final ConfigKey<StoreBackend> STORE = ConfigKey.oneOf("store.backend", StoreBackend.class, StoreBackend.SQLITE,
      "Metadata store: `sqlite` (file `metadata.db` in the data dir) or `memory` (tests only; lost on exit).");
  public static final ConfigKey<Integer> BLOCKING_POOL = ConfigKey.integer("blocking.pool-size", 16,
      "Threads for blocking work (JDBC, file reads) kept off the event loops.").check(n -> n >= 1, ">= 1");

  public static List<ConfigKey<?>> all() {
    return List.of(PORT, HOST, DATA_DIR, TLS_CERT, TLS_KEY, TLS_SELF_SIGNED, MAX_BODY, IDLE_TIMEOUT, HEADER_TIMEOUT, BODY_TIMEOUT, MAX_HEADER_SIZE,
        MAX_INITIAL_LINE, ACCESS_LOG, INSTANCES, SHUTDOWN_TIMEOUT, STORE, BLOCKING_POOL);
  }
}
