package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {

  static List<Cell> smokeCells() {
    ImageRecipes recipes = ImageRecipes.load(TestSettings.checkout().recipes());
    return GuestConfig.load(Path.of("guest-configs/smoke.yaml"), recipes.names()).cells();
  }

  @Test
  void parsesKOverN() {
    assertEquals(new Shard(2, 3), Shard.parse(" 2/3 "));
    assertEquals("2/3", Shard.parse("2/3").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "2-3", "a/b", "2/3/4", "-1/3"})
  void rejectsWhatIsNotKOverN(String text) {
    String m = assertThrows(GuestConfigException.class, () -> Shard.parse(text)).getMessage();
    assertTrue(m.contains("not of the form k/n"), m);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0/3", "4/3", "1/0"})
  void rejectsShardsThatDoNotExist(String text) {
    String m = assertThrows(GuestConfigException.class, () -> Shard.parse(text)).getMessage();
    assertTrue(m.contains("does not exist") && m.contains("1 <= k <= n"), m);
  }

  @Test
  void costGrowsWithKdumpAndAarch64() {
    Cell plain = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12"));
    Cell kdump = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KDUMP, "yes"));
    Cell arm = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "aarch64-6.12", Axis.KDUMP, "yes"));
    assertTrue(Shard.cost(plain) < Shard.cost(kdump), "kdump boots a second kernel");
    assertTrue(Shard.cost(kdump) < Shard.cost(arm), "aarch64 is slower under TCG");
  }

  @Test
  void threeShardsOfSmokeCoverEveryCellOnceWithBalancedCost() {
    List<Cell> cells = smokeCells();
    Map<String, Integer> seen = new HashMap<>();
    List<Integer> totals = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      List<Cell> mine = new Shard(k, 3).select(cells);
      assertTrue(!mine.isEmpty(), "shard " + k + "/3 is empty");
      mine.forEach(c -> seen.merge(c.id(), 1, Integer::sum));
      totals.add(mine.stream().mapToInt(Shard::cost).sum());
    }
    assertEquals(cells.size(), seen.size(), "every cell is in some shard");
    seen.forEach((id, n) -> assertEquals(1, n, id + " is in " + n + " shards"));
    int max = totals.stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = totals.stream().mapToInt(Integer::intValue).min().orElseThrow();
    int biggestCell = cells.stream().mapToInt(Shard::cost).max().orElseThrow();
    assertTrue(max - min <= biggestCell, "shard costs " + totals + " differ by more than one cell");
    assertEquals(
        totals,
        Arrays.stream(Shard.costs(cells, 3)).boxed().toList(),
        "costs() agrees with select");
  }

  @Test
  void theSplitIsDeterministicAndKeepsInputOrder() {
    List<Cell> cells = smokeCells();
    List<Cell> once = new Shard(2, 3).select(cells);
    assertEquals(once, new Shard(2, 3).select(List.copyOf(cells)));
    List<Integer> positions = once.stream().map(cells::indexOf).toList();
    assertEquals(positions.stream().sorted().toList(), positions);
  }

  @Test
  void theWholeMatrixIsOneShard() {
    List<Cell> cells = smokeCells();
    assertEquals(cells, Shard.ALL.select(cells));
    assertEquals(Optional.empty(), Shard.ALL.describe(cells.size(), cells.size()));
  }

  @Test
  void moreShardsThanCellsLeavesSomeEmpty() {
    List<Cell> two =
        List.of(
            new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12")),
            new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.1")));
    int total = 0;
    for (int k = 1; k <= 5; k++) {
      total += new Shard(k, 5).select(two).size();
    }
    assertEquals(2, total);
  }
}
