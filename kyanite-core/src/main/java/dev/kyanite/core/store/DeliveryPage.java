package dev.kyanite.core.store;

import java.util.List;

/**
 * One page of a delivery listing.
 *
 * @param items the deliveries
 * @param nextCursor opaque cursor for the next page, or {@code null} at the end
 */
public record DeliveryPage(List<Delivery> items, String nextCursor) {}
