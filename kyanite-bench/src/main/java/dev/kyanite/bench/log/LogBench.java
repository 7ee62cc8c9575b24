package dev.kyanite.bench.log;

import dev.kyanite.bench.GroupCommit;
import dev.kyanite.log.FileEventLog;
import dev.kyanite.log.FileLogOptions;
import dev.kyanite.log.FileLogStats;
import dev.kyanite.log.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Throughput of the embedded log with {@code fsync=always}, next to the disk's own limit measured in
 * the same run by a plain loop of {@code FileChannel.write} + {@code force} of the same sizes.
 *
 * <p>Appenders are asynchronous, like ingest connections on an event loop: each keeps exactly one
 * append in flight and issues the next one when its ack arrives; acks hop to one "event loop"
 * thread, as the server does. Usage:
 * <pre>java -cp ... dev.kyanite.bench.log.LogBench [--seconds 10] [--appenders 64] [--record-bytes 300]
 *     [--batch 100] [--partitions 1] [--dir DIR]
 *     [--phases disk,single,raw,batched,recovery] [--linger-us 200] [--preallocate-kib 4096] [--rounds 1]
 *     [--recovery-mib 1024] [--direct-io true]</pre>
 * {@code --rounds N} alternates the single-record disk limits and the single-record log phase N
 * times and prints their medians (the target verdict then uses the median).
 *
 * <p>Phase {@code raw} runs the same single-record appenders against {@link GroupCommit}, the least a
 * group commit can be (one writer thread, {@code O_DIRECT} write + {@code force} of the gathered
 * bytes, callbacks straight from the writer; no record format, index, readers, linger or ack
 * thread), in the same rounds: it separates what this machine charges for the hand-offs of any
 * non-blocking group commit from what the log's own work adds.
 *
 * <p>The bound for the single-record phase: a closed-loop appender has one append in flight, so it
 * gets at most one ack per fsync, and the log can do at most {@code appenders} x the fsyncs per
 * second of a plain write + {@code force(false)} loop of the same bytes into a pre-zeroed file (what
 * the log's own writes are) — through the page cache or, when the log uses direct I/O, with
 * {@code O_DIRECT}, whichever the disk does faster that round. Each round prints the log's
 * records/s as a share of that bound.
 */
public final class LogBench {
  private LogBench() {}

  /** {@code --direct-io}: whether the log appends with O_DIRECT (its default) or through the page cache. */
  private static boolean directIo = true;

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 10);
    int appenders = intArg(args, "--appenders", 64);
    int recordBytes = intArg(args, "--record-bytes", 300);
    int batch = intArg(args, "--batch", 100);
    int partitions = intArg(args, "--partitions", 1);
    String dirArg = strArg(args, "--dir", null);
    String phases = strArg(args, "--phases", "disk,single,raw,batched");
    int lingerMicros = intArg(args, "--linger-us", 200);
    long preallocate = intArg(args, "--preallocate-kib", 4096) * 1024L;
    int rounds = intArg(args, "--rounds", 1);
    directIo = Boolean.parseBoolean(strArg(args, "--direct-io", "true"));
    Path root = dirArg != null ? Files.createDirectories(Path.of(dirArg)) : Files.createTempDirectory("kyanite-logbench");
    System.out.printf("LogBench: %d s per phase, %d appenders, %d-byte records, batch %d, %d partition(s), fsync=always,"
        + " commit linger %d us, preallocate %d KiB, direct I/O %s, dir %s%n", seconds, appenders, recordBytes, batch,
        partitions, lingerMicros, preallocate >> 10, directIo, root);
    java.time.Duration linger = java.time.Duration.ofNanos(lingerMicros * 1000L);
    try {
      int frameSingle = 30 + 4 + recordBytes;
      int frameBatch = 30 + batch * (4 + recordBytes);
      double diskBatch = Double.NaN;
      // With --rounds N the single-record disk limits and the single-record phase alternate N times
      // (a shared disk drifts: neighbouring measurements compare best) and medians are printed.
      // perRound: [0] disk appending, [1] disk pre-zeroed (the bound: each closed-loop appender gets
      // at most one ack per fsync), both as records/s; [2] log records/s; [3] log / bound.
      double[][] perRound = new double[6][rounds]; // [4] raw records/s, [5] log / raw
      Result single = null;
      for (int round = 0; round < rounds; round++) {
        if (rounds > 1) System.out.printf("round %d of %d%n", round + 1, rounds);
        if (phases.contains("disk")) {
          double diskSingle = diskLimit(root.resolve("raw1"), frameSingle * appenders, seconds, false);
          double diskSingleZeroed = diskLimit(root.resolve("raw3"), frameSingle * appenders, seconds, true);
          perRound[0][round] = diskSingle * appenders;
          System.out.printf("disk limit, write+force of %d B (%d single records): %,.0f fsync/s = %,.0f records/s%n",
              frameSingle * appenders, appenders, diskSingle, diskSingle * appenders);
          System.out.printf("disk limit, the same into a pre-zeroed file: %,.0f fsync/s = %,.0f records/s%n",
              diskSingleZeroed, diskSingleZeroed * appenders);
          if (directIo) {
            // the log writes its active segment with O_DIRECT: bound by whichever way the disk is faster
            double direct = diskLimitDirect(root.resolve("raw4"), frameSingle * appenders, seconds);
            System.out.printf("disk limit, the same with O_DIRECT (whole 4 KiB blocks): %,.0f fsync/s = %,.0f records/s%n",
                direct, direct * appenders);
            diskSingleZeroed = Math.max(diskSingleZeroed, direct);
          }
          perRound[1][round] = diskSingleZeroed * appenders;
          if (round == 0) {
            diskBatch = diskLimit(root.resolve("raw2"), frameBatch, seconds, false);
            System.out.printf("disk limit, write+force of %d B (one %d-record batch): %,.0f fsync/s = %,.0f records/s%n",
                frameBatch, batch, diskBatch, diskBatch * batch);
          }
        }
        if (phases.contains("single")) {
          single = run(root.resolve("single-" + round), partitions, appenders, recordBytes, 1, seconds, linger, preallocate);
          perRound[2][round] = single.recordsPerSecond;
          System.out.printf("log, %d single-record appenders: %,.0f records/s, %.1f records per fsync, %,.0f fsync/s%n",
              appenders, single.recordsPerSecond, single.recordsPerFsync, single.fsyncsPerSecond);
          if (phases.contains("disk")) {
            perRound[3][round] = single.recordsPerSecond / perRound[1][round];
            System.out.printf("  = %.0f%% of this round's bound: %d appenders x %,.0f pre-zeroed fsync/s = %,.0f records/s%n",
                100 * perRound[3][round], appenders, perRound[1][round] / appenders, perRound[1][round]);
          }
        }
        if (phases.contains("raw")) {
          Result raw = runRaw(root.resolve("raw-" + round), appenders, recordBytes, seconds);
          perRound[4][round] = raw.recordsPerSecond;
          System.out.printf("minimal group commit (no format, no linger, no ack thread), %d single-record appenders: "
              + "%,.0f records/s, %.1f records per fsync, %,.0f fsync/s%n", appenders, raw.recordsPerSecond,
              raw.recordsPerFsync, raw.fsyncsPerSecond);
          if (phases.contains("single") && partitions == 1) {
            perRound[5][round] = perRound[2][round] / raw.recordsPerSecond;
            System.out.printf("  log / minimal = %.2f%n", perRound[5][round]);
          }
        }
      }
      if (rounds > 1 && phases.contains("raw")) {
        System.out.printf("medians of %d rounds: minimal group commit %,.0f records/s%s%n", rounds, median(perRound[4]),
            phases.contains("single") && partitions == 1 ? String.format(", log / minimal %.2f", median(perRound[5])) : "");
      }
      if (rounds > 1) {
        if (phases.contains("disk")) {
          System.out.printf("medians of %d rounds: disk limit appending %,.0f records/s, pre-zeroed %,.0f records/s%n",
              rounds, median(perRound[0]), median(perRound[1]));
        }
        if (phases.contains("single")) {
          System.out.printf("medians of %d rounds: log, %d single-record appenders %,.0f records/s%n", rounds,
              appenders, median(perRound[2]));
        }
        if (phases.contains("single") && phases.contains("disk")) {
          System.out.printf("medians of %d rounds: log / bound (per round) %.0f%%%n", rounds, 100 * median(perRound[3]));
        }
        if (single != null) single = new Result(median(perRound[2]), single.recordsPerFsync, single.fsyncsPerSecond);
      }
      Result batched = null;
      if (phases.contains("batched")) {
        batched = run(root.resolve("batched"), partitions, appenders, recordBytes, batch, seconds, linger, preallocate);
        System.out.printf("log, %d appenders of %d-record batches: %,.0f records/s, %.1f records per fsync, %,.0f fsync/s%n",
            appenders, batch, batched.recordsPerSecond, batched.recordsPerFsync, batched.fsyncsPerSecond);
      }
      if (phases.contains("recovery")) {
        recovery(root.resolve("recovery"), partitions, recordBytes, intArg(args, "--recovery-mib", 1024));
      }
      if (single != null) {
        System.out.printf("target single >= 200,000 records/s: %s%s%n", single.recordsPerSecond >= 200_000 ? "MET" : "NOT MET",
            phases.contains("disk") ? String.format(" (bound %,.0f records/s = %d x %,.0f pre-zeroed fsync/s; log at %.0f%% of it)",
                median(perRound[1]), appenders, median(perRound[1]) / appenders, 100 * median(perRound[3])) : "");
      }
      if (batched != null && !Double.isNaN(diskBatch)) {
        double batchTarget = Math.min(1_000_000, 0.8 * diskBatch * batch);
        System.out.printf("target batched >= %,.0f records/s (min of 1M and 80%% of the disk limit): %s (%.0f%% of the disk limit)%n",
            batchTarget, batched.recordsPerSecond >= batchTarget ? "MET" : "NOT MET",
            100 * batched.recordsPerSecond / (diskBatch * batch));
      }
    } finally {
      if (dirArg == null) deleteTree(root);
    }
  }

  record Result(double recordsPerSecond, double recordsPerFsync, double fsyncsPerSecond) {}

  /** Closed-loop async appenders against a fresh log; measures after a warm-up of a third of the time. */
  static Result run(Path dir, int partitions, int appenders, int recordBytes, int batch, int seconds,
      java.time.Duration linger, long preallocate) throws Exception {
    FileEventLog log = FileEventLog.open(dir, FileLogOptions.builder().partitions(partitions)
        .fsync(FsyncPolicy.ALWAYS).segmentBytes(256L << 20).commitLinger(linger).preallocateBytes(preallocate)
        .directIo(directIo).build());
    ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-event-loop"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong failures = new AtomicLong();
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      byte[] r = new byte[recordBytes];
      for (int j = 0; j < r.length; j++) r[j] = (byte) ('a' + (i + j) % 26);
      records.add(r);
    }
    try {
      for (int a = 0; a < appenders; a++) {
        int partition = a % partitions;
        eventLoop.execute(new Runnable() {
          @Override
          public void run() {
            if (!running.get()) return;
            log.append(partition, records).whenComplete((r, e) -> {
              if (e != null) failures.incrementAndGet();
              eventLoop.execute(this);
            });
          }
        });
      }
      Thread.sleep(seconds * 1000L / 3);
      FileLogStats before = log.stats();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      FileLogStats after = log.stats();
      double secs = (System.nanoTime() - t0) / 1e9;
      running.set(false);
      if (failures.get() > 0) System.out.println("  (" + failures.get() + " appends failed)");
      long recs = after.records() - before.records();
      long fsyncs = after.fsyncs() - before.fsyncs();
      return new Result(recs / secs, fsyncs == 0 ? 0 : (double) recs / fsyncs, fsyncs / secs);
    } finally {
      running.set(false);
      eventLoop.shutdown();
      eventLoop.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      log.close();
    }
  }

  /** The same closed-loop single-record appenders against {@link GroupCommit} instead of the log. */
  static Result runRaw(Path dir, int appenders, int recordBytes, int seconds) throws Exception {
    ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-event-loop"));
    AtomicBoolean running = new AtomicBoolean(true);
    byte[] record = new byte[recordBytes];
    java.util.Arrays.fill(record, (byte) 'a');
    try (GroupCommit commit = GroupCommit.open(dir)) {
      try {
        for (int a = 0; a < appenders; a++) {
          eventLoop.execute(new Runnable() {
            @Override
            public void run() {
              if (!running.get()) return;
              commit.append(record, failure -> {
                try {
                  eventLoop.execute(this);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                  // the run is over
                }
              });
            }
          });
        }
        Thread.sleep(seconds * 1000L / 3);
        long r0 = commit.records();
        long f0 = commit.forces();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long recs = commit.records() - r0;
        long forces = commit.forces() - f0;
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(recs / secs, forces == 0 ? 0 : (double) recs / forces, forces / secs);
      } finally {
        running.set(false);
        eventLoop.shutdown();
        eventLoop.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Time to open a log of {@code mib} MiB after a clean close (only the recovery point is read), and
   * after deleting the recovery points (every segment re-validated), to show that the first does not
   * grow with the log.
   */
  static void recovery(Path dir, int partitions, int recordBytes, int mib) throws Exception {
    FileLogOptions options = FileLogOptions.builder().partitions(partitions).fsync(FsyncPolicy.NEVER).build();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) batch.add(new byte[recordBytes]);
    long target = (long) mib << 20;
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
      for (int p = 0; log.diskBytes() < target; p = (p + 1) % partitions) {
        inFlight.add(log.append(p, batch));
        if (inFlight.size() == 256) {
          for (var f : inFlight) f.join();
          inFlight.clear();
        }
      }
      for (var f : inFlight) f.join();
    }
    long t0 = System.nanoTime();
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      System.out.printf("recovery: open of a %,d MiB log after a clean close: %d ms (scanned %d bytes)%n",
          log.diskBytes() >> 20, (System.nanoTime() - t0) / 1_000_000,
          log.recoveryReport().partitions().stream().mapToLong(r -> r.scannedBytes()).sum());
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.getFileName().toString().equals("recovery-point")).toList()) Files.delete(p);
    }
    t0 = System.nanoTime();
    try (FileEventLog log = FileEventLog.open(dir, options)) {
      System.out.printf("recovery: the same without recovery points (full scan, page cache warm): %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * Forces per second of a plain write + force loop of {@code bytes}-sized writes: appending to a
   * growing file, or ({@code preZeroed}) overwriting a 64 MiB file zero-filled and forced first,
   * wrapping at its end — what the log's pre-zeroed tail gives it.
   */
  static double diskLimit(Path file, int bytes, int seconds, boolean preZeroed) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      if (preZeroed) zeroFill(ch);
      return forcesPerSecond(ch, ByteBuffer.allocateDirect(bytes), preZeroed ? RING : Long.MAX_VALUE, seconds);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The pre-zeroed loop of {@link #diskLimit} with {@code O_DIRECT}: {@code bytes} rounded up to
   * whole 4 KiB blocks from an aligned buffer, as the log's direct appender writes them.
   */
  static double diskLimitDirect(Path file, int bytes, int seconds) throws IOException {
    int length = (bytes + 4095) / 4096 * 4096;
    ByteBuffer buf = ByteBuffer.allocateDirect(length + 4096).alignedSlice(4096).limit(length).slice();
    try {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        zeroFill(ch);
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
        return forcesPerSecond(ch, buf, RING, seconds);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The ring the pre-zeroed loops write in: zero-filled and forced first, so writes change no metadata. */
  private static final long RING = 64L << 20;

  private static void zeroFill(FileChannel ch) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long at = 0; at < RING; ) {
      zeros.clear();
      at += ch.write(zeros, at);
    }
    ch.force(true);
  }

  /** Write + force of {@code buf} in a loop: a third of {@code seconds} to warm up, then counted. */
  private static double forcesPerSecond(FileChannel ch, ByteBuffer buf, long wrapAt, int seconds) throws IOException {
    long[] at = {0};
    long warmEnd = System.nanoTime() + seconds * 1_000_000_000L / 3;
    while (System.nanoTime() < warmEnd) writeAndForce(ch, buf, at, wrapAt);
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      writeAndForce(ch, buf, at, wrapAt);
      n++;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static void writeAndForce(FileChannel ch, ByteBuffer buf, long[] at, long wrapAt) throws IOException {
    if (at[0] + buf.capacity() > wrapAt) at[0] = 0;
    buf.clear();
    while (buf.hasRemaining()) at[0] += ch.write(buf, at[0]);
    ch.force(false);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static int intArg(String[] args, String name, int dflt) {
    String v = strArg(args, name, null);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private static String strArg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
    return dflt;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
