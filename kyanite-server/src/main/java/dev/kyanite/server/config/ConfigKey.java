package dev.kyanite.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One typed configuration setting: its dotted name, its type, its default and its documentation.
 * Features declare their keys as constants in their own class and list them in
 * {@code Feature.configKeys()}; {@link ConfigLoader} resolves them (defaults → YAML → env → flags).
 *
 * <p>The environment variable is {@code KYANITE_} + the name upper-cased with dots and dashes as
 * underscores ({@code http.max-body-size} → {@code KYANITE_HTTP_MAX_BODY_SIZE}). Instances are
 * immutable and compare by name.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {
  private final String name;
  private final String typeName;
  private final T defaultValue;
  private final String doc;
  private final Function<Object, T> parser;
  private final Predicate<T> check;
  private final String mustBe;
  private final boolean secret;

  private ConfigKey(String name, String typeName, T defaultValue, String doc, Function<Object, T> parser,
      Predicate<T> check, String mustBe, boolean secret) {
    if (!name.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) throw new IllegalArgumentException("bad config key name " + name);
    this.name = name;
    this.typeName = typeName;
    this.defaultValue = defaultValue;
    this.doc = Objects.requireNonNull(doc);
    this.parser = parser;
    this.check = check;
    this.mustBe = mustBe;
    this.secret = secret;
  }

  public static ConfigKey<String> string(String name, String def, String doc) {
    return new ConfigKey<>(name, "string", def, doc, Object::toString, null, null, false);
  }

  public static ConfigKey<Integer> integer(String name, Integer def, String doc) {
    return new ConfigKey<>(name, "integer", def, doc, raw -> raw instanceof Number n ? n.intValue()
        : Integer.parseInt(raw.toString().trim()), null, null, false);
  }

  public static ConfigKey<Long> longKey(String name, Long def, String doc) {
    return new ConfigKey<>(name, "integer", def, doc, raw -> raw instanceof Number n ? n.longValue()
        : Long.parseLong(raw.toString().trim()), null, null, false);
  }

  public static ConfigKey<Double> decimal(String name, Double def, String doc) {
    return new ConfigKey<>(name, "number", def, doc, raw -> raw instanceof Number n ? n.doubleValue()
        : Double.parseDouble(raw.toString().trim()), null, null, false);
  }

  public static ConfigKey<Boolean> bool(String name, Boolean def, String doc) {
    return new ConfigKey<>(name, "boolean", def, doc, ConfigValues::bool, null, null, false);
  }

  /** A duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
  public static ConfigKey<Duration> duration(String name, Duration def, String doc) {
    return new ConfigKey<>(name, "duration", def, doc, ConfigValues::duration, null, null, false);
  }

  /** A byte size: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 2GiB} (also KB/MB/GB = powers of 1000). */
  public static ConfigKey<Long> bytes(String name, Long def, String doc) {
    return new ConfigKey<>(name, "size", def, doc, ConfigValues::bytes, null, null, false);
  }

  public static ConfigKey<Path> path(String name, Path def, String doc) {
    return new ConfigKey<>(name, "path", def, doc, raw -> Path.of(raw.toString()), null, null, false);
  }

  /** A list of strings: a YAML list, or a comma-separated string (env, flags). */
  public static ConfigKey<List<String>> list(String name, List<String> def, String doc) {
    return new ConfigKey<>(name, "list", def, doc, ConfigValues::list, null, null, false);
  }

  /** One of the enum's constants, written in lower case with dashes ({@code INTERVAL} → {@code interval}). */
  public static <E extends Enum<E>> ConfigKey<E> oneOf(String name, Class<E> type, E def, String doc) {
    String allowed = String.join("|", Arrays.stream(type.getEnumConstants()).map(ConfigKey::wire).toList());
    return new ConfigKey<>(name, allowed, def, doc, raw -> {
      for (E e : type.getEnumConstants()) {
        if (wire(e).equalsIgnoreCase(raw.toString().trim())) return e;
      }
      throw new IllegalArgumentException("must be one of " + allowed);
    }, null, null, false);
  }

  /** The lower-case, dashed spelling of an enum constant used in config. */
  public static String wire(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** This key with an extra validity check; {@code mustBe} completes "must be …" in the error. */
  public ConfigKey<T> check(Predicate<T> predicate, String mustBe) {
    return new ConfigKey<>(name, typeName, defaultValue, doc, parser, predicate, mustBe, secret);
  }

  /** This key marked secret: its value is never printed (docs show only whether it is set). */
  public ConfigKey<T> secret() {
    return new ConfigKey<>(name, typeName, defaultValue, doc, parser, check, mustBe, true);
  }

  public String name() {
    return name;
  }

  public String envName() {
    return "KYANITE_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public String typeName() {
    return typeName;
  }

  public boolean isSecret() {
    return secret;
  }

  /** Converts a raw value (YAML scalar or string) and checks it; throws {@link ConfigException} naming the key. */
  T parse(Object raw, String source) {
    T value;
    try {
      value = parser.apply(raw);
    } catch (RuntimeException e) {
      throw new ConfigException(name + " (from " + source + "): invalid " + typeName
          + (secret ? "" : " '" + raw + "'") + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    verify(value, source);
    return value;
  }

  void verify(T value, String source) {
    if (check != null && value != null && !check.test(value)) {
      throw new ConfigException(name + " (from " + source + "): must be " + mustBe
          + (secret ? "" : ", got '" + value + "'"));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigKey<?> k && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
