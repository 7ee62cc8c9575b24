package dev.kyanite.core.log;

/**
 * Where an append landed and how durable it is.
 *
 * @param partition the partition appended to
 * @param firstPosition position of the first record of the batch; the batch occupies
 *     {@code [firstPosition, firstPosition + count)}
 * @param count number of records appended
 * @param durability the level reached before the append future completed
 */
public record AppendResult(int partition, long firstPosition, int count, Durability durability) {}
