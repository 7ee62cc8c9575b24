package dev.kyanite.server.config;

import java.util.Collection;
import java.util.Map;

/**
 * Resolved configuration: one value per registered {@link ConfigKey}. Immutable and thread-safe.
 * Built by {@link ConfigLoader}; tests may build one with {@link ConfigLoader#forTests}.
 */
public final class Config {
  private final Map<ConfigKey<?>, Object> values;
  private final Map<ConfigKey<?>, String> sources;

  Config(Map<ConfigKey<?>, Object> values, Map<ConfigKey<?>, String> sources) {
    this.values = Map.copyOf(values.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    this.sources = Map.copyOf(sources);
  }

  /**
   * The value of a key, or {@code null} when it has no default and was not set.
   *
   * @throws IllegalArgumentException if the key was never registered (a programming error)
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!sources.containsKey(key)) throw new IllegalArgumentException("config key " + key + " is not registered");
    return (T) values.get(key);
  }

  /** Where the value came from: {@code default}, the YAML file, {@code env KYANITE_…} or {@code flag}. */
  public String source(ConfigKey<?> key) {
    return sources.get(key);
  }

  /** The registered keys. */
  public Collection<ConfigKey<?>> keys() {
    return sources.keySet();
  }
}
