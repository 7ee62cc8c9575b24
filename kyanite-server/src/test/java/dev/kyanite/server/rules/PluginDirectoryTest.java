package dev.kyanite.server.rules;

import static dev.kyanite.server.rules.RuleFixtures.event;
import static dev.kyanite.server.rules.RuleFixtures.install;
import static dev.kyanite.server.rules.RuleFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kyanite.core.event.PipelineResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDirectoryTest {
  @TempDir Path plugins;

  @Test
  void exampleProcessorIsLoadedFromAJarInThePluginsDirectory() throws Exception {
    ExamplePluginJar.build(plugins);
    try (ProcessorRegistry registry = ProcessorRegistry.load(plugins, Duration.ofSeconds(2), false)) {
      assertThat(registry.names()).containsExactly("example-enrich");
      // the class came from the plugin's own loader, not from the server's class path
      assertThatThrownBy(() -> Class.forName("dev.kyanite.examples.processor.EnrichProcessor"))
          .isInstanceOf(ClassNotFoundException.class);
      RulesEngine engine = install(RuleFixtures.engine(registry),
          "enrich={'match':{'types':['user.*']},'actions':[{'process':'example-enrich'}]}");
      PipelineResult r = engine.apply(event("user.created", "{'email':'Ada@Example.COM'}"));
      assertThat(r.event().data()).isEqualTo(json("{'email':'ada@example.com','processed_by':'example-enrich'}"));
      assertThat(engine.apply(event("user.created", "{'spam':true}")).droppedBy()).isEqualTo("enrich");
    }
  }

  @Test
  void missingOrEmptyPluginsDirectoryLoadsNothing() throws Exception {
    try (ProcessorRegistry none = ProcessorRegistry.load(plugins.resolve("absent"), Duration.ofSeconds(1), false)) {
      assertThat(none.names()).isEmpty();
    }
    try (ProcessorRegistry empty = ProcessorRegistry.load(plugins, Duration.ofSeconds(1), false)) {
      assertThat(empty.names()).isEmpty();
    }
  }

  @Test
  void theSamePluginTwiceFailsTheStart() throws Exception {
    Path jar = ExamplePluginJar.build(plugins);
    Files.copy(jar, plugins.resolve("copy.jar"));
    assertThatThrownBy(() -> ProcessorRegistry.load(plugins, Duration.ofSeconds(1), false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("example-enrich");
  }
}
