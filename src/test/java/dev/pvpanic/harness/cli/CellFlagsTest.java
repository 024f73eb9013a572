package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.GuestConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flags become the same Cell a guest config would give; recipes resolve by arch and kernel. */
class CellFlagsTest {
  private static final ImageRecipes RECIPES = ImageRecipes.load(TestSettings.checkout().recipes());

  private static Cell cell(String... args) {
    return CommandLine.populateCommand(new CellFlags(), args)
        .toCell(RECIPES, TestSettings.checkout());
  }

  @Test
  void everyFlagLandsOnItsAxis() {
    Cell c =
        cell(
            "--recipe",
            "x86_64-6.12",
            "--kdump",
            "--post-notifiers",
            "runtime",
            "--device",
            "isa",
            "--events",
            "1",
            "--action",
            "panic=shutdown,shutdown=pause",
            "--trigger",
            "watchdog",
            "--watchdog",
            "pause",
            "--acpi-off",
            "--userland",
            "debian",
            "--recover",
            "--machine-type",
            "pc-q35-5.1",
            "--accel",
            "auto",
            "--kernel-arg",
            "module_blacklist=pvpanic_pci",
            "--kernel-arg",
            "quiet",
            "--qemu-arg=-global",
            "--qemu-arg=pvpanic-pci.events=1");
    assertEquals(
        Map.ofEntries(
            Map.entry(Axis.RECIPE, "x86_64-6.12"),
            Map.entry(Axis.KDUMP, "yes"),
            Map.entry(Axis.USERLAND, "debian"),
            Map.entry(Axis.POST_NOTIFIERS, "runtime"),
            Map.entry(Axis.DEVICE, "isa"),
            Map.entry(Axis.EVENTS, "1"),
            Map.entry(Axis.PANIC, "shutdown"),
            Map.entry(Axis.SHUTDOWN, "pause"),
            Map.entry(Axis.TRIGGER, "watchdog"),
            Map.entry(Axis.WATCHDOG, "pause"),
            Map.entry(Axis.ACPI, "off"),
            Map.entry(Axis.AFTER, "recover"),
            Map.entry(Axis.ACCELERATOR, "auto"),
            Map.entry(Axis.MACHINE_TYPE, "pc-q35-5.1"),
            Map.entry(Axis.QEMU, "host"),
            Map.entry(Axis.KERNEL_ARGS, "module_blacklist=pvpanic_pci quiet"),
            Map.entry(Axis.QEMU_ARGS, "-global pvpanic-pci.events=1")),
        c.values());
    assertEquals(List.of("-global", "pvpanic-pci.events=1"), c.qemuArgs());
    assertEquals(Optional.empty(), c.name());
  }

  @Test
  void unsetFlagsKeepTheAxisDefaults() {
    Cell c = cell("--recipe", "x86_64-6.1");
    for (Axis a : Axis.values()) {
      if (a != Axis.RECIPE) {
        assertEquals(a.defaultValue(), c.get(a), a.key());
      }
    }
  }

  @Test
  void flagsGiveTheSameCellAsTheSmokeConfig() {
    Cell fromConfig =
        GuestConfig.load(Path.of("guest-configs/smoke.yaml"), RECIPES.names()).cells().stream()
            .filter(c -> c.name().equals(Optional.of("seed-kdump-notifiers")))
            .findFirst()
            .orElseThrow();
    Cell fromFlags =
        cell(
            "--recipe",
            "x86_64-6.12",
            "--device",
            "pci",
            "--kdump",
            "--post-notifiers",
            "cmdline",
            "--action",
            "panic=none");
    assertEquals(fromConfig.id(), fromFlags.id());
    assertEquals(fromConfig.values(), fromFlags.values());
  }

  @ParameterizedTest
  @CsvSource({
    "host, host",
    "debian:5.2, debian:5.2",
    "debian:bookworm-backports, debian:bookworm-backports",
    "debian:bullseye=1:5.2+dfsg-11+deb11u3, debian:bullseye=1:5.2+dfsg-11+deb11u3",
    "prefix:/opt/qemu-9.1, prefix:/opt/qemu-9.1",
    "build:/src/qemu/build/, build:/src/qemu/build",
    "container:pvh-qemu:bookworm-backports, container:pvh-qemu:bookworm-backports",
  })
  void qemuTakesEveryKindOfTheAxis(String flag, String axis) {
    Cell c = cell("--recipe", "x86_64-6.12", "--qemu", flag);
    assertEquals(axis, c.qemu());
    assertTrue(c.id().contains("qemu-") || flag.equals("host"), c.id());
  }

  @Test
  void aRelativeQemuFolderIsTakenFromWhereItWasTyped() {
    Path here = Path.of("").toAbsolutePath();
    assertEquals(
        "prefix:" + here.resolve("qemu-inst"),
        cell("--recipe", "x86_64-6.12", "--qemu", "prefix:qemu-inst/").qemu());
    assertEquals(
        "build:" + here.getParent().resolve("qemu/build"),
        cell("--recipe", "x86_64-6.12", "--qemu", "build:../qemu/build").qemu());
  }

  @Test
  void qemuGivesTheSameCellAsAConfigNamingIt() {
    Cell fromConfig =
        GuestConfig.load(Path.of("guest-configs/smoke.yaml"), RECIPES.names()).cells().stream()
            .filter(c -> c.name().equals(Optional.of("qemu52-seed-no-kdump")))
            .findFirst()
            .orElseThrow();
    Cell fromFlags = cell("--recipe", "x86_64-6.12", "--device", "isa", "--qemu", "debian:5.2");
    assertEquals(fromConfig.values(), fromFlags.values());
    assertEquals(fromConfig.id(), fromFlags.id());
  }

  @Test
  void anUnknownQemuKindIsRefusedNamingTheValidOnes() {
    String m =
        assertThrows(
                UsageException.class, () -> cell("--recipe", "x86_64-6.12", "--qemu", "qemu-9.1"))
            .getMessage();
    assertTrue(m.contains("--qemu: unknown QEMU build 'qemu-9.1'; valid: host, debian:"), m);
    assertTrue(m.contains("container:<local image>"), m);
  }

  @Test
  void kernelTakesAUsersKernelPackageAndArchMustBeItsOwn(@TempDir Path tmp) {
    Path deb =
        dev.pvpanic.harness.image.UserKernelsFixture.amd64Kernel(
            tmp.resolve("linux-image-6.12.107+deb13-amd64_6.12.107-1_amd64.deb"));
    Cell c = cell("--kernel", "deb:" + deb, "--device", "pci", "--kdump");
    assertEquals("deb:" + deb, c.recipe());
    assertEquals("deb:" + deb, cell("--arch", "x86_64", "--kernel", "deb:" + deb).recipe());
    String m =
        assertThrows(
                UsageException.class, () -> cell("--arch", "aarch64", "--kernel", "deb:" + deb))
            .getMessage();
    assertTrue(m.contains("that kernel is for x86_64 (amd64), not aarch64"), m);
    assertTrue(
        assertThrows(
                UsageException.class,
                () -> cell("--recipe", "x86_64-6.12", "--kernel", "deb:" + deb))
            .getMessage()
            .contains("not both"));
  }

  @Test
  void actionTakesPanicAloneOrBoth() {
    assertEquals(Map.of(Axis.PANIC, "none"), CellFlags.actions("panic=none"));
    assertEquals(
        Map.of(Axis.PANIC, "pause", Axis.SHUTDOWN, "poweroff"),
        CellFlags.actions("shutdown=poweroff, panic=pause"));
    assertTrue(
        assertThrows(UsageException.class, () -> CellFlags.actions("panic=none,panic=pause"))
            .getMessage()
            .contains("given twice"));
    assertTrue(
        assertThrows(UsageException.class, () -> CellFlags.actions("panic"))
            .getMessage()
            .contains("not KEY=VALUE"));
  }

  @Test
  void invalidValuesFailWithTheConfigsMessage() {
    String m =
        assertThrows(
                GuestConfigException.class, () -> cell("--recipe", "x86_64-6.12", "--device", "x"))
            .getMessage();
    assertEquals("--device: 'x' is not a value of axis 'device'; valid: none, isa, pci", m);
  }

  @ParameterizedTest
  @CsvSource({
    "x86_64, 6.12, x86_64-6.12",
    "amd64, 6.1, x86_64-6.1",
    "x86_64, 5.10, x86_64-5.10",
    "x86_64, 7.x, x86_64-7.x",
  })
  void archAndKernelPickTheOneRecipe(String arch, String kernel, String recipe) {
    assertEquals(recipe, cell("--arch", arch, "--kernel", kernel).recipe());
  }

  @Test
  void archAloneIsAmbiguousAndListsTheCandidates() {
    String m = assertThrows(UsageException.class, () -> cell("--arch", "aarch64")).getMessage();
    assertTrue(
        m.contains(
            "aarch64-6.12 (aarch64, kernel 6.12), aarch64-6.12-bpo (aarch64, kernel 6.12),"
                + " aarch64-7.3 (aarch64, kernel 7.3), aarch64-7.3-stock (aarch64, kernel 7.3),"
                + " aarch64-7.x (aarch64, kernel 7), aarch64-7.x-drv (aarch64, kernel 7)"),
        m);
  }

  @ParameterizedTest
  @CsvSource({"aarch64, 7", "arm64, 7.x"})
  void anArm64KernelWithADriverRecipeAndAControlNeedsTheRecipeNamed(String arch, String kernel) {
    String m =
        assertThrows(UsageException.class, () -> cell("--arch", arch, "--kernel", kernel))
            .getMessage();
    assertTrue(
        m.contains("aarch64-7.x (aarch64, kernel 7), aarch64-7.x-drv (aarch64, kernel 7)"), m);
    assertTrue(m.contains("give --recipe"), m);
  }

  @Test
  void recipeAndArchTogetherAreRefused() {
    String m =
        assertThrows(
                UsageException.class, () -> cell("--recipe", "x86_64-6.12", "--arch", "x86_64"))
            .getMessage();
    assertTrue(m.contains("not both"), m);
  }

  @Test
  void dryRunPrintsTheCellAndBootsNothing() {
    CliRun r =
        CliRun.of(
            "run",
            "--arch",
            "x86_64",
            "--kernel",
            "6.12",
            "--kdump",
            "--action",
            "panic=none",
            "--dry-run");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.out().contains("id:   x86_64-6.12_pci_kdump-off_panic-none_shutdown-default_sysrq-c"),
        r.out());
    assertTrue(r.out().contains("/cells/run/x86_64-6.12_pci_kdump-off"), r.out());
  }

  @Test
  void aConfigCellIsFoundByNameOrId() {
    CliRun byName =
        CliRun.of(
            "run", "--config", "guest-configs/smoke.yaml", "--cell", "arm-kdump-only", "--dry-run");
    assertEquals(0, byName.exit(), byName.toString());
    assertTrue(byName.out().contains("/cells/smoke/aarch64-6.12-bpo_pci_kdump-off"));
    CliRun byId =
        CliRun.of(
            "run",
            "--config",
            "guest-configs/smoke.yaml",
            "--cell",
            "aarch64-6.12-bpo_pci_kdump-off_panic-none_shutdown-default_sysrq-c",
            "--dry-run");
    assertEquals(0, byId.exit(), byId.toString());
    assertTrue(byId.out().contains("arm-kdump-only:"), byId.out());
  }
}
