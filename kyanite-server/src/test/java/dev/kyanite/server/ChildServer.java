package dev.kyanite.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
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
 * The real server as a child JVM, for tests that must kill it ({@code SIGKILL}) or watch it as a
 * process: {@code java -cp <the test's classpath> dev.kyanite.server.cli.Main serve --port 0 --host
 * 127.0.0.1 --data-dir DIR --set key=value ...}, with the admin key in {@code KYANITE_ADMIN_KEY}
 * (never on a command line, where {@code ps} would show it). Defaults: {@code http.instances=1},
 * {@code http.access-log=false}, {@code -Xmx256m}, admin key {@link TestServer#ADMIN_KEY}.
 *
 * <p>The bound port is read from the child's {@code Kyanite ready on ...} log line, so a restart never
 * races another process for a port, and {@link #start()} returns only once the server has started
 * (or fails with the tail of its log). The child's stdout and stderr are appended to
 * {@code <logDir>/<name>.log}, one file per server kept across its restarts (with a marker line per
 * start and kill); {@link #tail}/{@link #attachLogTail} put the end of it into a failure.
 *
 * <p>Shipped in kyanite-server's test-jar (kyanite-reliability builds its suite on it). Not
 * thread-safe: one test thread drives start, kill and restart.
 */
public final class ChildServer implements AutoCloseable {
  /** The log directory of {@link #ChildServer(String, Path)}: {@code target/child-servers} of the module under test. */
  public static final Path DEFAULT_LOG_DIR = Path.of("target", "child-servers").toAbsolutePath();
  private static final Pattern READY = Pattern.compile("Kyanite ready on https?://[^:]+:(\\d+)");
  private static final long START_TIMEOUT_SECONDS = 60;

  private final String name;
  private final Path dataDir;
  private final Path logDir;
  private final Path logFile;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private String adminKey = TestServer.ADMIN_KEY;
  private String heap = "256m";
  private Process process;
  private int port;
  private int starts;

  /** A server logging to {@link #DEFAULT_LOG_DIR}; not started. */
  public ChildServer(String name, Path dataDir) {
    this(name, dataDir, DEFAULT_LOG_DIR);
  }

  /** A server named {@code name} (its log file and thread names) on {@code dataDir}; not started. */
  public ChildServer(String name, Path dataDir, Path logDir) {
    this.name = name;
    this.dataDir = dataDir;
    this.logDir = logDir.toAbsolutePath();
    this.logFile = this.logDir.resolve(name + ".log");
    settings.put("http.instances", "1");
    settings.put("http.access-log", "false");
  }

  /** A configuration key ({@code --set key=value}) for the next start; replaces an earlier value. */
  public ChildServer set(String key, Object value) {
    settings.put(key, String.valueOf(value));
    return this;
  }

  /** The admin key the child accepts ({@code KYANITE_ADMIN_KEY}) from the next start on. */
  public ChildServer adminKey(String key) {
    this.adminKey = key;
    return this;
  }

  /** The child's maximum heap ({@code -Xmx}), e.g. {@code "96m"}, from the next start on. */
  public ChildServer heap(String xmx) {
    this.heap = xmx;
    return this;
  }

  /** Starts the child and waits until it has logged its port (or fails with the log's tail). */
  public ChildServer start() throws IOException, InterruptedException {
    if (alive()) throw new IllegalStateException(name + " is running");
    Files.createDirectories(logDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.kyanite.server.cli.Main", "serve",
        "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString()));
    for (Map.Entry<String, String> s : settings.entrySet()) cmd.addAll(List.of("--set", s.getKey() + "=" + s.getValue()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("KYANITE_ADMIN_KEY", adminKey);
    starts++;
    append("\n==== start " + starts + " of " + name + " ====\n");
    process = pb.start();
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Process p = process;
    Thread pump = new Thread(() -> pump(p.getInputStream(), ready), name + "-log");
    pump.setDaemon(true);
    pump.start();
    try {
      port = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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

  /** SIGKILL, then wait (up to 20 s) for the process to be gone. No-op when not running. */
  public void kill() throws InterruptedException {
    if (!alive()) return;
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
    append("\n==== SIGKILL ====\n");
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within 20 s. */
  public void stop() throws InterruptedException {
    if (process == null) return;
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** The child's process id (of the latest start). */
  public long pid() {
    if (process == null) throw new IllegalStateException(name + " was never started");
    return process.pid();
  }

  /** The port of the latest start. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port><path>} of the latest start. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public String name() {
    return name;
  }

  public String adminKey() {
    return adminKey;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  /** Open file descriptors of the child (Linux {@code /proc}). */
  public long openFiles() throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return s.count();
    }
  }

  /** Open descriptors of the child that are not sockets (files, pipes): what a file leak would grow. */
  public long openNonSockets() throws IOException {
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

  /** Everything the child has logged so far (all starts, and earlier runs with the same log file). */
  public String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
  }

  /** The last {@code chars} characters of {@link #log()}. */
  public String tail(int chars) {
    try {
      String l = log();
      return l.substring(Math.max(0, l.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Attaches the last 3000 characters of the log to {@code failure} as a suppressed exception, so a
   * test report shows what the server said: {@code catch (Throwable t) { server.attachLogTail(t); throw t; }}.
   */
  public void attachLogTail(Throwable failure) {
    failure.addSuppressed(new LogTail(name + " log " + logFile + ", last 3000 chars:\n" + tail(3000)));
  }

  private void append(String s) {
    try {
      Files.writeString(logFile, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // a marker line is a convenience for people reading the log
    }
  }

  /** Graceful {@link #stop()}. */
  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** The child's log tail, carried by a failure (no stack trace: it is not where anything went wrong). */
  private static final class LogTail extends RuntimeException {
    LogTail(String message) {
      super(message, null, false, false);
    }
  }
}
