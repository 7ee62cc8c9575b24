package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3, disk full: the data dir lives on an 8 MiB tmpfs (mounted by the test when it runs as
 * root with the right to mount; otherwise the log's byte budget stands in for the disk). Writers
 * fill it: ingest answers {@code 503} with {@code Retry-After}, {@code /readyz} turns not-ready,
 * and once a ballast file is deleted everything resumes without a restart; no acknowledged event is
 * lost or damaged.
 */
@Order(3)
class DiskFullTest {
  @TempDir Path dir;

  @Test
  void fullDiskAnswers503AndRecoversWhenSpaceReturns() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    boolean tmpfs = mount(data);
    Path ballast = data.resolve("ballast");
    try (ChildServer server = Suite.server("disk-full", data)) {
      if (tmpfs) {
        Files.write(ballast, new byte[3 << 20]);
        server.set("readiness.min-free-disk", "512KiB").set("log.segment-bytes", "256KiB");
      } else {
        server.set("log.max-bytes", "3MiB").set("log.segment-bytes", "256KiB");
      }
      server.start();
      Api api = Api.admin(server);
      EventWriter writer = new EventWriter(api, 2, "full", 2_000).start();
      HttpResponse<String> refused = awaitFull(api);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).as("Retry-After on %s", refused.body()).isPresent();
      assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).contains("problem+json"));
      if (tmpfs) {
        assertThat(api.get("/readyz").statusCode()).as("readyz with a full disk").isEqualTo(503);
      }
      int ackedWhileFull = writer.acked().size();
      System.out.printf("disk full (%s): %d events acknowledged before the disk filled; refusal: %s%n",
          tmpfs ? "8 MiB tmpfs" : "3 MiB log budget", ackedWhileFull, refused.body());

      if (tmpfs) {
        Files.delete(ballast); // space returns: no restart
        long until = System.currentTimeMillis() + 60_000;
        int status = 0;
        while (System.currentTimeMillis() < until && (status = probe(api).statusCode()) != 202) Thread.sleep(200);
        assertThat(status).as("ingest resumes after space is freed").isEqualTo(202);
        until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until && api.get("/readyz").statusCode() != 200) Thread.sleep(200);
        assertThat(api.get("/readyz").statusCode()).as("ready again").isEqualTo(200);
        assertThat(writer.drain(60_000)).as("writers' refused events are accepted after the disk has room").isTrue();
        assertThat(writer.acked().size()).isGreaterThan(ackedWhileFull);
      }
      writer.close();
      assertThat(writer.failures()).isEmpty();
      assertThat(server.alive()).as("the server survived the full disk").isTrue();
      List<String> unreadable = CrashLoopTest.readAll(api, writer.acked());
      assertThat(unreadable).as("acknowledged events damaged by the full disk").isEmpty();
      server.stop();
      Map<String, Integer> copies = Suite.copiesByDataKey(data, 4);
      assertThat(copies.keySet()).containsAll(writer.acked().keySet());
      System.out.printf("disk full: %d acknowledged events intact after recovery%n", writer.acked().size());
    } finally {
      if (tmpfs) run("umount", "-l", data.toString());
    }
  }

  /** Probes with a small event until one is refused with 503 (the writers keep the disk full). */
  private static HttpResponse<String> awaitFull(Api api) throws Exception {
    long until = System.currentTimeMillis() + 120_000;
    HttpResponse<String> r = null;
    while (System.currentTimeMillis() < until) {
      r = probe(api);
      if (r.statusCode() == 503) return r;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      Thread.sleep(100);
    }
    return r;
  }

  private static HttpResponse<String> probe(Api api) throws Exception {
    return api.post("/v1/events", "{\"type\":\"reliability.probe\",\"data\":{\"pad\":\"" + "p".repeat(2_000) + "\"}}");
  }

  private static boolean mount(Path at) {
    if (!"root".equals(System.getProperty("user.name"))) return false;
    return run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", at.toString());
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
