package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines up expected and actual events with the fewest differences (an edit-distance alignment in
 * which a {@link Multiplicity#ONE_OR_MORE} event absorbs a run of equal actual events). An actual
 * event with the expected name but other data is shown as one changed line rather than a missing
 * and an unexpected one.
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
        if (e.multiplicity() == Multiplicity.ONE && cost[i][j] == cost[i + 1][j + 1]) {
          lines.add(new Line(Mark.SAME, e, a, 1));
          i++;
          j++;
          continue;
        }
        if (e.multiplicity() == Multiplicity.ONE_OR_MORE) {
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
    return lines;
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
          if (e.multiplicity() == Multiplicity.ONE) {
            best = Math.min(best, cost[i + 1][j + 1]);
          } else {
            for (int k = j; k < m && same(e, actual.get(k)); k++) {
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

  /** The end of the longest run from j that a one-or-more event can take at optimal cost. */
  private static int longestOptimalRun(
      List<ExpectedEvent> expected, List<ObservedEvent> actual, int[][] cost, int i, int j) {
    ExpectedEvent e = expected.get(i);
    int end = j;
    for (int k = j; k < actual.size() && same(e, actual.get(k)); k++) {
      if (cost[i + 1][k + 1] == cost[i][j]) {
        end = k + 1;
      }
    }
    return end;
  }

  static boolean same(ExpectedEvent e, ObservedEvent a) {
    return e.name().equals(a.name()) && EventData.equal(e.data(), a.data());
  }
}
