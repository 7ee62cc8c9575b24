package dev.kyanite.reliability;

import dev.kyanite.server.Features;
import dev.kyanite.server.KyaniteServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server as a child JVM: {@code java -cp <this classpath> dev.kyanite.server.cli.Main serve
 * --port 0 --data-dir DIR --set ...} with {@code KYANITE_ADMIN_KEY} in the environment. Its stdout
 * and stderr are appended to one file per server under {@code target/reliability-logs} (kept across
 * restarts of the same data dir, and scanned for secrets at the end of the suite). The bound port is
 * read from the "ready on" log line, so restarts never race for a port.
 *
 * <p>Not thread-safe: one test thread drives start, kill and restart.
 */
final class ServerProcess implements AutoCloseable {
  /** The admin key every suite server accepts (given through the environment, never on a command line). */
  static final String ADMIN_KEY = "kya_reliability-admin-0123456789abcdefghijklmnop";
  static final Path LOG_DIR = Path.of("target", "reliability-logs").toAbsolutePath();
  private static final Pattern READY = Pattern.compile("Kyanite ready on https?://[^:]+:(\\d+)");
  private static final boolean DELIVERY = KyaniteServer.configKeys(Features.all()).stream()
      .anyMatch(k -> k.name().equals("delivery.allow-private-targets"));

  private final String name;
  private final Path dataDir;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Path logFile;
  private String heap = "256m";
  private Process process;
  private int port;
  private int starts;

  ServerProcess(String name, Path dataDir) {
    this.name = name;
    this.dataDir = dataDir;
    this.logFile = LOG_DIR.resolve(name + ".log");
    settings.put("http.instances", "1");
    settings.put("http.access-log", "false");
    settings.put("shutdown.timeout", "2s");
    if (DELIVERY) {
      settings.put("delivery.allow-private-targets", "true");
      settings.put("delivery.retry-schedule", "200ms,500ms,1s,1s,2s,2s,5s,5s,5s,5s");
      settings.put("delivery.retry-jitter", "0");
      settings.put("delivery.overload-min-delay", "1s");
      settings.put("delivery.breaker.cool-down", "500ms");
      settings.put("delivery.breaker.max-cool-down", "2s");
    }
  }

  /** Whether this build has webhook delivery (the endpoints API and its config keys). */
  static boolean deliveryAvailable() {
    return DELIVERY;
  }

  ServerProcess set(String key, Object value) {
    settings.put(key, String.valueOf(value));
    return this;
  }

  ServerProcess heap(String xmx) {
    this.heap = xmx;
    return this;
  }

  /** Starts the child and waits until it has logged its port (or fails with the log's tail). */
  ServerProcess start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) throw new IllegalStateException(name + " is running");
    Files.createDirectories(LOG_DIR);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.kyanite.server.cli.Main", "serve",
        "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString()));
    for (Map.Entry<String, String> s : settings.entrySet()) cmd.addAll(List.of("--set", s.getKey() + "=" + s.getValue()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("KYANITE_ADMIN_KEY", ADMIN_KEY);
    starts++;
    append("\n==== start " + starts + " of " + name + " ====\n");
    process = pb.start();
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process.getInputStream(), ready), name + "-log");
    pump.setDaemon(true);
    pump.start();
    try {
      port = ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not start (" + e + "); log tail:\n" + tail(3000), e);
    }
    return this;
  }

  private void pump(InputStream in, CompletableFuture<Integer> ready) {
    try (OutputStream out = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      StringBuilder line = new StringBuilder();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
        if (ready.isDone()) continue;
        line.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        Matcher m = READY.matcher(line);
        if (m.find()) ready.complete(Integer.parseInt(m.group(1)));
        else if (line.length() > 1 << 20) line.setLength(0);
      }
    } catch (IOException e) {
      // the stream ends with the child
    } finally {
      ready.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
    }
  }

  /** SIGKILL, then wait for the process to be gone. */
  void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
    append("\n==== SIGKILL ====\n");
  }

  /** SIGTERM (graceful), then SIGKILL if it hangs. */
  void stop() throws InterruptedException {
    if (process == null) return;
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  Path logFile() {
    return logFile;
  }

  /** Open file descriptors of the child (Linux {@code /proc}). */
  long openFiles() throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return s.count();
    }
  }

  /** Open descriptors of the child that are not sockets (files, pipes): what a file leak would grow. */
  long openNonSockets() throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return s.filter(fd -> {
        try {
          return !Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false; // closed while listing
        }
      }).count();
    }
  }

  /** Everything the child has logged so far (all starts). */
  String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
  }

  String tail(int chars) {
    try {
      String l = log();
      return l.substring(Math.max(0, l.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void append(String s) {
    try {
      Files.writeString(logFile, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // a marker line is a convenience for people reading the log
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
