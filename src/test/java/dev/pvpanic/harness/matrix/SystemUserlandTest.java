package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.junit.TestSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The userland axis: what a cell on the debian userland may be, and its kernel command line. */
class SystemUserlandTest {
  private static final ImageRecipes RECIPES = ImageRecipes.load(TestSettings.checkout().recipes());

  private static Cell cell(Map<Axis, String> values) {
    return new Cell(Optional.of("c"), values);
  }

  @Test
  void theDefaultUserlandIsTheMinimalOneAndNeedsNothing() {
    Cell c = cell(Map.of(Axis.RECIPE, "riscv64-6.12", Axis.TRIGGER, "oops"));
    assertEquals(Userland.MINIMAL, c.userland());
    assertEquals(Optional.empty(), MatrixPlan.systemProblem(c, RECIPES.get("riscv64-6.12")));
  }

  @Test
  void anArchitectureWithoutTheSuitesPackagesIsRefusedNamingTheValidOnes() {
    Cell c = cell(Map.of(Axis.RECIPE, "riscv64-6.12", Axis.USERLAND, "debian"));
    String why = MatrixPlan.systemProblem(c, RECIPES.get("riscv64-6.12")).orElseThrow();
    assertTrue(why.contains("no riscv64 packages"), why);
    assertTrue(why.contains("x86_64, aarch64"), why);
  }

  @Test
  void aTriggerWhoseModuleOnlyTheMinimalImageCarriesIsRefused() {
    Cell c =
        cell(Map.of(Axis.RECIPE, "x86_64-6.12", Axis.USERLAND, "debian", Axis.TRIGGER, "oops"));
    String why = MatrixPlan.systemProblem(c, RECIPES.get("x86_64-6.12")).orElseThrow();
    assertTrue(why.contains("trigger oops needs the module(s)"), why);
    assertTrue(why.contains("sysrq-c"), why);
    Cell sysrq = cell(Map.of(Axis.RECIPE, "x86_64-6.12", Axis.USERLAND, "debian"));
    assertEquals(Optional.empty(), MatrixPlan.systemProblem(sysrq, RECIPES.get("x86_64-6.12")));
  }

  @Test
  void aSystemReservesCrashMemoryOnlyForKdumpSinceKdumpToolsLoadsWheneverThereIsSome() {
    String line = "console=ttyS0 crashkernel=384M-:128M root=/dev/vda ro";
    Cell noKdump = cell(Map.of(Axis.RECIPE, "x86_64-6.12", Axis.USERLAND, "debian"));
    assertFalse(KernelCommandLine.main(noKdump, line).contains("crashkernel"));
    Cell kdump =
        cell(Map.of(Axis.RECIPE, "x86_64-6.12", Axis.USERLAND, "debian", Axis.KDUMP, "yes"));
    assertTrue(KernelCommandLine.main(kdump, line).contains("crashkernel=384M-:128M"));
    Cell minimal = cell(Map.of(Axis.RECIPE, "x86_64-6.12"));
    assertTrue(KernelCommandLine.main(minimal, line).contains("crashkernel=384M-:128M"));
  }

  @Test
  void aSystemImageIsNamedAfterItsRecipeAndFoundAgainByThatName() {
    assertEquals("x86_64-6.12@debian", Userland.DEBIAN.imageName("x86_64-6.12"));
    assertEquals("x86_64-6.12", Userland.MINIMAL.imageName("x86_64-6.12"));
    ImageRecipe r = RECIPES.get("x86_64-6.12@debian");
    assertEquals(Userland.DEBIAN, r.userland());
    assertEquals("x86_64-6.12", r.name());
    assertEquals("x86_64-6.12@debian", r.imageName());
  }

  @Test
  void anUnknownUserlandIsRefusedWithTheValidOnes() {
    GuestConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            GuestConfigException.class, () -> Axis.USERLAND.normalise("ubuntu", "cell c"));
    assertTrue(e.getMessage().contains("valid: minimal, debian"), e.getMessage());
  }
}
