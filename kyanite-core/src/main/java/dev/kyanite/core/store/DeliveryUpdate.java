package dev.kyanite.core.store;

/**
 * One entry of a delivery-ledger batch ({@link MetadataStore#recordDeliveries}): a new state of a
 * delivery, the attempt that led to it, or both.
 *
 * @param delivery the delivery's new state (replaces the previous one with this id), or {@code null}
 * @param attempt the attempt to append to the ledger, or {@code null}
 */
public record DeliveryUpdate(Delivery delivery, Attempt attempt) {
  public DeliveryUpdate {
    if (delivery == null && attempt == null) throw new IllegalArgumentException("an update needs a delivery or an attempt");
  }
}
