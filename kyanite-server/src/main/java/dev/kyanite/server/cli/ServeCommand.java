package dev.kyanite.server.cli;

import dev.kyanite.server.Features;
import dev.kyanite.server.KyaniteServer;
import dev.kyanite.server.ServerKeys;
import dev.kyanite.server.StartupException;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigException;
import dev.kyanite.server.config.ConfigLoader;
import dev.kyanite.server.ops.Logging;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kyanite serve}: runs the server in the foreground until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the server in the foreground (embedded defaults: port 8080, data dir ./data).",
        "Precedence: defaults < --config YAML < KYANITE_* env < flags. `kyanite config` lists every key."},
    footer = {"", "Stop with SIGTERM or Ctrl-C: in-flight requests finish (shutdown.timeout), then it exits 0."})
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", description = "TCP port (env KYANITE_PORT; default 8080)")
  Integer port;
  @Option(names = "--host", description = "Bind address (env KYANITE_HOST; default 0.0.0.0)")
  String host;
  @Option(names = "--data-dir", description = "Data directory (env KYANITE_DATA_DIR; default ./data)")
  Path dataDir;
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
  Path configFile;
  @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (PEM); needs --tls-key")
  Path tlsCert;
  @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key (PEM)")
  Path tlsKey;
  @Option(names = "--tls-self-signed", description = "TLS with a throwaway self-signed certificate (development)")
  boolean tlsSelfSigned;
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set http.access-log=false")
  Map<String, String> set = new LinkedHashMap<>();
  @Option(names = "--exit-when-ready", hidden = true,
      description = "Start, log the start-up timings, then shut down (for start-up measurements and CDS training)")
  boolean exitWhenReady;

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Override
  public Integer call() {
    Map<String, String> flags = new LinkedHashMap<>(set);
    if (port != null) flags.put(ServerKeys.PORT.name(), port.toString());
    if (host != null) flags.put(ServerKeys.HOST.name(), host);
    if (dataDir != null) flags.put(ServerKeys.DATA_DIR.name(), dataDir.toString());
    if (tlsCert != null) flags.put(ServerKeys.TLS_CERT.name(), tlsCert.toString());
    if (tlsKey != null) flags.put(ServerKeys.TLS_KEY.name(), tlsKey.toString());
    if (tlsSelfSigned) flags.put(ServerKeys.TLS_SELF_SIGNED.name(), "true");
    var features = Features.all();
    Config config;
    try {
      config = ConfigLoader.load(KyaniteServer.configKeys(features), configFile, System.getenv(), flags);
    } catch (ConfigException e) {
      return invalid(e);
    }
    Logging.apply(config);
    KyaniteServer server;
    try {
      server = KyaniteServer.start(config, features);
    } catch (ConfigException e) {
      return invalid(e); // e.g. a TLS key that does not match its certificate; nothing was opened yet
    } catch (StartupException e) {
      LOG.error("cannot start: {}", e.getMessage(), e.getCause());
      System.err.println("kyanite: " + e.getMessage());
      return 1;
    }
    Instant jvmStart = ProcessHandle.current().info().startInstant().orElse(null);
    LOG.info("Kyanite ready on {}://{}:{} (data dir {}){} [{}]", server.tls() ? "https" : "http", config.get(ServerKeys.HOST),
        server.port(), config.get(ServerKeys.DATA_DIR).toAbsolutePath(),
        jvmStart == null ? "" : ", " + Duration.between(jvmStart, Instant.now()).toMillis() + " ms after JVM start",
        server.startPhases());
    if (exitWhenReady) {
      server.close();
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      LOG.info("shutting down: draining in-flight requests");
      server.close();
      LOG.info("stopped");
      stopped.countDown();
    };
    Signals.onTermination(stop);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /** Exit code 2: the configuration is wrong and the server opened nothing. */
  private static int invalid(ConfigException e) {
    System.err.println("kyanite: invalid configuration: " + e.getMessage());
    return 2;
  }
}
