package dev.kyanite.log;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kyanite.core.log.AppendResult;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Child process of {@link FileEventLogCrashTest}: appends from several threads until killed and
 * prints one line per acknowledged record, {@code A <partition> <position> <id>}, only after the
 * append future completed. Payloads are a pure function of their id (see {@link #payload}).
 */
public final class CrashAppender {
  static final int PARTITIONS = 2;

  private CrashAppender() {}

  static FileLogOptions options() {
    return FileLogOptions.builder().partitions(PARTITIONS).segmentBytes(64 * 1024)
        .retentionCheckInterval(Duration.ZERO).build();
  }

  /** The bytes of record {@code id} ("run:thread:seq"): the id, a separator, then filler of a size derived from it. */
  static byte[] payload(String id) {
    int len = 20 + Math.floorMod(id.hashCode(), 380);
    StringBuilder b = new StringBuilder(id).append('|');
    for (int i = 0; b.length() < len; i++) b.append((char) ('a' + Math.floorMod(id.hashCode() + i * 31, 26)));
    return b.toString().getBytes(UTF_8);
  }

  static String idOf(byte[] payload) {
    String s = new String(payload, UTF_8);
    int bar = s.indexOf('|');
    return bar < 0 ? s : s.substring(0, bar);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int run = Integer.parseInt(args[1]);
    FileEventLog log = FileEventLog.open(dir, options());
    LinkedBlockingQueue<String> acks = new LinkedBlockingQueue<>();
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), UTF_8));
    out.write("READY\n");
    out.flush();
    Thread printer = new Thread(() -> {
      List<String> lines = new ArrayList<>();
      try {
        while (true) {
          lines.add(acks.take());
          acks.drainTo(lines);
          for (String l : lines) out.write(l);
          out.flush();
          lines.clear();
        }
      } catch (Exception e) {
        // killed or closed: the parent only trusts complete lines
      }
    });
    printer.start();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      Thread appender = new Thread(() -> {
        Semaphore inFlight = new Semaphore(4);
        int partition = thread % PARTITIONS;
        for (int seq = 0; ; ) {
          List<String> ids = new ArrayList<>();
          int n = seq % 5 == 4 ? 3 : 1; // every fifth append is a batch of three
          for (int i = 0; i < n; i++) ids.add(run + ":" + thread + ":" + (seq + i));
          seq += n;
          List<byte[]> records = ids.stream().map(CrashAppender::payload).toList();
          inFlight.acquireUninterruptibly();
          log.append(partition, records).whenComplete((AppendResult r, Throwable e) -> {
            inFlight.release();
            if (e != null) return;
            for (int i = 0; i < ids.size(); i++) {
              acks.add("A " + r.partition() + " " + (r.firstPosition() + i) + " " + ids.get(i) + "\n");
            }
          });
        }
      });
      appender.setDaemon(true);
      appender.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
