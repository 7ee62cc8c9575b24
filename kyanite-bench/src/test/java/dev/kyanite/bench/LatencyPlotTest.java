package dev.kyanite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {
  @TempDir Path dir;

  @Test
  void sweepCsvBecomesAPng() throws Exception {
    Path csv = dir.resolve("sweep.csv");
    Files.writeString(csv, "server,offered_rps,achieved_rps,p50_ms,p90_ms,p99_ms,p999_ms,errors\n"
        + "bare,50000,50000,0.3,0.8,1.5,4,0\nbare,25000,25000,0.2,0.5,1.0,2,0\n"
        + "kyanite,40000,40000,0.5,1.2,2.5,6,0\npostgres,3000,2900,4,20,60,90,0\n");
    Path png = dir.resolve("plot.png");
    LatencyPlot.main(new String[] {csv.toString(), png.toString()});
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isGreaterThan(500);
    assertThat(LatencyPlot.read(csv)).containsOnlyKeys("bare", "kyanite", "postgres");
  }
}
