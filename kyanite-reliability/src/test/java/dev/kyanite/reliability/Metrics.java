package dev.kyanite.reliability;

/** Reads figures from the server's Prometheus {@code /metrics}. */
final class Metrics {
  private Metrics() {}

  /** Sum of {@code jvm_memory_used_bytes{area="heap"}} over the heap pools. */
  static double heapUsedBytes(Api admin) throws Exception {
    return sum(admin.get("/metrics").body(), "jvm_memory_used_bytes", "area=\"heap\"");
  }

  static double sum(String text, String name, String labelFilter) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(labelFilter)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
