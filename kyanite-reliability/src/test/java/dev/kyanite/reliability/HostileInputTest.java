package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4, hostile input: a corpus of known-bad requests ({@link HostileCorpus}) and then
 * randomized mutations of valid ones, over every route, at a server with a small heap
 * ({@code -Xmx96m}). No answer may be a {@code 5xx}; protocol-level garbage may be answered with a
 * {@code 4xx} or a closed connection, anything well-framed must get an HTTP answer. Afterwards the
 * server is alive, serves a normal event, and its heap (from {@code /metrics}) is bounded.
 */
@Order(4)
class HostileInputTest {
  @TempDir Path dir;

  @Test
  void hostileRequestsNeverGet5xxNorCrashTheServer() throws Exception {
    int randomCases = Suite.pick(1_500, 5_000);
    try (ChildServer server = Suite.server("hostile-input", dir).heap("96m")) {
      server.set("http.max-header-size", "8KiB").set("ingest.max-request-bytes", "1MiB");
      server.start();
      Api api = Api.admin(server);
      HostileCorpus corpus = new HostileCorpus(Suite.ADMIN_KEY);
      List<String> bad = new ArrayList<>();
      Map<Integer, Integer> statuses = new LinkedHashMap<>();
      int sent = 0;
      for (HostileCorpus.Case c : corpus.fixed()) {
        judge(server, c, bad, statuses);
        sent++;
      }
      Random rnd = new Random();
      for (int i = 0; i < randomCases; i++) {
        judge(server, corpus.mutated(rnd), bad, statuses);
        sent++;
      }
      assertThat(server.alive()).as("server alive after the fuzzing; log tail:%n%s", server.tail(2000)).isTrue();
      assertThat(bad).as("answers that broke the contract (first 30)").isEmpty();
      assertThat(api.post("/v1/events", "{\"type\":\"after.fuzz\",\"data\":{}}").statusCode()).isEqualTo(202);
      double heap = Metrics.heapUsedBytes(api);
      System.out.printf("hostile input: %d requests (%d corpus), statuses %s, heap used after %.1f MiB of 96 MiB%n",
          sent, corpus.fixed().size(), statuses, heap / (1 << 20));
      assertThat(heap).as("heap after the run").isLessThan(96.0 * (1 << 20));
    }
  }

  private static void judge(ChildServer server, HostileCorpus.Case c, List<String> bad, Map<Integer, Integer> statuses) {
    RawHttp.Response r;
    try {
      r = RawHttp.exchange(server.port(), c.raw(), 15_000);
    } catch (Exception e) {
      r = new RawHttp.Response(-2, e.toString(), "");
    }
    statuses.merge(r.status(), 1, Integer::sum);
    boolean ok = r.status() >= 100 && r.status() < 500 || (r.status() == -1 && c.protocolLevel());
    if (!ok && bad.size() < 30) {
      bad.add(c.name() + " → " + r.status() + " " + r.body().substring(0, Math.min(300, r.body().length())));
    }
    if (!server.alive() && bad.size() < 30) bad.add(c.name() + " killed the server");
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
