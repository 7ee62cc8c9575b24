package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the real generator against the real bare server on loopback, for about a second or two. */
class BenchCommandTest {
  private static BareServer.Running bare;
  private final ObjectMapper json = new ObjectMapper();
  @TempDir Path dir;

  @BeforeAll
  static void startBareServer() throws Exception {
    bare = BareServer.start("127.0.0.1", 0, 1);
  }

  @AfterAll
  static void stopBareServer() {
    bare.close();
  }

  private int bench(String... args) {
    List<String> all = new ArrayList<>(List.of("-q"));
    all.addAll(List.of(args));
    if (!all.contains("--url")) {
      all.addAll(List.of("--url", "http://127.0.0.1:" + bare.port()));
    }
    BenchCommand command = new BenchCommand();
    command.env = Map.of();
    return new CommandLine(command).execute(all.toArray(String[]::new));
  }

  @Test
  void singleModeRunWritesResultWithRequestsAndNoErrors() throws Exception {
    Path out = dir.resolve("r.json");
    assertThat(bench("-d", "2s", "--warmup", "500ms", "-c", "16", "--json", out.toString())).isZero();
    JsonNode r = json.readTree(out.toFile());
    assertThat(r.get("requests").asLong()).isPositive();
    assertThat(r.get("events").asLong()).isEqualTo(r.get("requests").asLong());
    assertThat(r.get("errors").asLong()).isZero();
    assertThat(r.get("latency_us").get("count").asLong()).isEqualTo(r.get("requests").asLong());
    assertThat(r.get("latency_us").get("p99").asLong()).isPositive();
  }

  @Test
  void batchModeCountsEveryEventOfEachRequest() throws Exception {
    Path out = dir.resolve("b.json");
    assertThat(bench("--mode", "batch", "--batch-size", "10", "-d", "1s", "--warmup", "0", "-c", "4",
        "--json", out.toString())).isZero();
    JsonNode r = json.readTree(out.toFile());
    assertThat(r.get("events").asLong()).isEqualTo(10 * r.get("requests").asLong()).isPositive();
  }

  @Test
  void http2PriorKnowledgeRunMultiplexesStreams() throws Exception {
    Path out = dir.resolve("h2.json");
    assertThat(bench("--http2", "--h2-streams", "8", "-c", "16", "-d", "1s", "--warmup", "0",
        "--json", out.toString())).isZero();
    JsonNode r = json.readTree(out.toFile());
    assertThat(r.get("http2").asBoolean()).isTrue();
    assertThat(r.get("requests").asLong()).isPositive();
    assertThat(r.get("errors").asLong()).isZero();
  }

  @Test
  void openLoopRunHoldsTheRequestedRate() throws Exception {
    Path out = dir.resolve("o.json");
    assertThat(bench("--rate", "50", "-d", "2s", "--warmup", "0", "-c", "16", "--json", out.toString()))
        .isZero();
    JsonNode r = json.readTree(out.toFile());
    // never faster than asked (the machine may be too busy to keep up, so no tight lower bound)
    assertThat(r.get("requests").asLong()).isBetween(20L, 2 * 50L + 16);
    assertThat(r.get("rate").asDouble()).isEqualTo(50.0);
  }

  @Test
  void aBacklogLeftByTheWarmUpIsNotCarriedIntoTheMeasuredLatencies() throws Exception {
    // a server that is slow (at most ~100 answers/s over 4 connections) until just before the
    // warm-up ends, then instant: at 200 requests/s the warm-up leaves a backlog of ~180 requests
    // due seconds ago; measured from their due times they would put p99 near a second
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    long[] slowUntil = {0};
    try {
      io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(req -> {
        long now = System.nanoTime();
        if (slowUntil[0] == 0) slowUntil[0] = now + 1_800_000_000L;
        req.body().onComplete(b -> {
          if (now - slowUntil[0] < 0) vertx.setTimer(40, t -> req.response().setStatusCode(202).end("{}"));
          else req.response().setStatusCode(202).end("{}");
        });
      }).listen(0, "127.0.0.1").await();
      Path out = dir.resolve("w.json");
      assertThat(bench("--url", "http://127.0.0.1:" + server.actualPort(), "--rate", "200", "-c", "4", "--warmup", "2s",
          "-d", "2s", "--json", out.toString())).isZero();
      JsonNode r = json.readTree(out.toFile());
      assertThat(r.get("latency_us").get("p99").asLong()).as("measured p99 (µs)").isLessThan(300_000);
      assertThat(r.get("requests").asLong()).isBetween(250L, 2 * 200L + 4);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void refusedConnectionsAreCountedAsErrorsAndFailTheRun() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path out = dir.resolve("e.json");
    assertThat(bench("--url", "http://127.0.0.1:" + closedPort, "-d", "500ms", "--warmup", "0", "-c", "2",
        "--json", out.toString())).isEqualTo(1);
    JsonNode r = json.readTree(out.toFile());
    assertThat(r.get("requests").asLong()).isZero();
    assertThat(r.get("errors_by_status").get("connect").asLong()).isPositive();
  }

  @Test
  void endToEndModeFailsClearlyWhenTheEndpointCannotBeRegistered() {
    // the bare server has no admin API: registration gets a 404
    assertThat(bench("--e2e", "-d", "1s", "--warmup", "0")).isEqualTo(1);
  }

  @Test
  void invalidOptionsAreUsageErrors() {
    assertThat(bench("--mode", "xml")).isEqualTo(2);
    assertThat(bench("-c", "0")).isEqualTo(2);
    assertThat(bench("--url", "ftp://x")).isEqualTo(2);
  }

  @Test
  void keyComesFromFlagThenEnvironmentThenDataDir() throws Exception {
    Files.writeString(dir.resolve("admin.key"), "kya_from_file\n");
    assertThat(BenchCommand.resolveKey("kya_flag", Map.of("KYANITE_API_KEY", "kya_env"), dir)).isEqualTo("kya_flag");
    assertThat(BenchCommand.resolveKey(null, Map.of("KYANITE_API_KEY", "kya_env"), dir)).isEqualTo("kya_env");
    assertThat(BenchCommand.resolveKey(null, Map.of("KYANITE_ADMIN_KEY", "kya_admin"), dir)).isEqualTo("kya_admin");
    assertThat(BenchCommand.resolveKey(null, Map.of(), dir)).isEqualTo("kya_from_file");
    assertThat(BenchCommand.resolveKey(null, Map.of(), null)).isNull();
  }
}
