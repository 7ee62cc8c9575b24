package dev.kyanite.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves configuration in precedence order: key defaults → YAML file → environment
 * ({@code KYANITE_…}) → command-line flags. Fails fast with a {@link ConfigException} naming the
 * key for an unknown key (in the file, an env var with the {@code KYANITE_} prefix, or a flag) or
 * an invalid value.
 *
 * <p>YAML may nest ({@code http: {max-body-size: 1MiB}}) or use dotted names
 * ({@code http.max-body-size: 1MiB}); both mean the same key.
 */
public final class ConfigLoader {
  /**
   * {@code KYANITE_} variables that are not server config keys: read by the launcher
   * ({@code JAVA_OPTS}, {@code CDS}), by {@code kyanite bench} ({@code API_KEY}, the client's key)
   * and by the bench scripts ({@code SERVE_ENV}, {@code SERVE_ARGS}). Users may have exported them
   * in the same shell; they must not stop a server.
   */
  private static final Set<String> NOT_KEYS = Set.of("KYANITE_JAVA_OPTS", "KYANITE_CDS", "KYANITE_API_KEY",
      "KYANITE_SERVE_ENV", "KYANITE_SERVE_ARGS");

  private ConfigLoader() {}

  /**
   * @param keys every registered key (duplicates by name are an error)
   * @param yaml the YAML file, or {@code null}
   * @param env the environment (normally {@code System.getenv()})
   * @param flags key name → value given on the command line (highest precedence)
   */
  public static Config load(Collection<ConfigKey<?>> keys, Path yaml, Map<String, String> env, Map<String, String> flags) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    Map<String, ConfigKey<?>> byEnv = new HashMap<>();
    for (ConfigKey<?> k : keys) {
      if (byName.putIfAbsent(k.name(), k) != null) throw new IllegalStateException("config key " + k + " registered twice");
      byEnv.put(k.envName(), k);
    }
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    Map<ConfigKey<?>, String> sources = new HashMap<>();
    for (ConfigKey<?> k : byName.values()) {
      values.put(k, k.defaultValue());
      sources.put(k, "default");
    }
    if (yaml != null) {
      String src = yaml.toString();
      for (Map.Entry<String, Object> e : readYaml(yaml).entrySet()) {
        ConfigKey<?> k = byName.get(e.getKey());
        if (k == null) throw new ConfigException(e.getKey() + " (from " + src + "): unknown configuration key");
        if (e.getValue() == null) continue;
        values.put(k, k.parse(e.getValue(), src));
        sources.put(k, src);
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("KYANITE_") || NOT_KEYS.contains(e.getKey())) continue;
      ConfigKey<?> k = byEnv.get(e.getKey());
      if (k == null) throw new ConfigException(e.getKey() + " (from env): unknown configuration key");
      String src = "env " + e.getKey();
      values.put(k, k.parse(e.getValue(), src));
      sources.put(k, src);
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      ConfigKey<?> k = byName.get(e.getKey());
      if (k == null) throw new ConfigException(e.getKey() + " (from flag): unknown configuration key");
      if (e.getValue() == null) continue;
      values.put(k, k.parse(e.getValue(), "flag"));
      sources.put(k, "flag");
    }
    return new Config(values, sources);
  }

  /** Defaults plus the given overrides (name → value as a string or YAML scalar); no env, no file. */
  public static Config forTests(Collection<ConfigKey<?>> keys, Map<String, ?> overrides) {
    Map<String, String> flags = new HashMap<>();
    overrides.forEach((k, v) -> flags.put(k, v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
    return load(keys, null, Map.of(), flags);
  }

  private static Map<String, Object> readYaml(Path file) {
    Object root;
    try {
      root = Files.size(file) == 0 ? null : new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": " + e.getMessage());
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    if (root == null) return flat;
    if (!(root instanceof Map<?, ?> m)) throw new ConfigException("config file " + file + ": top level must be a mapping");
    flatten("", m, flat);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child) {
        flatten(name + ".", child, out);
      } else {
        out.put(name, e.getValue());
      }
    }
  }
}
