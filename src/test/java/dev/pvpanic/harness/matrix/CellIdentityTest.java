package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.Accelerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One identity per cell: every name a report, a folder or a tool gives a cell comes from {@link
 * CellIdentity}, and two cells that differ in any one axis value differ in every one of them.
 */
class CellIdentityTest {
  private static final String ORIGIN = "pvpanic_harness";
  private static final String RUN = "20250101T000000Z-0a1b2c3d";

  /** Every name derived from an identity, by what it names. */
  private static final Map<String, Function<CellIdentity, String>> NAMES = names();

  private static Map<String, Function<CellIdentity, String>> names() {
    Map<String, Function<CellIdentity, String>> n = new LinkedHashMap<>();
    n.put("folder", CellIdentity::folderName);
    n.put("Allure historyId", CellIdentity::historyId);
    n.put("Allure testCaseId", CellIdentity::testCaseId);
    n.put("Allure name / JUnit display name", CellIdentity::testName);
    n.put("KCIDB test id", i -> i.kcidbTestId(ORIGIN, RUN));
    // the recipe is the test's build: the pair is what must differ
    n.put("KCIDB (build, path)", i -> i.recipe() + " " + i.kcidbPath());
    n.put("KTAP name", CellIdentity::ktapName);
    n.put("bundle folder", CellIdentity::bundleFolder);
    return n;
  }

  /** Values to walk: every valid value of a closed axis, samples of a free one. */
  private static List<String> values(Axis axis) {
    return switch (axis) {
      case RECIPE -> List.of("x86_64-6.12", "x86_64-7.3", "aarch64-6.12-bpo", "riscv64-6.12");
      case MACHINE_TYPE -> List.of("default", "q35", "pc", "pc-q35-7.2", "pc-i440fx-9.1", "virt");
      case QEMU ->
          List.of(
              "host",
              "debian:5.2",
              "debian:bullseye",
              "debian:trixie=1:10.0.2+ds-1",
              "prefix:/opt/qemu-9.1",
              "build:/src/qemu/build",
              "container:pvh-qemu:bookworm-backports");
      case KERNEL_ARGS -> List.of("", "module_blacklist=pvpanic_pci", "crashkernel=256M");
      case QEMU_ARGS -> List.of("", "-no-shutdown", "-global pvpanic-pci.events=1");
      default -> axis.validValues();
    };
  }

  /** Bases the walk starts from: the defaults, and one where kdump, watchdog, after are set. */
  private static List<Map<Axis, String>> bases() {
    Map<Axis, String> plain = new EnumMap<>(Axis.class);
    plain.put(Axis.RECIPE, "x86_64-6.12");
    plain.put(Axis.ACCELERATOR, "tcg");
    Map<Axis, String> rich = new EnumMap<>(plain);
    rich.put(Axis.KDUMP, "yes");
    rich.put(Axis.POST_NOTIFIERS, "cmdline");
    rich.put(Axis.TRIGGER, "watchdog");
    rich.put(Axis.WATCHDOG, "pause");
    rich.put(Axis.AFTER, "dump");
    rich.put(Axis.QEMU, "debian:sid");
    return List.of(plain, rich);
  }

  @Test
  void twoCellsThatDifferInAnyOneAxisValueDifferInEveryDerivedName() {
    int pairs = 0;
    for (Map<Axis, String> base : bases()) {
      for (Axis axis : Axis.values()) {
        List<String> vs = values(axis);
        assertTrue(vs.size() >= 2, axis + " has values to walk");
        List<CellIdentity> ids = new ArrayList<>();
        for (String v : vs) {
          Map<Axis, String> m = new EnumMap<>(base);
          m.put(axis, v);
          ids.add(new Cell(Optional.empty(), m).identity());
        }
        for (int i = 0; i < ids.size(); i++) {
          for (int j = i + 1; j < ids.size(); j++) {
            pairs++;
            for (Map.Entry<String, Function<CellIdentity, String>> n : NAMES.entrySet()) {
              String a = n.getValue().apply(ids.get(i));
              String b = n.getValue().apply(ids.get(j));
              assertNotEquals(
                  a,
                  b,
                  n.getKey()
                      + " of two cells that differ in "
                      + axis.key()
                      + " ("
                      + vs.get(i)
                      + " / "
                      + vs.get(j)
                      + ")");
            }
          }
        }
      }
    }
    assertTrue(pairs > 150, pairs + " pairs walked");
  }

  @Test
  void theSameCellHasTheSameNamesInEveryRunAndTheFolderNamesOfEarlierRuns() {
    Map<Axis, String> m = new EnumMap<>(Axis.class);
    m.put(Axis.RECIPE, "x86_64-6.12");
    m.put(Axis.KDUMP, "yes");
    m.put(Axis.POST_NOTIFIERS, "cmdline");
    m.put(Axis.PANIC, "none");
    m.put(Axis.ACCELERATOR, "tcg");
    Cell a = new Cell(Optional.of("seed-kdump-notifiers"), m);
    Cell b = new Cell(Optional.empty(), m);
    assertEquals(
        "x86_64-6.12_pci_kdump-cmdline_panic-none_shutdown-default_sysrq-c",
        a.identity().folderName(),
        "the folder name of the cells of earlier runs");
    assertEquals(a.identity().historyId(), b.identity().historyId(), "the name is a label");
    assertEquals(
        "pvpanic.pci.kdump-cmdline.panic-none.shutdown-default.sysrq-c", a.identity().kcidbPath());
    assertEquals("pvh-bundle-seed-kdump-notifiers", a.identity().bundleFolder());
    assertEquals(a.id(), a.identity().id());
    assertEquals(a.displayName(), a.identity().testName());
  }

  @Test
  void aCellThatNamesNoAcceleratorHasTheIdOfEarlierRunsWhateverTheRunsAccelerator() {
    Map<Axis, String> m = new EnumMap<>(Axis.class);
    m.put(Axis.RECIPE, "x86_64-6.12");
    Cell unnamed = new Cell(Optional.empty(), m);
    m.put(Axis.ACCELERATOR, "tcg");
    Cell tcg = new Cell(Optional.empty(), m);
    m.put(Axis.ACCELERATOR, "auto");
    Cell auto = new Cell(Optional.empty(), m);
    assertEquals("x86_64-6.12_pci_nokdump_panic-default_shutdown-default_sysrq-c", unnamed.id());
    assertEquals(unnamed.id(), tcg.id(), "tcg is left out of an id, as before");
    assertEquals(unnamed.id() + "_auto", auto.id());
    // the run's pvh.accelerator decides how the cell runs, never what it is called
    assertEquals(Accelerator.AUTO, unnamed.accelerator(Accelerator.AUTO));
    assertEquals(Accelerator.TCG, tcg.accelerator(Accelerator.AUTO));
    assertFalse(unnamed.parameters().containsKey("accelerator"), "no value to record");
    assertEquals("tcg", tcg.parameters().get("accelerator"));
  }

  @Test
  void aCellReadBackFromItsRecordedParametersHasTheSameIdentity() throws IOException {
    for (Cell c : config("smoke.yaml").cells()) {
      Cell back = Cell.ofParameters(c.name(), c.parameters(), "cell.json");
      assertEquals(c.identity(), back.identity(), c.displayName());
    }
  }

  @Test
  void everyShippedConfigGivesEachCellItsOwnNameOfEveryKind() throws IOException {
    List<Path> configs;
    try (Stream<Path> files = Files.list(Path.of("guest-configs"))) {
      configs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(configs.size() >= 4, configs.toString());
    for (Path f : configs) {
      List<Cell> cells = config(f.getFileName().toString()).cells();
      assertDistinct(cells, f.getFileName().toString());
    }
  }

  /**
   * The acceptance of issue 25's first item: each of the smoke plan's cells (90 then) gets its own
   * folder name, Allure history id (Allure showed 83), KCIDB id and (build, path) pair, KTAP name.
   * The count is the file's own cell lines, read without the config loader.
   */
  @Test
  void theSmokePlansCellsGetOneNameOfEveryKindEach() throws IOException {
    List<Cell> cells = config("smoke.yaml").cells();
    assertEquals(
        SmokeLines.count(), cells.size(), "smoke.yaml's cell lines against the planned cells");
    assertDistinct(cells, "smoke.yaml");
  }

  private static void assertDistinct(List<Cell> cells, String where) {
    for (Map.Entry<String, Function<CellIdentity, String>> n : NAMES.entrySet()) {
      Set<String> seen = new HashSet<>();
      for (Cell c : cells) {
        assertTrue(
            seen.add(n.getValue().apply(c.identity())),
            where + ": " + n.getKey() + " shared: " + n.getValue().apply(c.identity()));
      }
      assertEquals(cells.size(), seen.size(), where + ": " + n.getKey());
    }
  }

  @Test
  void twoDifferentCellsWithOneIdAreRefusedWhenTheConfigLoads() throws Exception {
    Object root =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                """
                axes:
                  recipe: [x86_64-6.12]
                  qemu: ["prefix:/opt/a/b", "prefix:/opt/a-b"]
                """,
                Object.class);
    GuestConfig c = GuestConfig.parse(root, "clash.yaml", Set.of("x86_64-6.12"), Optional.empty());
    String why = assertThrows(GuestConfigException.class, c::cells).getMessage();
    assertTrue(why.contains("two different cells get the one id"), why);
    assertTrue(why.contains("qemu=prefix:/opt/a/b") && why.contains("qemu=prefix:/opt/a-b"), why);
    assertFalse(why.isBlank());
  }

  private static GuestConfig config(String file) {
    ImageRecipes recipes = ImageRecipes.load(TestSettings.checkout().recipes());
    return GuestConfig.load(Path.of("guest-configs", file), recipes.names());
  }

  @Test
  void aLongKernelCommandLineIsShownByItsStartAndStillTellsCellsApart() {
    String tail = "x".repeat(3000);
    Cell a = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KERNEL_ARGS, tail));
    Cell b =
        new Cell(
            Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KERNEL_ARGS, tail + " y"));
    assertTrue(a.displayName().length() < 200, a.displayName());
    assertTrue(a.displayName().contains("... (3000 characters, "), a.displayName());
    assertNotEquals(a.displayName(), b.displayName());
    Cell shortArgs =
        new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KERNEL_ARGS, "panic=5"));
    assertTrue(shortArgs.displayName().endsWith(" +kernel[panic=5]"), shortArgs.displayName());
  }
}
