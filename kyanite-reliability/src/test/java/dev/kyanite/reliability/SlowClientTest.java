package dev.kyanite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kyanite.server.ChildServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5, slow and abusive clients, all at once against one server: ~2000 kept-alive idle
 * connections, slowloris clients dripping header bytes, slow uploads dripping body bytes, and
 * clients that pipeline requests and never read the answers. A well-behaved client keeps getting
 * its {@code 202}s within a latency bound the whole time, and the server closes every abuser after
 * its timeout: idle ({@code http.idle-timeout}), header read ({@code http.header-timeout}) and body
 * read ({@code http.body-timeout}).
 */
@Order(5)
class SlowClientTest {
  private static final int IDLE_S = 4;
  private static final int HEADER_S = 2;
  private static final int BODY_S = 3;

  @TempDir Path dir;

  @Test
  void abusiveClientsAreClosedAfterTheirTimeoutsWhileOthersAreServed() throws Exception {
    int idleCount = 2_000;
    try (ChildServer server = Suite.server("slow-clients", dir)) {
      server.set("http.idle-timeout", IDLE_S + "s").set("http.header-timeout", HEADER_S + "s").set("http.body-timeout", BODY_S + "s");
      server.start();
      int port = server.port();
      Api api = Api.admin(server);
      List<Socket> idle = new ArrayList<>();
      List<Socket> loris = new ArrayList<>();
      List<Socket> uploads = new ArrayList<>();
      List<Socket> deaf = new ArrayList<>();
      try {
        long t0 = System.nanoTime();
        for (int i = 0; i < idleCount; i++) idle.add(keptAlive(port)); // one request answered, then silence
        for (int i = 0; i < 20; i++) loris.add(open(port, "GET /v1/keys HTTP/1.1\r\nHost: x\r\n"));
        for (int i = 0; i < 20; i++) {
          uploads.add(open(port, "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Suite.ADMIN_KEY
              + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"));
        }
        String pipelined = ("GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n").repeat(500);
        for (int i = 0; i < 10; i++) deaf.add(open(port, pipelined));
        long setupMs = (System.nanoTime() - t0) / 1_000_000;

        // drip one byte a second into the slow ones while a good client works
        long[] latencies = new long[Suite.pick(300, 1_000)];
        long until = System.currentTimeMillis() + (IDLE_S + 6) * 1000L;
        int served = 0;
        long nextDrip = 0;
        while (System.currentTimeMillis() < until || served < latencies.length) {
          if (System.currentTimeMillis() >= nextDrip) {
            drip(loris, "X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
            drip(uploads, "a".getBytes(StandardCharsets.US_ASCII));
            nextDrip = System.currentTimeMillis() + 1_000;
          }
          long s = System.nanoTime();
          int status = api.post("/v1/events", "{\"type\":\"slow.good\",\"data\":{\"i\":" + served + "}}").statusCode();
          assertThat(status).as("the well-behaved client").isEqualTo(202);
          if (served < latencies.length) latencies[served] = (System.nanoTime() - s) / 1_000;
          served++;
          if (served >= latencies.length && System.currentTimeMillis() >= until) break;
          Thread.sleep(10);
        }
        long[] sorted = Arrays.copyOf(latencies, Math.min(served, latencies.length));
        Arrays.sort(sorted);
        long p99 = sorted[(int) (sorted.length * 0.99) - 1];
        long max = sorted[sorted.length - 1];

        // a loaded machine may run the server's timers late: poll until closed, up to a grace period
        long grace = System.currentTimeMillis() + 10_000;
        int idleOpen;
        int lorisOpen;
        int uploadsOpen;
        do {
          drip(loris, "X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
          drip(uploads, "a".getBytes(StandardCharsets.US_ASCII));
          idleOpen = stillOpen(idle);
          lorisOpen = stillOpen(loris);
          uploadsOpen = stillOpen(uploads);
          if (idleOpen + lorisOpen + uploadsOpen == 0) break;
          Thread.sleep(500);
        } while (System.currentTimeMillis() < grace);
        // reading would un-stall the never-reading clients' connections, so they are checked once
        int deafOpen = stillOpen(deaf);
        System.out.printf("slow clients: %d idle, %d slowloris, %d slow uploads, %d never-reading (setup %d ms); "
                + "good client %d requests, p99 %.1f ms, max %.1f ms; still open after the timeouts: idle %d, slowloris %d, "
                + "uploads %d, never-reading %d; server fds %d%n", idle.size(), loris.size(), uploads.size(), deaf.size(), setupMs,
            served, p99 / 1000.0, max / 1000.0, idleOpen, lorisOpen, uploadsOpen, deafOpen, server.openFiles());
        assertThat(p99).as("p99 of the well-behaved client (µs)").isLessThan(Suite.pick(1_000_000, 500_000));
        assertThat(lorisOpen).as("slowloris connections closed by the header timeout").isZero();
        assertThat(uploadsOpen).as("slow uploads closed by the body timeout").isZero();
        assertThat(idleOpen).as("idle connections closed by the idle timeout").isZero();
        assertThat(deafOpen).as("never-reading clients closed by the idle timeout").isZero();
        assertThat(server.alive()).isTrue();
        assertThat(api.get("/healthz").statusCode()).isEqualTo(200);
      } finally {
        for (List<Socket> l : List.of(idle, loris, uploads, deaf)) for (Socket s : l) s.close();
      }
    }
  }

  private static Socket open(int port, String first) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096); // the never-reading clients must fill their window quickly
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /** A connection that made one good request, read its answer, and then went quiet. */
  private static Socket keptAlive(int port) throws IOException {
    Socket s = open(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    s.setSoTimeout(10_000);
    RawHttp.Response r = RawHttp.read(s.getInputStream());
    if (r.status() != 200) throw new IllegalStateException("healthz → " + r.status());
    return s;
  }

  private static void drip(List<Socket> sockets, byte[] bytes) {
    for (Socket s : sockets) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // closed by the server: expected sooner or later
      }
    }
  }

  /** Sockets the server has not closed (a read neither ends the stream nor fails). */
  private static int stillOpen(List<Socket> sockets) throws IOException {
    int open = 0;
    byte[] buf = new byte[65536];
    for (Socket s : sockets) {
      s.setSoTimeout(1);
      try {
        int n;
        while ((n = s.getInputStream().read(buf)) > 0) {
          // drain whatever was answered (the pipelined responses) until the end or a pause
        }
        if (n == 0) open++;
      } catch (SocketTimeoutException e) {
        open++;
      } catch (IOException e) {
        // reset: closed
      }
    }
    return open;
  }
}
