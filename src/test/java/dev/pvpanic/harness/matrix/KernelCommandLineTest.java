package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelCommandLineTest {
  private static final ImageRecipes RECIPES = ImageRecipes.load(TestSettings.checkout().recipes());

  private static Optional<String> problem(String recipe, String kernelArgs) {
    Cell cell =
        new Cell(Optional.of("c"), Map.of(Axis.RECIPE, recipe, Axis.KERNEL_ARGS, kernelArgs));
    ImageRecipe r = RECIPES.get(recipe);
    return KernelCommandLine.problem(cell, r);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"module_blacklist=pvpanic_pci", "console=tty0 console=ttyS0,115200", "panic=5"})
  void argumentsThatKeepTheSerialConsoleAndFitPass(String args) {
    assertEquals(Optional.empty(), problem("x86_64-6.12", args));
  }

  @Test
  void aConsoleThatTakesDevConsoleAwayIsRefusedNamingTheSerialOne() {
    String m = problem("x86_64-6.12", "console=tty0").orElseThrow();
    assertTrue(m.contains("console=tty0 the kernel's last console"), m);
    assertTrue(m.contains("keep console=ttyS0 last"), m);
    String arm = problem("aarch64-6.12", "console=ttyS0").orElseThrow();
    assertTrue(arm.contains("keep console=ttyAMA0 last"), arm);
  }

  @Test
  void aCommandLineOverTheArchitecturesLimitIsRefusedWithHowMuchToCut() {
    String args = "x=" + "a".repeat(3000);
    String m = problem("x86_64-6.12", args).orElseThrow();
    assertTrue(m.contains("over x86_64's COMMAND_LINE_SIZE (2047 bytes and a NUL)"), m);
    // riscv64 keeps 1024: 1,100 bytes fit x86 but not riscv64
    String riscv = "y=" + "b".repeat(1100);
    assertTrue(
        problem("riscv64-6.12", riscv).orElseThrow().contains("riscv64's COMMAND_LINE_SIZE"));
    assertEquals(Optional.empty(), problem("x86_64-6.12", riscv));
  }

  @Test
  void theCaptureLineIsCheckedToo() {
    // the capture kernel's line drops crashkernel= but adds kdump's own parameters (about 50
    // bytes): a main line just under the limit can push it over
    String recipeLine = RECIPES.get("x86_64-6.12").cmdline();
    int room = 2047 - recipeLine.length() - 1;
    String m = problem("x86_64-6.12", "z=" + "c".repeat(room - 2)).orElseThrow();
    assertTrue(m.contains("the capture kernel's command line"), m);
  }

  @Test
  void theCaptureKernelBootsAtNoticeLevelUnlessTheMainLineAsksForMore() {
    assertEquals(
        "console=ttyS0 irqpoll nr_cpus=1 reset_devices no_timer_check loglevel=6",
        KernelCommandLine.capture("console=ttyS0 crashkernel=192M crash_kexec_post_notifiers"));
    // quiet would hide the banner that shows the capture kernel started: lifted
    assertTrue(
        KernelCommandLine.capture("console=ttyS0 quiet crashkernel=192M").endsWith(" loglevel=6"));
    assertTrue(KernelCommandLine.capture("console=ttyS0 loglevel=3").endsWith(" loglevel=6"));
    for (String more : List.of("console=ttyS0 debug", "console=ttyS0 loglevel=8")) {
      assertFalse(KernelCommandLine.capture(more).contains("loglevel=6"), more);
    }
  }
}
