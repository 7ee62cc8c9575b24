package dev.kyanite.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the latency-against-offered-load chart of {@code bench/compare.sh} as a PNG, with plain
 * Java 2D (headless; no charting dependency). Input: the sweep CSV
 * {@code server,offered_rps,achieved_rps,p50_ms,p90_ms,p99_ms,p999_ms,errors}; one colour per
 * server, p99 solid, p50 dashed, latency on a log scale.
 *
 * <p>Usage: {@code java -cp kyanite-server-all.jar dev.kyanite.bench.LatencyPlot sweep.csv out.png}
 */
public final class LatencyPlot {
  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 220;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e)};

  private record Point(double offered, double p50, double p99) {}

  private LatencyPlot() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: LatencyPlot sweep.csv out.png");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Point>> series = read(Path.of(args[0]));
    ImageIO.write(draw(series), "png", Path.of(args[1]).toFile());
  }

  static Map<String, List<Point>> read(Path csv) throws IOException {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    for (String line : Files.readAllLines(csv)) {
      String[] f = line.split(",");
      if (f.length < 6 || f[0].equals("server")) {
        continue;
      }
      series.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Point(Double.parseDouble(f[1]),
          Double.parseDouble(f[3]), Double.parseDouble(f[5])));
    }
    series.values().forEach(l -> l.sort((a, b) -> Double.compare(a.offered(), b.offered())));
    return series;
  }

  static BufferedImage draw(Map<String, List<Point>> series) {
    double maxX = 1;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (List<Point> l : series.values()) {
      for (Point p : l) {
        maxX = Math.max(maxX, p.offered());
        minY = Math.min(minY, Math.max(0.01, p.p50()));
        maxY = Math.max(maxY, Math.max(p.p99(), p.p50()));
      }
    }
    double lo = Math.floor(Math.log10(minY == Double.MAX_VALUE ? 0.1 : minY));
    double hi = Math.ceil(Math.log10(Math.max(maxY, 1)));
    if (hi <= lo) {
      hi = lo + 1;
    }
    double xMax = niceCeil(maxX);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString("Ack latency vs offered load (open loop, coordinated-omission corrected)", LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (double e = lo; e <= hi; e++) { // log-scale y grid: one line a decade
      int y = TOP + ph - (int) Math.round((e - lo) / (hi - lo) * ph);
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT, y, LEFT + pw, y);
      g.setColor(Color.DARK_GRAY);
      String label = Math.pow(10, e) >= 1 ? String.format(Locale.ROOT, "%.0f ms", Math.pow(10, e))
          : String.format(Locale.ROOT, "%s ms", Math.pow(10, e));
      g.drawString(label, 8, y + 4);
    }
    for (int i = 0; i <= 5; i++) { // x grid
      int x = LEFT + pw * i / 5;
      g.setColor(new Color(0xdddddd));
      g.drawLine(x, TOP, x, TOP + ph);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%,.0f", xMax * i / 5);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 18);
    }
    g.drawString("offered load (requests/s)", LEFT + pw / 2 - 70, H - 15);
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    Stroke solid = new BasicStroke(2.2f);
    Stroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0);
    int c = 0;
    int legendY = TOP + 10;
    for (Map.Entry<String, List<Point>> s : series.entrySet()) {
      g.setColor(COLORS[c++ % COLORS.length]);
      for (int which = 0; which < 2; which++) {
        g.setStroke(which == 0 ? solid : dashed);
        int px = -1;
        int py = -1;
        for (Point p : s.getValue()) {
          double v = Math.max(Math.pow(10, lo), which == 0 ? p.p99() : p.p50());
          int x = LEFT + (int) Math.round(p.offered() / xMax * pw);
          int y = TOP + ph - (int) Math.round((Math.log10(v) - lo) / (hi - lo) * ph);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          g.fillOval(x - 3, y - 3, 7, 7);
          px = x;
          py = y;
        }
        g.drawLine(LEFT + pw + 15, legendY, LEFT + pw + 45, legendY);
        g.drawString(s.getKey() + (which == 0 ? " p99" : " p50"), LEFT + pw + 52, legendY + 4);
        legendY += 20;
      }
    }
    g.dispose();
    return img;
  }

  private static double niceCeil(double v) {
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }
}
