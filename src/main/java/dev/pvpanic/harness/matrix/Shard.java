package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard {@code index} of {@code count} ({@code "2/3"}): the part of a matrix one CI runner takes.
 * Every runner computes the same split from the same cell list, so shards {@code 1/n … n/n}
 * together run every cell exactly once, with no coordination.
 *
 * <p>The split is even by expected cost, not by count: cells are assigned longest first (by {@link
 * #cost}, ties by cell id, so the order is stable) to the shard with the smallest total so far
 * (ties to the lower index). A shard's cells keep their order in the input list.
 */
public record Shard(int index, int count) {
  private static final Pattern FORM = Pattern.compile("(\\d{1,4})/(\\d{1,4})");

  /** The whole matrix as one shard. */
  public static final Shard ALL = new Shard(1, 1);

  public Shard {
    if (count < 1 || index < 1 || index > count) {
      throw new GuestConfigException(
          "shard " + index + "/" + count + " does not exist; valid: k/n with 1 <= k <= n");
    }
  }

  /** Parses {@code k/n}, e.g. {@code 2/3}. */
  public static Shard parse(String text) {
    String t = text == null ? "" : text.strip();
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new GuestConfigException(
          "shard '" + t + "' is not of the form k/n (e.g. 2/3: the second of three shards)");
    }
    int k = Integer.parseInt(m.group(1));
    int n = Integer.parseInt(m.group(2));
    if (n < 1 || k < 1 || k > n) {
      throw new GuestConfigException(
          "shard '"
              + t
              + "' does not exist; valid: k/n with 1 <= k <= n, e.g. 1/"
              + Math.max(n, 1));
    }
    return new Shard(k, n);
  }

  /**
   * The shard a run was asked for: {@code -Dpvh.shard=k/n}, else {@code PVH_SHARD}, else the whole
   * matrix.
   */
  public static Shard configured(Settings settings) {
    return settings.get(Setting.SHARD).map(Shard::parse).orElse(ALL);
  }

  /**
   * A cell's expected cost, in rough seconds of one guest under TCG on a small CI runner: booting a
   * guest and panicking it costs 4; loading kdump's capture kernel and booting it after the panic
   * adds 5; an aarch64 or riscv64 guest adds 2 (a foreign architecture under TCG, and pvpanic
   * modules built out of tree). The architecture is read from the recipe's name ({@code aarch64-…},
   * {@code riscv64-…}, as images/recipes names them): a recipe named otherwise only loses the
   * surcharge, the split stays deterministic.
   */
  public static int cost(Cell cell) {
    int cost = 4;
    if (cell.kdump()) {
      cost += 5;
    }
    String recipe = cell.recipe();
    if (recipe.startsWith("aarch64")
        || recipe.startsWith("arm64")
        || recipe.startsWith("riscv64")) {
      cost += 2;
    }
    return cost;
  }

  /** This shard's cells, in their order in {@code cells}. */
  public List<Cell> select(List<Cell> cells) {
    return select(cells, Function.identity());
  }

  /** This shard's items (cells, planned cells, rows…), in their order in {@code items}. */
  public <T> List<T> select(List<T> items, Function<? super T, Cell> cellOf) {
    int[] owner = assign(items.stream().map(cellOf).toList(), count);
    List<T> mine = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (owner[i] == index - 1) {
        mine.add(items.get(i));
      }
    }
    return mine;
  }

  /** The total {@link #cost} of each of {@code count} shards of {@code cells}, index 0 first. */
  public static int[] costs(List<Cell> cells, int count) {
    int[] owner = assign(cells, count);
    int[] totals = new int[count];
    for (int i = 0; i < cells.size(); i++) {
      totals[owner[i]] += cost(cells.get(i));
    }
    return totals;
  }

  /** For each cell, the 0-based shard it goes to: greedy longest-first bin packing. */
  private static int[] assign(List<Cell> cells, int count) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.<Integer>comparingInt(i -> -cost(cells.get(i)))
            .thenComparing(i -> cells.get(i).id())
            .thenComparingInt(i -> i));
    int[] totals = new int[count];
    int[] owner = new int[cells.size()];
    for (int i : order) {
      int lightest = 0;
      for (int s = 1; s < count; s++) {
        if (totals[s] < totals[lightest]) {
          lightest = s;
        }
      }
      owner[i] = lightest;
      totals[lightest] += cost(cells.get(i));
    }
    return owner;
  }

  /** How a run names its share, e.g. {@code shard 2/3: 6 of 18 cells}; empty for the whole. */
  public Optional<String> describe(int selected, int total) {
    return count == 1
        ? Optional.empty()
        : Optional.of("shard " + this + ": " + selected + " of " + total + " cells");
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
