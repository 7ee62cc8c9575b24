package dev.kyanite.server.rules;

import dev.kyanite.server.config.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the rules feature (documented in docs/configuration.md and docs/rules.md). */
final class RulesKeys {
  private RulesKeys() {}

  /** What happens to an event whose custom processor fails or times out. */
  enum ProcessorFailure {
    /** The event goes on unchanged (the failure is counted). */
    CONTINUE,
    /** The event is delivered nowhere and recorded as dead-lettered. */
    DEAD_LETTER
  }

  static final ConfigKey<Path> PLUGINS_DIR = ConfigKey.path("rules.plugins-dir", null,
      "Directory of custom processor jars (EventProcessor, found with ServiceLoader). Default: `<data-dir>/plugins`.");
  static final ConfigKey<Duration> PROCESSOR_TIMEOUT = ConfigKey.duration("rules.processor-timeout", Duration.ofSeconds(1),
      "Longest a custom processor may take for one event before it counts as failed.")
      .check(d -> !d.isNegative() && !d.isZero(), "positive");
  static final ConfigKey<ProcessorFailure> PROCESSOR_FAILURE = ConfigKey.oneOf("rules.processor-failure",
      ProcessorFailure.class, ProcessorFailure.CONTINUE,
      "When a custom processor fails or times out: `continue` with the event unchanged, or `dead-letter` it.");
  static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration("rules.poll-interval", Duration.ofMillis(500),
      "How often the server re-reads the stored rule set and installs it if it changed (changes through the API apply at once).")
      .check(d -> d.toMillis() >= 10, "at least 10ms");
  static final ConfigKey<Integer> MAX_EXPRESSION_SIZE = ConfigKey.integer("rules.max-expression-size", 4096,
      "Largest CEL expression (conditions, set values, endpoint filters) in UTF-8 bytes.")
      .check(n -> n >= 64 && n <= 65536, "between 64 and 65536");
  static final ConfigKey<Integer> MAX_ITERATIONS = ConfigKey.integer("rules.max-iterations", 10_000,
      "Comprehension iteration budget (all/exists/map/filter) per evaluation; beyond it the evaluation fails.")
      .check(n -> n >= 1, "at least 1");

  static final ConfigKey<Boolean> REDACT_READS = ConfigKey.bool("rules.redact-reads", false,
      "Apply the `redact` and `remove` actions that delivery applies to `data`, `subject` and `extensions` in "
          + "`GET /v1/events/{id}` too (PII stays masked for readers).");

  static List<ConfigKey<?>> all() {
    return List.of(REDACT_READS, PLUGINS_DIR, PROCESSOR_TIMEOUT, PROCESSOR_FAILURE, POLL_INTERVAL, MAX_EXPRESSION_SIZE, MAX_ITERATIONS);
  }
}
