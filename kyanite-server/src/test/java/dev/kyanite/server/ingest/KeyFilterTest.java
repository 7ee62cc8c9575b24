package dev.kyanite.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyFilterTest {
  @Test
  void anAddedKeyIsAlwaysFoundAndFewUnknownKeysAre() {
    KeyFilter f = new KeyFilter();
    for (int i = 0; i < 200_000; i++) f.add("id\u001fshop\u001forder-" + i);
    for (int i = 0; i < 200_000; i++) assertThat(f.mightContain("id\u001fshop\u001forder-" + i)).isTrue();
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) if (f.mightContain("id\u001fshop\u001fother-" + i)) falsePositives++;
    assertThat(falsePositives).isLessThan(100);
  }
}
