package dev.kyanite.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  enum Mode { FAST_LANE, SLOW }

  static final ConfigKey<Integer> PORT = ConfigKey.integer("port", 8080, "port").check(p -> p <= 65535, "<= 65535");
  static final ConfigKey<Long> BODY = ConfigKey.bytes("http.max-body-size", 1024L, "body");
  static final ConfigKey<Duration> IDLE = ConfigKey.duration("http.idle-timeout", Duration.ofSeconds(60), "idle");
  static final ConfigKey<Boolean> PUB = ConfigKey.bool("metrics.public", false, "public");
  static final ConfigKey<Mode> MODE = ConfigKey.oneOf("mode", Mode.class, Mode.SLOW, "mode");
  static final ConfigKey<List<String>> NETS = ConfigKey.list("delivery.allow-networks", List.of(), "nets");
  static final ConfigKey<String> SECRET = ConfigKey.string("admin.key", null, "secret").secret();
  static final List<ConfigKey<?>> KEYS = List.of(PORT, BODY, IDLE, PUB, MODE, NETS, SECRET);

  @TempDir
  Path dir;

  Path yaml(String text) throws Exception {
    Path f = dir.resolve("kyanite.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Config c = ConfigLoader.load(KEYS, null, Map.of(), Map.of());
    assertThat(c.get(PORT)).isEqualTo(8080);
    assertThat(c.get(SECRET)).isNull();
    assertThat(c.source(PORT)).isEqualTo("default");
  }

  @Test
  void precedenceIsDefaultsThenYamlThenEnvThenFlags() throws Exception {
    Path f = yaml("port: 1000\nhttp:\n  max-body-size: 2MiB\n  idle-timeout: 5m\nmetrics.public: true\n");
    Config c = ConfigLoader.load(KEYS, f, Map.of("KYANITE_PORT", "2000", "KYANITE_HTTP_IDLE_TIMEOUT", "30s"),
        Map.of("port", "3000"));
    assertThat(c.get(PORT)).isEqualTo(3000);
    assertThat(c.source(PORT)).isEqualTo("flag");
    assertThat(c.get(IDLE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.source(IDLE)).isEqualTo("env KYANITE_HTTP_IDLE_TIMEOUT");
    assertThat(c.get(BODY)).isEqualTo(2L * 1024 * 1024);
    assertThat(c.get(PUB)).isTrue();
  }

  @Test
  void unknownYamlKeyFailsNamingTheKey() throws Exception {
    Path f = yaml("http:\n  max-body-sise: 1MiB\n");
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, f, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.max-body-sise").hasMessageContaining("unknown");
  }

  @Test
  void unknownEnvVarWithPrefixFailsButOtherVarsAreIgnored() {
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of("KYANITE_PROT", "1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("KYANITE_PROT");
    ConfigLoader.load(KEYS, null, Map.of("PATH", "/bin", "KYANITE_JAVA_OPTS", "-Xmx1g", "KYANITE_API_KEY", "kya_x",
        "KYANITE_CDS", "0", "KYANITE_SERVE_ARGS", "--port 1"), Map.of());
  }

  @Test
  void ingestBodyLimitsStayWithinWhatOneArrayHolds() {
    List<ConfigKey<?>> keys = List.of(dev.kyanite.server.ingest.IngestConfig.MAX_REQUEST_BYTES,
        dev.kyanite.server.ingest.IngestConfig.MAX_EVENT_BYTES);
    assertThat(ConfigLoader.load(keys, null, Map.of(), Map.of("ingest.max-request-bytes", "1GiB"))
        .get(dev.kyanite.server.ingest.IngestConfig.MAX_REQUEST_BYTES)).isEqualTo(1L << 30);
    for (String key : new String[] {"ingest.max-request-bytes", "ingest.max-event-bytes"}) {
      assertThatThrownBy(() -> ConfigLoader.load(keys, null, Map.of(), Map.of(key, "2GiB")))
          .hasMessageContaining(key).hasMessageContaining("1GiB");
    }
  }

  @Test
  void invalidValueFailsNamingKeyAndSource() {
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of("KYANITE_PORT", "eighty"), Map.of()))
        .hasMessageContaining("port").hasMessageContaining("KYANITE_PORT").hasMessageContaining("eighty");
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of(), Map.of("port", "70000")))
        .hasMessageContaining("port").hasMessageContaining("<= 65535");
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of(), Map.of("mode", "medium")))
        .hasMessageContaining("fast-lane|slow");
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of(), Map.of("http.idle-timeout", "soon")))
        .hasMessageContaining("http.idle-timeout");
  }

  @Test
  void secretValuesNeverAppearInErrors() {
    ConfigKey<String> strict = SECRET.check(s -> s.length() > 100, "long");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(strict), null, Map.of("KYANITE_ADMIN_KEY", "kya_supersecret"), Map.of()))
        .hasMessageContaining("admin.key").hasMessageNotContaining("supersecret");
  }

  @Test
  void unknownFlagFails() {
    assertThatThrownBy(() -> ConfigLoader.load(KEYS, null, Map.of(), Map.of("nope", "1")))
        .hasMessageContaining("nope");
  }

  @Test
  void parsesHumanSizesDurationsEnumsAndLists() {
    Config c = ConfigLoader.load(KEYS, null, Map.of(), Map.of("http.max-body-size", "512KiB", "http.idle-timeout", "250ms",
        "mode", "fast-lane", "delivery.allow-networks", "10.0.0.0/8, 127.0.0.1/32", "metrics.public", "yes"));
    assertThat(c.get(BODY)).isEqualTo(512L * 1024);
    assertThat(c.get(IDLE)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.get(MODE)).isEqualTo(Mode.FAST_LANE);
    assertThat(c.get(NETS)).containsExactly("10.0.0.0/8", "127.0.0.1/32");
    assertThat(c.get(PUB)).isTrue();
    assertThat(ConfigValues.bytes("1MB")).isEqualTo(1_000_000L);
    assertThat(ConfigValues.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void yamlListsAndNumbersAreAccepted() throws Exception {
    Path f = yaml("delivery:\n  allow-networks: [10.0.0.0/8]\nhttp:\n  max-body-size: 2048\n");
    Config c = ConfigLoader.load(KEYS, f, Map.of(), Map.of());
    assertThat(c.get(NETS)).containsExactly("10.0.0.0/8");
    assertThat(c.get(BODY)).isEqualTo(2048L);
  }

  @Test
  void envNamesUseUnderscoresForDotsAndDashes() {
    assertThat(BODY.envName()).isEqualTo("KYANITE_HTTP_MAX_BODY_SIZE");
  }

  @Test
  void gettingAnUnregisteredKeyIsAProgrammingError() {
    Config c = ConfigLoader.load(List.of(PORT), null, Map.of(), Map.of());
    assertThatThrownBy(() -> c.get(BODY)).isInstanceOf(IllegalArgumentException.class);
  }
}
