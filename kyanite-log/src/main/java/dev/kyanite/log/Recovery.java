package dev.kyanite.log;

import dev.kyanite.log.RecoveryReport.PartitionRecovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens one partition directory and repairs it, in one pass over its segments, oldest first:
 *
 * <ol>
 *   <li>Segments below the {@link RecoveryPoint}'s segment were forced and validated when they
 *       were sealed: they are trusted without reading; only an index file that is missing or
 *       implausible is rebuilt (which scans that one segment).
 *   <li>The recovery point's segment is trusted up to its {@code validBytes}; the bytes after them
 *       (written since the last clean shutdown or roll) are re-validated frame by frame.
 *   <li>Later segments (rolled after the point was written) are re-validated whole.
 *   <li>At the first invalid frame (bad length, version, CRC, or an unexpected position) the
 *       segment is truncated there and every later segment is deleted: positions stay contiguous
 *       and every record before the damage survives.
 *   <li>Except when every byte after the last valid frame is zero: that is the writer's pre-zeroed
 *       tail ({@link PartitionWriter}), the clean end of the segment, not damage. The active segment
 *       keeps it (appends go on filling it); an earlier one is trimmed. Neither is reported. Zeros
 *       after non-zero damage are not counted in the reported bytes. Only the first {@link
 *       #ZERO_SCAN_BYTES} after the valid frames are read; a longer tail (a prepared segment's) is
 *       trimmed, and only non-zero bytes in what was read are reported.
 * </ol>
 *
 * Without a usable recovery point every segment is re-validated (reported as a full scan).
 * Finally the tail is forced, its index written and a new recovery point stored, so the next open
 * after a clean stop scans nothing. While running, the writer moves the point at each roll and every
 * {@link Partition#CHECKPOINT_BYTES}, so a crash leaves at most that much to re-validate.
 */
final class Recovery {
  private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
  /**
   * How far after the valid frames recovery reads to tell zeros from damage (the recovery point's
   * bound, {@link PartitionWriter#CHECKPOINT_BYTES}); a longer tail is trimmed unread, so that a
   * crash in a prepared segment (zeros up to {@code segmentBytes}) costs no more to recover.
   */
  static final long ZERO_SCAN_BYTES = PartitionWriter.CHECKPOINT_BYTES;

  private Recovery() {}

  static Partition open(int id, Path dir, FileEventLog.Shared shared, List<PartitionRecovery> report)
      throws IOException {
    Files.createDirectories(dir);
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp")) Files.deleteIfExists(f);
        else if (name.endsWith(".log")) bases.add(Segment.parseBase(name));
      }
    }
    bases.sort(null);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".index") && !bases.contains(Segment.parseBase(name))) Files.deleteIfExists(f);
      }
    }
    int maxFrame = shared.options.maxBatchBytes();
    if (bases.isEmpty()) {
      Segment first = Segment.create(dir, 0, shared.opener);
      DurableFiles.forceDirectory(dir);
      new RecoveryPoint(0, 0, 0).write(dir);
      report.add(new PartitionRecovery(id, 0, 0, 0, 0, 0, 0, false));
      return new Partition(id, dir, shared, new Segment[] {first}, 0);
    }

    RecoveryPoint rp = RecoveryPoint.read(dir);
    boolean fullScan = rp == null || !bases.contains(rp.segmentBase());
    List<Segment> kept = new ArrayList<>();
    long expected = bases.get(0);
    long scanned = 0;
    long truncatedBytes = 0;
    long truncatedRecords = 0;
    int deleted = 0;
    int rebuilt = 0;
    boolean damaged = false;
    for (int i = 0; i < bases.size(); i++) {
      Segment s = Segment.existing(dir, bases.get(i), shared.opener);
      if (damaged || s.base != expected) {
        if (!damaged) {
          LOG.log(System.Logger.Level.WARNING, "partition {0}: segment {1} does not start at expected position {2}",
              id, s.base, expected);
        }
        damaged = true;
        truncatedRecords += s.scan(0, s.base, maxFrame).records();
        truncatedBytes += s.size();
        s.delete();
        deleted++;
        continue;
      }
      kept.add(s);
      boolean last = i == bases.size() - 1;
      if (!fullScan && s.base < rp.segmentBase() && !last) {
        if (!s.indexFileLooksValid()) {
          long size = s.size();
          Segment.Scan scan = s.rebuildIndex(maxFrame);
          rebuilt++;
          scanned += size;
          LOG.log(System.Logger.Level.WARNING, "partition {0}: rebuilt index of segment {1}", id, s.base);
          if (scan.validEnd() < size) {
            long dataEnd = s.nonZeroEnd(scan.validEnd(), size);
            if (dataEnd > scan.validEnd()) {
              damaged = truncate(id, s, dataEnd, scan);
              truncatedBytes += dataEnd - scan.validEnd();
              expected = scan.nextPosition();
              continue;
            }
            s.truncate(scan.validEnd()); // a sealed segment keeps no pre-zeroed tail
          }
        }
        expected = bases.get(i + 1);
        continue;
      }
      long size = s.size();
      Segment.Scan scan;
      if (!fullScan && s.base == rp.segmentBase() && rp.validBytes() > 0 && size >= rp.validBytes()
          && s.loadIndex(rp.validBytes())) {
        s.loadFirstTimestamp();
        scan = s.scan(rp.validBytes(), rp.nextPosition(), maxFrame);
        scanned += size - rp.validBytes();
      } else {
        if (!fullScan && s.base == rp.segmentBase() && rp.validBytes() > 0) {
          rebuilt++; // the trusted prefix lost its index (or shrank): rebuild it by scanning
          LOG.log(System.Logger.Level.WARNING, "partition {0}: re-validating segment {1} from its start", id, s.base);
        }
        scan = s.scan(0, s.base, maxFrame);
        scanned += size;
      }
      expected = scan.nextPosition();
      if (scan.validEnd() < size) {
        // damage lies where the last writes went, right after the valid frames: a tail longer than
        // ZERO_SCAN_BYTES (a prepared segment's, up to segmentBytes) is read only that far
        long readTo = Math.min(size, scan.validEnd() + ZERO_SCAN_BYTES);
        long dataEnd = s.nonZeroEnd(scan.validEnd(), readTo);
        if (dataEnd > scan.validEnd()) {
          damaged = truncate(id, s, dataEnd, scan);
          truncatedBytes += dataEnd - scan.validEnd();
        } else if (last && readTo == size) {
          s.keepZeroTail(scan.validEnd(), size); // the writer's pre-zeroed tail: the clean end
        } else {
          // zeros before a later segment, or more than recovery reads: nothing acked, just trimmed
          s.truncate(scan.validEnd());
        }
      }
    }

    Segment[] segments = kept.toArray(new Segment[0]);
    Segment tail = segments[segments.length - 1];
    tail.force();
    tail.writeIndex();
    DurableFiles.forceDirectory(dir);
    new RecoveryPoint(tail.base, tail.size(), expected).write(dir);
    report.add(new PartitionRecovery(id, scanned, truncatedBytes, truncatedRecords, deleted, rebuilt, expected, fullScan));
    return new Partition(id, dir, shared, segments, expected);
  }

  /** Cuts off damage ending at {@code dataEnd} (zeros after it are the pre-zeroed tail, not damage). */
  private static boolean truncate(int id, Segment s, long dataEnd, Segment.Scan scan) throws IOException {
    LOG.log(System.Logger.Level.WARNING,
        "partition {0}: torn or corrupt tail in segment {1}: truncating {2} bytes after position {3} (byte {4})",
        id, s.base, dataEnd - scan.validEnd(), scan.nextPosition(), scan.validEnd());
    s.truncate(scan.validEnd());
    return true;
  }
}
