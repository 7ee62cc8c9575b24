package dev.kyanite.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The bare delivery baseline: a Vert.x HTTP client on one event loop that POSTs signed
 * webhook-shaped requests (the same body size and Standard Webhooks headers the server sends, one
 * HMAC-SHA256 each) to a receiver as fast as {@code -c} requests in flight allow, and nothing else:
 * no log, no worker, no ledger, no retries. Its requests/s and its CPU per request are the floor
 * under the server's end-to-end figure on the same machine: a webhook is one HTTP exchange per
 * event, and this is what one exchange costs the sender here. Point it at {@code bare} (which
 * answers 202 to {@code POST /v1/events}).
 */
@Command(name = "bare-webhooks", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The bare delivery baseline: signed webhook-shaped POSTs from one Vert.x event loop, "
        + "nothing else. Prints requests/s and this process's CPU per request.", ""})
public final class BareWebhookClient implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8090/v1/events", description = "Receiver. Default: ${DEFAULT-VALUE}")
  String url;

  @Option(names = {"-c", "--concurrency"}, defaultValue = "64", description = "Requests in flight. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--body-bytes", defaultValue = "420", description = "Body size. Default: ${DEFAULT-VALUE}")
  int bodyBytes;

  @Option(names = {"-d", "--duration"}, defaultValue = "15s", converter = DurationConverter.class,
      description = "Measured time. Default: ${DEFAULT-VALUE}")
  java.time.Duration duration;

  @Option(names = "--warmup", defaultValue = "20s", converter = DurationConverter.class,
      description = "Unmeasured time first. Default: ${DEFAULT-VALUE}")
  java.time.Duration warmup;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BareWebhookClient()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    URI target = URI.create(url);
    int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    if ("https".equalsIgnoreCase(target.getScheme())) {
      System.err.println("bare-webhooks: plain HTTP only (the floor is the HTTP exchange, not TLS)");
      return 2;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    // the server's own delivery client settings (DeliveryService)
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(-1));
    StringBuilder sb = new StringBuilder("{\"id\":\"evt_0000000000000000000000\",\"type\":\"bench.event\",\"data\":{\"pad\":\"");
    while (sb.length() < bodyBytes - 3) sb.append('x');
    byte[] body = sb.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[24], "HmacSHA256"));
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long stopAt = System.nanoTime() + warmup.toNanos() + duration.toNanos();
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        new Runnable() {
          long seq;

          @Override
          public void run() {
            if (System.nanoTime() > stopAt) return;
            String msgId = "msg_" + Long.toString(++seq, 36) + "_" + Integer.toHexString(System.identityHashCode(this));
            long ts = System.currentTimeMillis() / 1000;
            mac.update((msgId + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
            String signature = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost())
                .setPort(port).setURI(target.getRawPath())
                .putHeader("content-type", "application/json").putHeader("user-agent", "kyanite-bare-webhooks")
                .putHeader("webhook-id", msgId).putHeader("webhook-timestamp", Long.toString(ts))
                .putHeader("webhook-signature", signature);
            client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                  if (ar.succeeded() && ar.result() / 100 == 2) done.incrementAndGet(); else failed.incrementAndGet();
                  run();
                });
          }
        }.run();
      }
    });
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Thread.sleep(warmup.toMillis());
    long n0 = done.get();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(duration.toMillis());
    long n = done.get() - n0;
    long cpu = os.getProcessCpuTime() - cpu0;
    double secs = (System.nanoTime() - t0) / 1e9;
    if (n == 0) {
      System.err.println("bare-webhooks: no successful request in the measured window (" + failed.get() + " failed)");
      vertx.close().await(10, TimeUnit.SECONDS);
      return 1;
    }
    System.out.printf("bare webhooks: %,.0f requests/s, %.1f us of client CPU per request (%d in flight, %d-byte bodies, "
        + "%d failed)%n", n / secs, cpu / 1e3 / n, concurrency, body.length, failed.get());
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }
}
