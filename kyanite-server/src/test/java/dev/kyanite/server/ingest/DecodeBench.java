package dev.kyanite.server.ingest;

import dev.kyanite.bench.Mode;
import dev.kyanite.bench.Payloads;
import dev.kyanite.core.log.MemoryEventLog;
import dev.kyanite.core.store.MemoryMetadataStore;
import dev.kyanite.server.schema.SchemaCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Microbenchmark of the ingest event loop's CPU work for a batch, without HTTP, disk or other
 * threads: {@link EventDecoder#batch} (parse, envelope checks, id, record encoding) of a body like
 * {@code kyanite bench --mode batch} sends (100 events of 300 bytes). Prints nanoseconds per event
 * for each 2-second round; compare medians of later rounds (the first ones include JIT warm-up).
 * Far less noisy than a server run on this VM, so it is the A/B for decode changes
 * (docs/performance.md). Not a test (no assertions); run after {@code mvn -DskipTests package}:
 *
 * <pre>
 * taskset -c 0 java -XX:+UseParallelGC -Xmx1g \
 *   -cp kyanite-server/target/test-classes:kyanite-server/target/kyanite-server-all.jar \
 *   dev.kyanite.server.ingest.DecodeBench 10
 * </pre>
 */
public class DecodeBench {
  public static void main(String[] a) throws Exception {
    MemoryMetadataStore store = new MemoryMetadataStore();
    Ingestor in = new Ingestor(new MemoryEventLog(2), new SchemaCatalog(store.schemas(), Clock.systemUTC()), store.eventIndex(),
        new IdempotencyTable(2), new KeyFilter(), IngestSettings.defaults(), Clock.systemUTC(), Runnable::run, null);
    EventDecoder d = new EventDecoder(in);
    byte[] body = Payloads.body(Mode.BATCH, "bench.event", 300, 100, 0).getBytes(StandardCharsets.UTF_8);
    int rounds = Integer.parseInt(a.length > 0 ? a[0] : "8");
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      int n = 0;
      while (System.nanoTime() - t0 < 2_000_000_000L) {
        EventDecoder.Context ctx = new EventDecoder.Context("bench", null, null, Instant.now(), 0);
        Decoded dd = d.batch(body, 0, body.length, EventDecoder.Format.NATIVE, ctx);
        sink += dd.items.size() + dd.items.get(99).record.length;
        n++;
      }
      long ns = System.nanoTime() - t0;
      System.out.printf("round %d: %.0f ns/event%n", r, ns / (n * 100.0));
    }
    if (sink == 42) System.out.println(); // keeps the work observable to the JIT
  }
}
