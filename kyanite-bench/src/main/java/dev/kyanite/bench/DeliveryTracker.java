package dev.kyanite.bench;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Matches acks to webhook deliveries by event id (end-to-end mode). Acks come from the generator
 * threads, deliveries from the receiver thread, in either order (a delivery can overtake the ack
 * on its way to the client). Ack-to-receipt latency is recorded for events acked after the
 * warm-up; a delivery that arrives before its ack counts as 0. Keeps one small entry per event
 * for the whole run (about 150 bytes), so that missing and duplicate deliveries can be counted.
 */
final class DeliveryTracker implements Generator.AckListener {
  private static final class Track {
    long ackNanos = -1;
    long firstReceiptNanos = -1;
    int receipts;
    boolean measured;
  }

  /** The end-of-run counts. */
  record Summary(long acked, long delivered, long missing, long duplicates, long unexpected,
      long badSignatures) {}

  private final Map<String, Track> tracks = new ConcurrentHashMap<>();
  private final Mode mode;
  private final Recorder recorder = new Recorder(Stats.MAX_LATENCY_MICROS, 3);
  private final Histogram measured = new Histogram(Stats.MAX_LATENCY_MICROS, 3);
  private Histogram interval;
  final LongAdder acked = new LongAdder();
  final LongAdder matched = new LongAdder();
  final LongAdder receipts = new LongAdder();
  final LongAdder windowReceipts = new LongAdder();
  final LongAdder badSignatures = new LongAdder();
  private volatile boolean window;
  private final java.util.concurrent.atomic.AtomicLong firstAck = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lastReceipt = new java.util.concurrent.atomic.AtomicLong();

  DeliveryTracker(Mode mode) {
    this.mode = mode;
  }

  @Override
  public void onAck(Buffer body, long nowNanos, boolean measuredAck) {
    byte[] bytes = body.getBytes();
    if (mode == Mode.SINGLE) {
      String id = AckParser.topLevelId(bytes);
      if (id != null) {
        acked(id, nowNanos, measuredAck);
      }
    } else {
      List<String> ids = AckParser.acceptedIds(bytes);
      for (String id : ids) {
        acked(id, nowNanos, measuredAck);
      }
    }
  }

  void acked(String id, long nanos, boolean measuredAck) {
    acked.increment();
    firstAck.compareAndSet(0, nanos);
    tracks.compute(id, (k, t) -> {
      Track track = t == null ? new Track() : t;
      track.ackNanos = nanos;
      track.measured = measuredAck;
      if (track.receipts > 0) {
        matched.increment();
        if (measuredAck) {
          record(track.firstReceiptNanos - nanos);
        }
      }
      return track;
    });
  }

  /** A delivery whose signature verified. */
  void received(String id, long nanos) {
    receipts.increment();
    lastReceipt.accumulateAndGet(nanos, Math::max);
    if (window) {
      windowReceipts.increment();
    }
    tracks.compute(id, (k, t) -> {
      Track track = t == null ? new Track() : t;
      if (++track.receipts == 1) {
        track.firstReceiptNanos = nanos;
        if (track.ackNanos >= 0) {
          matched.increment();
          if (track.measured) {
            record(nanos - track.ackNanos);
          }
        }
      }
      return track;
    });
  }

  void badSignature() {
    badSignatures.increment();
  }

  /** Deliveries received between these calls count towards delivery throughput. */
  void window(boolean open) {
    window = open;
  }

  /** Seconds from the first ack to the last delivery (0 before both happened). */
  double span() {
    long a = firstAck.get();
    long r = lastReceipt.get();
    return a == 0 || r == 0 ? 0 : Math.max(0, r - a) / 1e9;
  }

  /** Acked events not yet delivered. */
  long pending() {
    return acked.sum() - matched.sum();
  }

  /** Reader only: moves recent latencies into the measured histogram. */
  void sample() {
    interval = recorder.getIntervalHistogram(interval);
    measured.add(interval);
  }

  Histogram measured() {
    return measured;
  }

  Summary summary() {
    long ackedIds = 0;
    long delivered = 0;
    long missing = 0;
    long duplicates = 0;
    long unexpected = 0;
    for (Track t : tracks.values()) {
      if (t.ackNanos >= 0) {
        ackedIds++;
        if (t.receipts == 0) {
          missing++;
        }
      } else if (t.receipts > 0) {
        unexpected++;
      }
      if (t.receipts > 0) {
        delivered++;
        duplicates += t.receipts - 1;
      }
    }
    return new Summary(ackedIds, delivered, missing, duplicates, unexpected, badSignatures.sum());
  }

  private void record(long latencyNanos) {
    recorder.recordValue(Math.min(Stats.MAX_LATENCY_MICROS, Math.max(0, latencyNanos / 1000)));
  }
}
