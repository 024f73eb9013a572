package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines up expected and actual events with the fewest differences (an edit-distance alignment in
 * which a repeating event absorbs a run of equal actual events, as long as its {@link Multiplicity}
 * allows: the rest of a longer run is unexpected). An actual event with the expected name but other
 * data is shown as one changed line rather than a missing and an unexpected one. Consecutive equal
 * unexpected events are one line with their count (a reset storm's thousands of RESETs read as one
 * line).
 */
final class EventAlignment {
  private EventAlignment() {}

  /** How one line of the alignment relates expected to actual. */
  enum Mark {
    SAME("="),
    REPEATED("~"),
    CHANGED("!"),
    MISSING("-"),
    UNEXPECTED("+");

    private final String symbol;

    Mark(String symbol) {
      this.symbol = symbol;
    }

    String symbol() {
      return symbol;
    }
  }

  /**
   * One aligned line; {@code count} is how many actual events a {@link Mark#REPEATED} line took.
   */
  record Line(Mark mark, ExpectedEvent expected, ObservedEvent actual, int count) {}

  static List<Line> align(List<ExpectedEvent> expected, List<ObservedEvent> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] cost = costs(expected, actual);
    List<Line> lines = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i == n) {
        lines.add(new Line(Mark.UNEXPECTED, null, actual.get(j++), 1));
        continue;
      }
      if (j == m) {
        lines.add(new Line(Mark.MISSING, expected.get(i++), null, 0));
        continue;
      }
      ExpectedEvent e = expected.get(i);
      ObservedEvent a = actual.get(j);
      if (same(e, a)) {
        if (!e.multiplicity().repeats() && cost[i][j] == cost[i + 1][j + 1]) {
          lines.add(new Line(Mark.SAME, e, a, 1));
          i++;
          j++;
          continue;
        }
        if (e.multiplicity().repeats()) {
          int end = longestOptimalRun(expected, actual, cost, i, j);
          if (end > j) {
            lines.add(new Line(Mark.REPEATED, e, a, end - j));
            i++;
            j = end;
            continue;
          }
        }
      }
      if (e.name().equals(a.name()) && cost[i][j] == 1 + cost[i + 1][j + 1]) {
        lines.add(new Line(Mark.CHANGED, e, a, 1));
        i++;
        j++;
      } else if (cost[i][j] == 1 + cost[i + 1][j]) {
        lines.add(new Line(Mark.MISSING, e, null, 0));
        i++;
      } else {
        lines.add(new Line(Mark.UNEXPECTED, null, a, 1));
        j++;
      }
    }
    return collapseUnexpected(lines);
  }

  /** Runs of equal unexpected events as one line each, with the run's length as its count. */
  private static List<Line> collapseUnexpected(List<Line> lines) {
    List<Line> out = new ArrayList<>();
    for (Line l : lines) {
      Line last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (l.mark() == Mark.UNEXPECTED
          && last != null
          && last.mark() == Mark.UNEXPECTED
          && last.actual().equals(l.actual())) {
        out.set(out.size() - 1, new Line(Mark.UNEXPECTED, null, last.actual(), last.count() + 1));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  /** cost[i][j]: fewest differences aligning expected[i..] with actual[j..]. */
  private static int[][] costs(List<ExpectedEvent> expected, List<ObservedEvent> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] cost = new int[n + 1][m + 1];
    for (int j = 0; j <= m; j++) {
      cost[n][j] = m - j;
    }
    for (int i = 0; i <= n; i++) {
      cost[i][m] = n - i;
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        ExpectedEvent e = expected.get(i);
        int best = Math.min(1 + cost[i + 1][j], 1 + cost[i][j + 1]);
        if (same(e, actual.get(j))) {
          Multiplicity times = e.multiplicity();
          for (int k = j; k < m && k - j < times.max() && same(e, actual.get(k)); k++) {
            if (k - j + 1 >= times.min()) {
              best = Math.min(best, cost[i + 1][k + 1]);
            }
          }
        } else if (e.name().equals(actual.get(j).name())) {
          best = Math.min(best, 1 + cost[i + 1][j + 1]);
        }
        cost[i][j] = best;
      }
    }
    return cost;
  }

  /**
   * The end of the longest run from j, within its multiplicity, that a repeating event can take at
   * optimal cost; j when none can.
   */
  private static int longestOptimalRun(
      List<ExpectedEvent> expected, List<ObservedEvent> actual, int[][] cost, int i, int j) {
    ExpectedEvent e = expected.get(i);
    Multiplicity times = e.multiplicity();
    int end = j;
    for (int k = j; k < actual.size() && k - j < times.max() && same(e, actual.get(k)); k++) {
      if (k - j + 1 >= times.min() && cost[i + 1][k + 1] == cost[i][j]) {
        end = k + 1;
      }
    }
    return end;
  }

  static boolean same(ExpectedEvent e, ObservedEvent a) {
    return e.matches(a);
  }
}
