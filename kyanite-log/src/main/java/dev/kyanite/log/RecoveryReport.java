package dev.kyanite.log;

import java.util.List;

/**
 * What {@link FileEventLog#open} found and repaired.
 *
 * @param partitions one entry per partition, in partition order
 * @param offsetsReset whether the consumer-offsets file was unreadable and groups start from 0
 * @param millis how long opening took
 */
public record RecoveryReport(List<PartitionRecovery> partitions, boolean offsetsReset, long millis) {

  /** Whether anything was truncated, deleted or rebuilt. */
  public boolean repaired() {
    return offsetsReset || partitions.stream().anyMatch(PartitionRecovery::repaired);
  }

  /**
   * Recovery of one partition.
   *
   * @param partition the partition
   * @param scannedBytes bytes re-validated (only what was written after the last recovery point)
   * @param truncatedBytes bytes cut off a torn or corrupt tail, including deleted later segments
   * @param truncatedRecords records in valid frames that were dropped because they followed the damage
   *     (records inside the damaged bytes themselves cannot be counted)
   * @param segmentsDeleted segments after the damage that were removed
   * @param indexesRebuilt missing or damaged index files rebuilt
   * @param endPosition the partition's end position after recovery
   * @param fullScan whether the recovery point was missing or unusable so every segment was scanned
   */
  public record PartitionRecovery(int partition, long scannedBytes, long truncatedBytes, long truncatedRecords,
      int segmentsDeleted, int indexesRebuilt, long endPosition, boolean fullScan) {

    public boolean repaired() {
      return truncatedBytes > 0 || segmentsDeleted > 0 || indexesRebuilt > 0;
    }
  }
}
