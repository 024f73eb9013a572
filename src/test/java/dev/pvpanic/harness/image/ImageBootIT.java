package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.guest.GuestProtocol.ReadyLine;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.oracle.KernelVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recipe's image boots to READY under TCG, and what the guest reports is what the recipe
 * promises: the kernel series, the architecture, and a bound pvpanic driver exactly when the image
 * carries one (absent on Debian's stock arm64 kernels). Two recipes boot at a time, one per core.
 */
class ImageBootIT {
  private static final ImageBuilder IMAGES =
      ImageEnvironment.builder(
          TestSettings.jvm(), Optional.empty(), line -> System.out.println("  .. " + line));

  /** Every recipe, or those {@code -Dpvh.boot.recipes=a,b} names (to boot only what changed). */
  static Stream<String> recipes() {
    Set<String> only =
        Stream.of(System.getProperty("pvh.boot.recipes", "").split(","))
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toSet());
    return ImageRecipes.load(TestSettings.jvm().recipes()).names().stream()
        .filter(n -> only.isEmpty() || only.contains(n));
  }

  /**
   * x86 boots with the ISA device (every x86 kernel has a driver for it), arm64 and riscv64 with
   * the PCI one.
   */
  private static PvpanicDevice deviceFor(Architecture arch) {
    return arch == Architecture.X86_64 ? PvpanicDevice.isa() : PvpanicDevice.pci();
  }

  /**
   * The driver a kernel binds to that device (drivers/misc/pvpanic: split into -mmio/-pci in 5.13).
   */
  private static String expectedDriver(ImageRecipe recipe, GuestImage image, KernelVersion kernel) {
    // an injected regression: the driver is in the image, but without its device table nothing
    // loads it by the device's modalias (regressions.yaml driver-never-autoloads)
    if (!image.hasDriver()
        || recipe.pvpanic() == ImageRecipe.DriverPolicy.BUILD_WITHOUT_DEVICE_TABLE) {
      return "none";
    }
    if (image.arch() != Architecture.X86_64) {
      return "pvpanic-pci";
    }
    return kernel.atLeast(5, 13) ? "pvpanic-mmio" : "pvpanic";
  }

  @Execution(ExecutionMode.CONCURRENT)
  @ParameterizedTest(name = "{0}")
  @MethodSource("recipes")
  void bootsToReadyWithTheFactsTheRecipePromises(String name) {
    ImageRecipe recipe = ImageRecipes.load(TestSettings.jvm().recipes()).get(name);
    QemuBuild qemu = QemuBuild.host(recipe.arch());
    Prerequisite.qemu(recipe.arch())
        .require(QemuVersionProbe.version(qemu).isPresent(), qemu.binary() + " did not run");
    GuestImage image = IMAGES.image(name);
    Path artifacts = Path.of(System.getProperty("pvh.build.dir", "target"), "image-boot", name);
    MachineSpec spec =
        MachineSpec.builder(recipe.arch())
            .name("boot-" + name)
            .kernel(image.kernel())
            .initrd(image.initrd())
            .append(recipe.cmdline())
            .pvpanic(deviceFor(recipe.arch()))
            .artifactsDir(artifacts)
            .build();
    Instant start = Instant.now();
    try (QemuMachine m = QemuMachine.launch(spec)) {
      String line =
          m.console()
              .expectLine(
                  "READY",
                  GuestProtocol.READY_PATTERN,
                  Pattern.compile("Kernel panic"),
                  Duration.ofSeconds(150))
              .line();
      System.out.printf(
          "  .. %s: READY after %d ms: %s%n",
          name, Duration.between(start, Instant.now()).toMillis(), line);
      ReadyLine ready = ReadyLine.parse(line);
      KernelVersion kernel = KernelVersion.parse(ready.kernel());
      assertEquals(image.kernelRelease(), ready.kernel(), "kernel release");
      assertTrue(
          ready.kernel().startsWith(recipe.version() + ".")
              || ready.kernel().startsWith(recipe.version()),
          "kernel " + ready.kernel() + " is not the recipe's series " + recipe.version());
      assertEquals(recipe.arch().id(), ready.arch());
      String driver = expectedDriver(recipe, image, kernel);
      assertEquals(driver, ready.pvpanicDriver(), "bound pvpanic driver");
      if (!driver.equals("none") && kernel.atLeast(5, 12)) {
        assertTrue(ready.capability().isPresent(), "capability readable on Linux >= 5.12");
        assertTrue((ready.capability().getAsInt() & 1) == 1, "the device advertises PANICKED");
      }
      assertEquals(Optional.of(false), ready.kexecCrashLoaded(), "nothing is loaded before arming");
    }
  }
}
