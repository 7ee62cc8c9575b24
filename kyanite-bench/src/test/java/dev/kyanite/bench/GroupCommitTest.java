package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The durable baselines write what they acknowledge before they acknowledge it. */
class GroupCommitTest {
  @TempDir Path dir;

  private String ring() throws Exception {
    return new String(Files.readAllBytes(dir.resolve("bare-durable.ring")), StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyCallbackRunsAfterItsBodyIsInTheFile() throws Exception {
    int appenders = 8;
    int each = 50; // with at most one 4 KiB-padded gather per body, 400 bodies stay inside a 4 MiB ring
    ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(appenders * each);
    try (GroupCommit commit = GroupCommit.open(dir, 4L << 20)) {
      List<Thread> threads = new ArrayList<>();
      for (int a = 0; a < appenders; a++) {
        int appender = a;
        Thread t = new Thread(() -> {
          for (int i = 0; i < each; i++) {
            String body = "{\"appender\":" + appender + ",\"seq\":" + i + ",\"pad\":\"" + "x".repeat(i * 37 % 1000) + "\"}";
            commit.append(body.getBytes(StandardCharsets.UTF_8), failure -> {
              try {
                if (failure != null) missing.add(body + " (" + failure + ")");
                else if (!ring().contains(body)) missing.add(body);
              } catch (Exception e) {
                missing.add(body + " (" + e + ")");
              }
              done.countDown();
            });
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) t.join();
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(missing).isEmpty();
      assertThat(commit.records()).isEqualTo((long) appenders * each);
      assertThat(commit.forces()).isBetween(1L, commit.records());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void durableBareServerAnswersFsyncAfterWritingTheBody(boolean inline) throws Exception {
    try (BareServer.Running server = BareServer.start("127.0.0.1", 0, 1, dir, inline, 1L << 20)) {
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        String body = "{\"type\":\"t.t\",\"data\":{\"n\":" + i + ",\"inline\":" + inline + "}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"durability\":\"fsync\"");
        assertThat(ring()).contains(body);
      }
    }
  }
}
