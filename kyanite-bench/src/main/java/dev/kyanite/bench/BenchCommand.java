package dev.kyanite.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kyanite bench}: a load generator for {@code POST /v1/events} in the spirit of
 * kafka-producer-perf-test, redis-benchmark and pgbench. It measures over HTTP like any client
 * and never depends on the server module. The server's CLI adds it as a subcommand; it also runs
 * on its own through {@link #main}.
 *
 * <p>Exit status: 0 done; 1 setup failure or no request succeeded; 2 invalid options; 3 end-to-end
 * run with missing deliveries or bad signatures.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    version = "kyanite bench 0.1.0",
    sortOptions = false,
    subcommands = {BareServer.class, BareWebhookClient.class, PgDirectServer.class},
    description = {
        "Load generator for KyaniteAPI's ingest API: sends events to POST /v1/events (or /v1/events/batch), "
            + "prints a progress line every second on stderr and a final table on stdout: requests/s, events/s, "
            + "errors by status, ack latency percentiles (HdrHistogram, microsecond precision). "
            + "With --e2e it also runs a webhook receiver and measures delivery.", ""},
    footer = {
        "",
        "Examples:",
        "  kyanite bench --duration 30s                              max throughput, 64 connections",
        "  kyanite bench --rate 50000 --duration 60s                 open loop at 50k req/s (coordinated-omission corrected)",
        "  kyanite bench --mode batch --batch-size 100               batches of 100 events",
        "  kyanite bench --e2e --rate 20000 --data-dir ./data        end to end through a local webhook receiver",
        "  kyanite bench bare --port 8090                            the bare baseline server (see 'bench bare --help')",
        "",
        "Exit status: 0 done; 1 setup failure or no successful request; 2 invalid options;",
        "3 end-to-end run with missing deliveries or bad signatures."})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
      description = "Server base URL (http or https). Default: ${DEFAULT-VALUE}")
  String url;

  @Option(names = "--key", paramLabel = "KEY", description = "API key (Bearer). Else env KYANITE_API_KEY, "
      + "else env KYANITE_ADMIN_KEY, else <data-dir>/admin.key. --e2e needs an admin key.")
  String key;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Server data dir to read admin.key from when no key is given.")
  Path dataDir;

  @Option(names = "--mode", defaultValue = "single", paramLabel = "single|batch|ndjson",
      description = "single: one event a request to /v1/events; batch: {\"events\":[...]} and ndjson: one event a line, to /v1/events/batch. Default: ${DEFAULT-VALUE}")
  String mode;

  @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N",
      description = "Events per request in batch and ndjson modes. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--event-size", defaultValue = "300", paramLabel = "BYTES",
      description = "Size of one event's JSON {\"type\":...,\"data\":{...}} in bytes (at least ~150). Default: ${DEFAULT-VALUE}")
  int eventSize;

  @Option(names = "--type", defaultValue = "bench.event", paramLabel = "TYPE",
      description = "Event type. Default: ${DEFAULT-VALUE}")
  String type;

  @Option(names = {"-c", "--connections"}, defaultValue = "64", paramLabel = "N",
      description = "Concurrent requests: keep-alive HTTP/1.1 connections (or HTTP/2 streams). Default: ${DEFAULT-VALUE}")
  int connections;

  @Option(names = "--rate", paramLabel = "REQ/S", description = "Fixed request rate (open loop); latency counts "
      + "from each request's intended send time (coordinated-omission correction). Without it: as fast as possible "
      + "(closed loop).")
  Double rate;

  @Option(names = {"-d", "--duration"}, defaultValue = "10s", paramLabel = "TIME",
      converter = DurationConverter.class, description = "Measured time (e.g. 30s, 2m, 500ms). Default: ${DEFAULT-VALUE}")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "2s", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Load before measuring starts; not counted. With --rate, requests still queued from the "
          + "warm-up when measuring starts are dropped, and answers to requests due before then count as "
          + "throughput, not latency. Default: ${DEFAULT-VALUE}")
  Duration warmup;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
      description = "Generator event-loop threads (connections are split among them). Default: ${DEFAULT-VALUE}")
  int threads;

  @Option(names = "--http2", description = "HTTP/2: h2c with prior knowledge for http://, h2 via ALPN for https://.")
  boolean http2;

  @Option(names = "--h2-streams", defaultValue = "16", paramLabel = "N",
      description = "Streams per HTTP/2 connection; opens ceil(connections/N) connections. Default: ${DEFAULT-VALUE}")
  int h2Streams;

  @Option(names = {"-k", "--insecure"}, description = "Accept any TLS certificate (self-signed servers).")
  boolean insecure;

  @Option(names = "--timeout", defaultValue = "30s", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Connect timeout, and how long a connection may wait for an answer before the request fails. Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Option(names = "--e2e", description = "End to end: run a webhook receiver on 127.0.0.1, register it as an "
      + "endpoint for the event type (admin key; the server must allow private webhook targets), verify every "
      + "signature, report delivery throughput, ack-to-receipt latency, missing and duplicate deliveries; delete "
      + "the endpoint.")
  boolean e2e;

  @Option(names = "--drain", defaultValue = "30s", paramLabel = "TIME", converter = DurationConverter.class,
      description = "--e2e: after the load, wait for deliveries until all arrived or none came for this long. Default: ${DEFAULT-VALUE}")
  Duration drain;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
  Path json;

  @Option(names = {"-q", "--quiet"}, description = "No progress line (the final table still prints).")
  boolean quiet;

  /** The environment; replaced in tests. */
  Map<String, String> env = System.getenv();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LoadSpec spec = spec();
    PrintStream err = System.err;
    if (spec.key() == null && !quiet) {
      err.println("kyanite bench: no API key (--key, KYANITE_API_KEY, KYANITE_ADMIN_KEY or --data-dir);"
          + " sending without Authorization");
    }
    BenchResult result;
    try {
      result = new BenchRun(spec, e2e, drain, quiet ? null : err).run();
    } catch (IllegalStateException e) {
      err.println("kyanite bench: " + e.getMessage());
      return 1;
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.print(result.table());
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result.toMap());
    }
    if (e2e && (result.e2e().summary().missing() > 0 || result.e2e().summary().badSignatures() > 0)) {
      return 3;
    }
    return result.requests() > 0 ? 0 : 1;
  }

  LoadSpec spec() {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw bad("--url: " + e.getMessage());
    }
    if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
      throw bad("--url must be http://host[:port] or https://host[:port], got " + url);
    }
    Mode m;
    try {
      m = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad("--mode must be single, batch or ndjson, got " + mode);
    }
    require(batchSize >= 1 && batchSize <= 100_000, "--batch-size must be 1..100000");
    require(eventSize >= 1 && eventSize <= 16 * 1024 * 1024, "--event-size must be 1..16777216");
    require(connections >= 1, "--connections must be >= 1");
    require(threads >= 1 && threads <= connections, "--threads must be 1..connections");
    require(rate == null || rate > 0, "--rate must be > 0");
    require(!duration.isNegative() && !duration.isZero(), "--duration must be > 0");
    require(!warmup.isNegative(), "--warmup must be >= 0");
    require(h2Streams >= 1, "--h2-streams must be >= 1");
    require(type != null && !type.isBlank() && type.indexOf('"') < 0 && type.indexOf('\\') < 0,
        "--type must be a plain event type");
    String resolvedKey;
    try {
      resolvedKey = resolveKey(key, env, dataDir);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    return new LoadSpec(uri, resolvedKey, m, m == Mode.SINGLE ? 1 : batchSize, eventSize,
        type, connections, rate == null ? 0 : rate, duration, warmup, http2, h2Streams, insecure, threads, timeout);
  }

  /** The key to use: the flag, then KYANITE_API_KEY, KYANITE_ADMIN_KEY, then data-dir/admin.key. */
  static String resolveKey(String flag, Map<String, String> env, Path dataDir) {
    for (String candidate : new String[] {flag, env.get("KYANITE_API_KEY"), env.get("KYANITE_ADMIN_KEY")}) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.trim();
      }
    }
    if (dataDir != null) {
      Path file = dataDir.resolve("admin.key");
      try {
        String k = Files.readString(file, StandardCharsets.UTF_8).trim();
        return k.isEmpty() ? null : k;
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
      }
    }
    return null;
  }

  private void require(boolean ok, String message) {
    if (!ok) {
      throw bad(message);
    }
  }

  private ParameterException bad(String message) {
    return new ParameterException(commandSpec.commandLine(), message);
  }
}
