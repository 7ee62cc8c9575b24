package dev.kyanite.server.ops;

import dev.kyanite.core.Health;
import dev.kyanite.server.Feature;
import dev.kyanite.server.ServerContext;
import dev.kyanite.server.auth.Scope;
import dev.kyanite.server.config.ConfigKey;
import dev.kyanite.server.edge.Problem;
import dev.kyanite.server.edge.Problems;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Operations endpoints: {@code GET /healthz} (alive), {@code GET /readyz} (log, store, data dir,
 * free disk), {@code GET /openapi.json}, {@code GET /metrics} (Prometheus; {@code admin} unless
 * {@code metrics.public=true}). Only the first three answer without a key.
 */
public final class OpsFeature implements Feature {
  public static final ConfigKey<Long> MIN_FREE_DISK = ConfigKey.bytes("readiness.min-free-disk", 256L * 1024 * 1024,
      "`/readyz` reports not ready when the data dir's file system has less free space than this.");

  @Override
  public String name() {
    return "ops";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(MIN_FREE_DISK);
  }

  @Override
  public String openApiResource() {
    return OpenApi.BASE;
  }

  @Override
  public void mount(Router router, ServerContext ctx) {
    Buffer healthy = new JsonObject().put("status", "ok").toBuffer();
    router.get("/healthz").handler(rc -> rc.response().putHeader("Content-Type", "application/json").end(healthy));

    long minFree = ctx.config().get(MIN_FREE_DISK);
    router.get("/readyz").handler(rc -> ctx.executeBlocking(() -> readiness(ctx, minFree)).onComplete(ar -> {
      JsonObject checks = ar.succeeded() ? ar.result() : new JsonObject().put("readiness", down(ar.cause().toString()));
      boolean ready = checks.stream().allMatch(e -> ((JsonObject) e.getValue()).getBoolean("ok"));
      if (ready) {
        rc.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "ready").put("checks", checks).toBuffer());
      } else {
        Problems.send(rc, Problem.of(503, "not-ready", "Not ready").detail("a readiness check failed")
            .with("checks", checks).header("Retry-After", "5"));
      }
    }));

    // Built on first request (off the event loop): keeps JSON parsing off the startup path.
    java.util.concurrent.atomic.AtomicReference<io.vertx.core.Future<Buffer>> openApi = new java.util.concurrent.atomic.AtomicReference<>();
    router.get("/openapi.json").handler(rc -> {
      io.vertx.core.Future<Buffer> doc = openApi.get();
      if (doc == null || doc.failed()) {
        openApi.compareAndSet(doc, ctx.executeBlocking(() -> OpenApi.build(ctx.features()).toBuffer()));
        doc = openApi.get();
      }
      doc.onSuccess(b -> rc.response().putHeader("Content-Type", "application/json").end(b)).onFailure(rc::fail);
    });

    PrometheusMeterRegistry prom = (PrometheusMeterRegistry) ctx.metrics();
    var metrics = router.get("/metrics");
    if (!ctx.config().get(Metrics.PUBLIC)) metrics.handler(ctx.auth().require(Scope.ADMIN));
    metrics.handler(rc -> ctx.executeBlocking(prom::scrape).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
    }));
  }

  static JsonObject readiness(ServerContext ctx, long minFree) {
    JsonObject checks = new JsonObject();
    checks.put("log", json(ctx.eventLog().check()));
    checks.put("store", json(ctx.store().check()));
    Path dir = ctx.dataDir();
    checks.put("data_dir", Files.isDirectory(dir) && Files.isWritable(dir) ? up() : down(dir + " is not a writable directory"));
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      checks.put("disk", free >= minFree ? up().put("free_bytes", free)
          : down("only " + free + " bytes free, need " + minFree).put("free_bytes", free));
    } catch (IOException e) {
      checks.put("disk", down(e.toString()));
    }
    return checks;
  }

  private static JsonObject json(Health h) {
    return h.ok() ? up() : down(h.detail());
  }

  private static JsonObject up() {
    return new JsonObject().put("ok", true);
  }

  private static JsonObject down(String detail) {
    return new JsonObject().put("ok", false).put("detail", detail);
  }
}
