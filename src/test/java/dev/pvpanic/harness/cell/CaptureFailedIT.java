package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * kdump's classic failure on a real guest: a crashkernel reservation just big enough for kexec to
 * load the capture kernel and its initramfs leaves that kernel no memory to unpack them, and it
 * panics ("System is deadlocked on memory", seen here with 64M on 6.12). The cell is CAPTURE_FAILED
 * naming the capture kernel's own panic, decided when that panic shows (not after the kdump bound),
 * and the pvpanic events that did come are still shown.
 */
class CaptureFailedIT {
  private static final String RECIPE = "x86_64-6.12";

  @Test
  void aCaptureKernelWithoutMemoryIsCaptureFailedAtItsOwnPanic() {
    ImageRecipes recipes = ImageRecipes.load(TestSettings.jvm().recipes());
    GuestImage image =
        ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {}).image(RECIPE);
    List<String> tried = new ArrayList<>();
    // The smallest reservation kexec accepts leaves the capture kernel next to nothing: walk up
    // from below the kernel and initramfs' size to the first one that loads.
    for (int mib = 48; mib <= 96; mib += 4) {
      Cell cell =
          new Cell(
              Optional.of("capture-oom-" + mib),
              Map.of(
                  Axis.RECIPE, RECIPE,
                  Axis.DEVICE, "pci",
                  Axis.PANIC, "none",
                  Axis.KDUMP, "yes",
                  Axis.POST_NOTIFIERS, "cmdline",
                  Axis.KERNEL_ARGS, "crashkernel=" + mib + "M"));
      PlannedCell planned = TestSettings.session().plan().plan(cell, recipes.get(RECIPE));
      Prerequisite.qemu(planned.recipe().arch())
          .require(QemuVersionProbe.version(planned.qemu()).isPresent(), planned.qemu().binary());
      CellOptions options =
          TestSettings.session()
              .cellOptions()
              .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(120));
      CellResult r =
          TestSettings.session()
              .runner(options)
              .run(
                  cell,
                  image,
                  planned.qemu(),
                  Path.of(
                      System.getProperty("pvh.build.dir", "target"), "capture-failed", "" + mib));
      tried.add(mib + "M: " + r.verdict());
      if (r.verdict() == Verdict.WRONG_GUEST_STATE
          && r.message().contains("kexec_crash_loaded after arming: expected 1, actual 0")) {
        continue; // kexec refused: too small to load at all
      }
      assertEquals(Verdict.CAPTURE_FAILED, r.verdict(), tried + "\n" + r.message());
      assertTrue(
          r.message().contains("panicked itself before reading /proc/vmcore: 'Kernel panic"),
          r.message());
      assertTrue(r.message().contains("console tail:"), r.message());
      Duration afterTrigger =
          r.phases().entrySet().stream()
              .filter(e -> List.of("trigger", "collect", "judge").contains(e.getKey()))
              .map(Map.Entry::getValue)
              .reduce(Duration.ZERO, Duration::plus);
      assertTrue(
          afterTrigger.compareTo(Duration.ofSeconds(60)) < 0,
          "decided at the capture kernel's panic, not after the 120 s kdump bound: " + r.phases());
      return;
    }
    throw new AssertionError("kexec accepted no crashkernel size from 48M to 96M: " + tried);
  }
}
