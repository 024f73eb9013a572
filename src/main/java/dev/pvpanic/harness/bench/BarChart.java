package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.report.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A small SVG chart, written by hand (no library): panels of horizontal bar pairs, one bar per mode
 * (cold, snapshot) for each row, each panel on its own scale, values printed at the bars.
 */
final class BarChart {
  /** One row: a label and a value per mode (empty when the mode has none). */
  record Row(String label, OptionalDouble cold, OptionalDouble snapshot) {}

  /** A titled group of rows sharing one scale. */
  record Panel(String title, String unit, List<Row> rows) {}

  private static final int WIDTH = 960;
  private static final int LABEL = 230;
  private static final int BAR = 13;
  private static final int ROW = 2 * BAR + 10;
  private static final int TITLE = 34;
  private static final String COLD = "#4e79a7";
  private static final String SNAPSHOT = "#f28e2b";

  private BarChart() {}

  static String svg(String title, List<String> subtitle, List<Panel> panels) {
    int height = 60 + 16 * subtitle.size();
    for (Panel p : panels) {
      height += TITLE + ROW * p.rows().size() + 16;
    }
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    int y = 24;
    text(s, 12, y, 16, "bold", title);
    y += 8;
    for (String line : subtitle) {
      y += 16;
      text(s, 12, y, 12, "normal", line);
    }
    y += 10;
    legend(s, WIDTH - 220, 20);
    for (Panel p : panels) {
      y += TITLE;
      text(s, 12, y - 10, 14, "bold", p.title());
      double max =
          p.rows().stream()
              .flatMap(r -> List.of(r.cold(), r.snapshot()).stream())
              .filter(OptionalDouble::isPresent)
              .mapToDouble(OptionalDouble::getAsDouble)
              .max()
              .orElse(1);
      double scale = (WIDTH - LABEL - 90) / Math.max(max, 1e-9);
      for (Row r : p.rows()) {
        text(s, 12, y + BAR + 4, 12, "normal", r.label());
        bar(s, y, r.cold(), scale, COLD, p.unit());
        bar(s, y + BAR + 2, r.snapshot(), scale, SNAPSHOT, p.unit());
        y += ROW;
      }
      y += 16;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static void bar(
      StringBuilder s, int y, OptionalDouble v, double scale, String color, String unit) {
    if (v.isEmpty()) {
      text(s, LABEL, y + BAR - 2, 11, "normal", "-");
      return;
    }
    double w = Math.max(1, v.getAsDouble() * scale);
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
            LABEL,
            y,
            w,
            BAR,
            color));
    text(
        s,
        (int) (LABEL + w + 4),
        y + BAR - 2,
        11,
        "normal",
        String.format(Locale.ROOT, "%.2f %s", v.getAsDouble(), unit));
  }

  private static void legend(StringBuilder s, int x, int y) {
    List<String[]> items = new ArrayList<>();
    items.add(new String[] {COLD, "cold boot"});
    items.add(new String[] {SNAPSHOT, "from snapshot"});
    for (String[] i : items) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
              x,
              y - 10,
              i[0]));
      text(s, x + 16, y, 12, "normal", i[1]);
      x += 105;
    }
  }

  private static void text(StringBuilder s, int x, int y, int size, String weight, String t) {
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
            x,
            y,
            size,
            weight,
            escape(t)));
  }

  static String escape(String t) {
    return Html.escape(t);
  }
}
