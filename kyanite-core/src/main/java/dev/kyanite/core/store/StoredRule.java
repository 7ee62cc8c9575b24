package dev.kyanite.core.store;

import java.time.Instant;

/**
 * A rule as stored. The store does not interpret the definition; the rules engine compiles it.
 *
 * @param name unique name
 * @param version 1 when first created, incremented by every replacement (also across a delete and a
 *     re-create, so a name/version pair identifies one definition forever)
 * @param definition the rule's JSON text
 * @param createdAt when the current incarnation was created
 * @param updatedAt when this version was written
 */
public record StoredRule(String name, int version, String definition, Instant createdAt, Instant updatedAt) {}
