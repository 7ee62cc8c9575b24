package dev.kyanite.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Business rules. Besides the rules themselves the store keeps a {@link #revision()} that every
 * change increases, so that every node can notice a change by polling one cheap number.
 */
public interface RuleStore {

  /**
   * Creates or replaces the rule named {@code name}; atomic with the revision bump.
   *
   * @return the stored rule with its new version
   */
  StoredRule put(String name, String definition, Instant at);

  Optional<StoredRule> get(String name);

  /** All rules, ordered by name. */
  List<StoredRule> list();

  /**
   * Deletes the rule.
   *
   * @return false when there was no such rule
   */
  boolean delete(String name, Instant at);

  /** A number that increases with every put and delete (0 for a store that never had a rule). */
  long revision();
}
