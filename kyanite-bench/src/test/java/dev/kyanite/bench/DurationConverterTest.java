package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter c = new DurationConverter();

  @Test
  void acceptsCommonUnitsAndPlainSeconds() {
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(c.convert("30")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(TypeConversionException.class);
  }
}
