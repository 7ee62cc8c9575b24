package dev.kyanite.server.store.sqlite;

import dev.kyanite.core.store.EventIndexStore;
import dev.kyanite.core.store.EventSpan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Microbenchmark of one event-index transaction as the indexer writes it under batch ingest: one
 * {@link EventIndexStore#putAll} with one span and no per-event entry (server-assigned ids), on a
 * real SQLite file in a temp dir. Prints microseconds per transaction for each round of 3,000;
 * compare the later rounds. This is the store's fixed cost per transaction (statements, commit),
 * which the indexer pays once per partition and pass (docs/performance.md). Not a test; run after
 * {@code mvn -DskipTests package}:
 *
 * <pre>
 * taskset -c 0 java -cp kyanite-server/target/test-classes:kyanite-server/target/kyanite-server-all.jar \
 *   dev.kyanite.server.store.sqlite.IndexTransactionBench 8
 * </pre>
 */
public class IndexTransactionBench {
  public static void main(String[] a) throws Exception {
    int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 8;
    Path dir = Files.createTempDirectory("kyanite-index-bench");
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.db"))) {
      EventIndexStore index = store.eventIndex();
      long position = 0;
      long millis = System.currentTimeMillis();
      for (int round = 0; round < rounds; round++) {
        int n = 3_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          index.putAll(List.of(), List.of(new EventSpan(0, position, position + 99, millis + i, millis + i)));
          position += 100;
        }
        System.out.printf("round %d: %.1f us per transaction%n", round, (System.nanoTime() - start) / 1e3 / n);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
