package io.dkv.torture;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws latency over time as an SVG: p50, p99 and maximum latency per time slice on a logarithmic
 * axis, a red tick wherever operations timed out or failed, with every fault window shaded in its kind's colour
 * (its description as a tooltip, and as a label where it fits), so a
 * reader sees at a glance what each fault did to the clients. Plain SVG text: any browser shows it.
 */
public final class LatencyChart {
  /**
   * A shaded interval, in seconds since the run's start.
   *
   * @param kind  picks the colour and the legend entry (a {@link FaultKind}'s text, or "healed")
   * @param label the full description, shown as a tooltip, and in the band when it fits
   */
  public record Window(double fromSeconds, double toSeconds, String kind, String label) {}

  /** Colours of the shaded bands, one per kind, in legend order. */
  private static final Map<String, String> COLOURS = colours();

  /** The kind of the window after the faults: healing, the liveness check, the final reads. */
  public static final String HEALED = "healed";
  private static final int WIDTH = 1200;
  private static final double LABEL_CHAR_PIXELS = 6.5;
  private static final int HEIGHT = 500;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final double MIN_MS = 0.1;
  private static final double MAX_MS = 100_000;

  private LatencyChart() {}

  public static String svg(String title, long runStartNanos, double runSeconds, List<LatencyLog.Sample> samples,
                           List<Window> faults) {
    double seconds = Math.max(runSeconds, 1);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        WIDTH, HEIGHT));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    for (Window w : faults) {
      double x0 = x(w.fromSeconds(), seconds);
      double x1 = x(Math.min(w.toSeconds(), seconds), seconds);
      String colour = COLOURS.getOrDefault(w.kind(), "#999999");
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
          + " fill-opacity=\"0.22\"><title>%s</title></rect>%n",
          x0, TOP, Math.max(1, x1 - x0), HEIGHT - TOP - BOTTOM, colour, escape(w.label())));
      if (x1 - x0 >= LABEL_CHAR_PIXELS * w.label().length()) { // a label only where it fits
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>%n",
            x0 + 2, TOP + 12, escape(w.label())));
      }
    }
    legend(s);
    for (double ms = MIN_MS; ms <= MAX_MS; ms *= 10) {
      double y = y(ms);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          LEFT, WIDTH - RIGHT, y, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n",
          LEFT - 6, y + 4, ms < 1 ? String.valueOf(ms) : String.valueOf((long) ms)));
    }
    long step = Math.max(1, (long) Math.ceil(seconds / 12));
    for (long t = 0; t <= seconds; t += step) {
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>%n",
          x(t, seconds), HEIGHT - BOTTOM + 18, t));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">time since start; latency "
        + "per time slice, p50 blue, p99 red, max grey; red ticks: operations that timed out or failed; bands: faults"
        + " (hover for details)</text>%n",
        LEFT, HEIGHT - 10));
    Buckets b = Buckets.of(samples, runStartNanos, seconds, WIDTH - LEFT - RIGHT);
    s.append(polyline(b, 0.50, seconds, "#1f77b4", "p50"));
    s.append(polyline(b, 0.99, seconds, "#d62728", "p99"));
    s.append(polyline(b, 1.00, seconds, "#999999", "max"));
    for (int i = 0; i < b.count(); i++) {
      if (b.unanswered(i) > 0) {
        double x = x(b.startSeconds(i), seconds);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"red\"/>%n",
            x, x, HEIGHT - BOTTOM, HEIGHT - BOTTOM - 8));
      }
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** One swatch per kind, above the plot. */
  private static void legend(StringBuilder s) {
    double x = WIDTH - RIGHT - 90.0 * COLOURS.size();
    for (Map.Entry<String, String> e : COLOURS.entrySet()) {
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\""
          + " fill-opacity=\"0.5\"/><text x=\"%.1f\" y=\"18\">%s</text>%n", x, e.getValue(), x + 16, e.getKey()));
      x += 90;
    }
  }

  private static Map<String, String> colours() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(FaultKind.PARTITION.text(), "#ff7f0e");
    c.put(FaultKind.KILL.text(), "#d62728");
    c.put(FaultKind.PAUSE.text(), "#9467bd");
    c.put(FaultKind.DELAY.text(), "#2ca02c");
    c.put(FaultKind.SKEW.text(), "#17becf");
    c.put(FaultKind.JOIN.text(), "#1f77b4");
    c.put(FaultKind.REMOVE.text(), "#8c564b");
    c.put(HEALED, "#7f7f7f");
    return c;
  }

  private static String polyline(Buckets b, double quantile, double seconds, String color, String name) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < b.count(); i++) {
      double ms = b.quantileMillis(i, quantile);
      if (ms > 0) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(b.startSeconds(i), seconds),
            y(Math.min(MAX_MS, Math.max(MIN_MS, ms)))));
      }
    }
    return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" points=\"%s\">"
        + "<title>%s</title></polyline>%n", color, points.toString().trim(), name);
  }

  private static double x(double t, double seconds) {
    return LEFT + (WIDTH - LEFT - RIGHT) * Math.max(0, t) / seconds;
  }

  private static double y(double ms) {
    double f = (Math.log10(ms) - Math.log10(MIN_MS)) / (Math.log10(MAX_MS) - Math.log10(MIN_MS));
    return HEIGHT - BOTTOM - f * (HEIGHT - TOP - BOTTOM);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
