package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pvpanic.harness.image.ImageRecipes;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuestConfigTest {
  private static final Set<String> RECIPES = Set.of("x86_64-6.12", "aarch64-6.12");

  @Test
  void aUsersKernelIsARecipeValueWhosePathIsTakenFromTheConfigsFolder() throws Exception {
    Object root =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                "cells:\n  - {name: a, recipe: \"deb:debs/k.deb\", device: pci}\n"
                    + "  - {name: b, recipe: \"deb:/abs/k.deb\", kdump: yes}\n",
                Object.class);
    GuestConfig gc =
        GuestConfig.parse(root, "u.yaml", RECIPES, Optional.of(Path.of("/home/me/cfg/u.yaml")));
    assertEquals(
        List.of("deb:/home/me/cfg/debs/k.deb", "deb:/abs/k.deb"),
        gc.cells().stream().map(Cell::recipe).toList());
  }

  private static GuestConfig parse(String yaml) throws Exception {
    Object root = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
    return GuestConfig.parse(root, "test.yaml", RECIPES, Optional.empty());
  }

  private static String rejection(String yaml) {
    return assertThrows(GuestConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void productMinusExclusionsPlusNamedCells() throws Exception {
    GuestConfig c =
        parse(
            """
            axes:
              recipe: [x86_64-6.12, aarch64-6.12]
              kdump: [no, yes]
              post_notifiers: [off, cmdline]
            exclude:
              - match: {kdump: no, post_notifiers: cmdline}
                reason: redundant
            cells:
              - {name: extra, recipe: x86_64-6.12, panic: none}
            """);
    GuestConfig.Expansion e = c.expand();
    assertEquals(2 * 2 * 2 - 2 + 1, e.cells().size(), e.cells().toString());
    assertEquals(2, e.excluded().size());
    assertTrue(e.excluded().stream().allMatch(x -> x.reason().equals("redundant")));
    Cell extra = e.cells().get(e.cells().size() - 1);
    assertEquals(Optional.of("extra"), extra.name());
    assertEquals("none", extra.get(Axis.PANIC));
    assertEquals("pci", extra.get(Axis.DEVICE), "unnamed axes take their defaults");
  }

  @Test
  void yamlBooleansAreAcceptedForKdumpAndAcpi() throws Exception {
    Cell cell =
        parse("cells: [{name: a, recipe: x86_64-6.12, kdump: true, acpi: false}]").cells().get(0);
    assertTrue(cell.kdump());
    assertTrue(cell.acpiOff());
  }

  @Test
  void unknownAxisListsTheValidOnes() {
    String m = rejection("axes: {recipe: [x86_64-6.12], kexec: [yes]}");
    assertTrue(m.contains("unknown axis 'kexec'") && m.contains("post_notifiers"), m);
  }

  @Test
  void unknownValueListsTheValidOnes() {
    String m = rejection("axes: {recipe: [x86_64-6.12], panic: [reboot]}");
    assertTrue(m.contains("'reboot'") && m.contains("exit-failure"), m);
  }

  @Test
  void unknownRecipeListsTheKnownOnes() {
    String m = rejection("cells: [{name: a, recipe: x86_64-9.9}]");
    assertTrue(m.contains("unknown recipe 'x86_64-9.9'") && m.contains("aarch64-6.12"), m);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "matrix: {}",
        "cells: [{recipe: x86_64-6.12}]",
        "cells: [{name: a, panic: none}]",
        "cells: [{name: a, recipe: [x86_64-6.12, aarch64-6.12]}]",
        "axes: {recipe: [x86_64-6.12]}\nexclude: [{match: {kdump: yes}}]",
        "name: nothing",
        "axes: {recipe: []}"
      })
  void malformedConfigsAreRejectedWithAMessage(String yaml) {
    assertFalse(rejection(yaml).isBlank());
  }

  @Test
  void cellIdsAreStableAndDistinct() throws Exception {
    GuestConfig c =
        parse(
            """
            axes:
              recipe: [x86_64-6.12]
              device: [isa, pci]
              events: [default, 1]
              panic: [default, none]
            """);
    List<Cell> first = c.cells();
    List<Cell> again = c.cells();
    assertEquals(first.stream().map(Cell::id).toList(), again.stream().map(Cell::id).toList());
    assertEquals(first.size(), new HashSet<>(first.stream().map(Cell::id).toList()).size());
  }

  @Test
  void shippedConfigsLoadAgainstTheShippedRecipes() {
    Set<String> recipes = ImageRecipes.load(Path.of("images/recipes")).names();
    for (String f :
        List.of(
            "guest-configs/smoke.yaml",
            "guest-configs/full.yaml",
            "guest-configs/regressions.yaml")) {
      GuestConfig c = GuestConfig.load(Path.of(f), recipes);
      List<Cell> cells = c.cells();
      assertFalse(cells.isEmpty(), f);
      assertEquals(cells.size(), new HashSet<>(cells.stream().map(Cell::id).toList()).size(), f);
    }
    GuestConfig smoke = GuestConfig.load(Path.of("guest-configs/smoke.yaml"), recipes);
    assertTrue(
        smoke.cells().stream().map(Cell::recipe).anyMatch(r -> r.startsWith("aarch64")),
        "smoke covers aarch64");
  }

  @Test
  void aNamedCellMayTakeUnconfiningArgsSayingWhyAndItsRecordSaysSo() throws Exception {
    String m = rejection("cells: [{name: a, recipe: x86_64-6.12, qemu_args: '-sandbox off'}]");
    assertTrue(m.contains("unconfined: \"<reason>\""), "the refusal names the way out: " + m);
    Cell c =
        parse(
                "cells: [{name: a, recipe: x86_64-6.12, qemu_args: '-sandbox off',"
                    + " unconfined: 'bug 1234 reproduces only without seccomp'}]")
            .cells()
            .get(0);
    assertEquals(Optional.of("bug 1234 reproduces only without seccomp"), c.unconfined());
    String by = c.unconfinedBy().orElseThrow();
    assertTrue(by.contains("-sandbox off"), by);
    assertTrue(by.contains("the cell says: bug 1234"), by);
    assertTrue(
        rejection("cells: [{name: a, recipe: x86_64-6.12, unconfined: ' '}]")
            .contains("'unconfined' takes the reason"));
    Cell confined = parse("cells: [{name: b, recipe: x86_64-6.12}]").cells().get(0);
    assertEquals(Optional.empty(), confined.unconfinedBy(), "no unconfining args, nothing to say");
  }

  @Test
  void qemuArgsThatUndoTheConfinementAreRefusedUnlessTheUserMeansIt() throws Exception {
    String m = rejection("cells: [{name: a, recipe: x86_64-6.12, qemu_args: '-sandbox off'}]");
    assertTrue(m.contains("(a): qemu_args '-sandbox off' would replace how the harness"), m);
    assertTrue(m.contains("pvh.allow-unconfined"), m);
    GuestConfig product =
        parse("axes: {recipe: [x86_64-6.12], qemu_args: ['', '-virtfs local,path=/']}");
    String m2 = assertThrows(GuestConfigException.class, product::cells).getMessage();
    assertTrue(m2.contains("would share a host folder"), m2);
    Object root =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                "cells: [{name: a, recipe: x86_64-6.12, qemu_args: '-sandbox off'}]", Object.class);
    ConfigLimits allowing = new ConfigLimits(GuestConfig.MAX_CELLS, true);
    assertEquals(
        List.of("-sandbox", "off"),
        GuestConfig.parse(root, "test.yaml", RECIPES, Optional.empty(), allowing)
            .cells()
            .get(0)
            .qemuArgs());
  }

  @Test
  void aRegressionCellStatesTheVerdictThatCatchesIt() throws Exception {
    Cell cell =
        parse(
                "cells: [{name: a, recipe: x86_64-6.12, kernel_args: 'module_blacklist=pvpanic_pci"
                    + "  quiet', qemu_args: -no-shutdown, regression: {what: no driver, verdict:"
                    + " wrong-guest-state}}]")
            .cells()
            .get(0);
    assertEquals("module_blacklist=pvpanic_pci quiet", cell.kernelArgs());
    assertEquals(List.of("-no-shutdown"), cell.qemuArgs());
    assertEquals(
        java.util.Optional.of(new InjectedRegression("no driver", "wrong-guest-state")),
        cell.regression());
    assertTrue(cell.regression().get().caughtBy("WRONG_GUEST_STATE"));
    assertFalse(cell.regression().get().caughtBy("PASS"));
    assertTrue(cell.id().contains("_kargs-") && cell.id().contains("_qargs-"), cell.id());
    String m =
        rejection("cells: [{name: a, recipe: x86_64-6.12, regression: {what: x, verdict: pass}}]");
    assertTrue(m.contains("'pass'") && m.contains("wrong-guest-state"), m);
  }

  @Test
  void extraArgumentsStayOutOfTheParametersOfOrdinaryCells() throws Exception {
    Cell cell = parse("cells: [{name: a, recipe: x86_64-6.12}]").cells().get(0);
    assertFalse(cell.parameters().containsKey("kernel_args"));
    assertFalse(cell.parameters().containsKey("qemu_args"));
  }

  @Test
  void aWatchdogActionIsPartOfTheCellAndItsActionsButOnlyWithTheWatchdogTrigger() throws Exception {
    Cell cell =
        parse("cells: [{name: a, recipe: x86_64-6.12, trigger: watchdog, watchdog: pause}]")
            .cells()
            .get(0);
    assertTrue(cell.id().endsWith("_watchdog_wdt-pause"), cell.id());
    assertEquals(java.util.List.of("-action", "watchdog=pause"), cell.actions().qemuArgs());
    assertEquals("pause", cell.parameters().get("watchdog"));
    // the default stays out of ids and parameters: other cells' history ids do not change
    Cell plain = parse("cells: [{name: a, recipe: x86_64-6.12}]").cells().get(0);
    assertFalse(plain.parameters().containsKey("watchdog"));
    assertFalse(plain.id().contains("wdt"), plain.id());

    String m = rejection("cells: [{name: a, recipe: x86_64-6.12, watchdog: pause}]");
    assertTrue(m.contains("watchdog: pause needs trigger: watchdog"), m);
  }

  @Test
  void anExclusionThatMatchesNothingIsReported() throws Exception {
    GuestConfig c =
        parse(
            "axes: {recipe: [x86_64-6.12], device: [pci]}\n"
                + "exclude: [{match: {device: isa}, reason: typo}]");
    assertEquals(1, c.unusedExclusions().size());
    assertEquals(1, c.cells().size());
  }

  @Test
  void aProductIsSizedBeforeItIsExpanded() throws Exception {
    GuestConfig c =
        parse(
            "axes: {recipe: [x86_64-6.12], kdump: [no, yes], device: [isa, pci],"
                + " panic: [default, pause, none]}");
    assertEquals(12, c.productSize());
  }

  @Test
  void twoNamesForOneCellAreRefused() {
    String m =
        rejection(
            "cells: [{name: a, recipe: x86_64-6.12, panic: none},"
                + " {name: b, recipe: x86_64-6.12, panic: none}]");
    assertTrue(m.contains("cells 'a' and 'b' are the same cell"), m);
  }

  @Test
  void aBareOffIsExplainedNotReportedAsFalse() {
    String m = rejection("cells: [{name: a, recipe: x86_64-6.12, shutdown: off}]");
    assertTrue(m.contains("'false' is not a value of axis 'shutdown'"), m);
    assertTrue(m.contains("quote the value"), m);
  }

  @Test
  void anOctalEventsMaskIsExplained() {
    String m = rejection("cells: [{name: a, recipe: x86_64-6.12, events: 010}]");
    assertTrue(m.contains("'8' is not a value of axis 'events'"), m);
    assertTrue(m.contains("leading 0 as octal"), m);
  }
}
