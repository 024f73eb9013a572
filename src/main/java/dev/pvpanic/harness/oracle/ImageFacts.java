package dev.pvpanic.harness.oracle;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a guest image declares about itself, from its manifest (written when the image was built,
 * before any guest ran): the kernel release and which pvpanic drivers it brings. These are inputs
 * of the oracle; nothing the guest prints at run time is.
 *
 * @param kernel the release of the kernel in the image ({@code uname -r} as the package names it);
 *     unknown when the image's kernel came without one (a bare kernel image of a user's own)
 * @param drivers the pvpanic drivers the image provides (modules it ships or built-in drivers);
 *     unknown when the manifest cannot tell (a user's own kernel with a built-in pvpanic whose
 *     config the image does not carry)
 * @param origin how the driver came to be: {@code module}, {@code out-of-tree}, {@code builtin},
 *     {@code none}, or what the manifest says
 * @param triggerModules the modules the image brings for triggers ({@code i6300esb} for the
 *     watchdog, {@code pvh_oops} for an oops), by name
 * @param config the kernel's own configuration as the manifest recorded it ({@link
 *     KernelConfig#FACT_SYMBOLS}); unknown when the kernel shipped none or the image was built
 *     before manifests recorded it
 * @param driverExpected whether the image is there to test the kernel's own pvpanic driver: a
 *     user's kernel ({@code deb:}, {@code build:}, {@code files:}), where a cell with a device and
 *     a kernel without the driver is a mistake to refuse; false for a recipe's stock kernel, whose
 *     missing driver is a deliberate control
 */
public record ImageFacts(
    Derived<KernelVersion> kernel,
    Derived<Set<PvpanicDriver>> drivers,
    String origin,
    Set<String> triggerModules,
    Derived<KernelConfig> config,
    boolean driverExpected,
    SystemServices services) {

  public ImageFacts {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(drivers, "drivers");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(services, "services");
    drivers = drivers.map(Set::copyOf);
    triggerModules = Set.copyOf(triggerModules);
  }

  /** An image of the minimal userland. */
  public ImageFacts(
      Derived<KernelVersion> kernel,
      Derived<Set<PvpanicDriver>> drivers,
      String origin,
      Set<String> triggerModules,
      Derived<KernelConfig> config,
      boolean driverExpected) {
    this(kernel, drivers, origin, triggerModules, config, driverExpected, SystemServices.NONE);
  }

  /** An image whose manifest records no kernel config. */
  public ImageFacts(
      Derived<KernelVersion> kernel,
      Derived<Set<PvpanicDriver>> drivers,
      String origin,
      Set<String> triggerModules) {
    this(
        kernel,
        drivers,
        origin,
        triggerModules,
        Derived.unknown("the image manifest records no kernel config"),
        false);
  }

  /** An image that brings no trigger module. */
  public ImageFacts(
      Derived<KernelVersion> kernel, Derived<Set<PvpanicDriver>> drivers, String origin) {
    this(kernel, drivers, origin, Set.of());
  }

  /** These facts with the trigger modules {@code modules}. */
  public ImageFacts withTriggerModules(Set<String> modules) {
    return new ImageFacts(kernel, drivers, origin, modules, config, driverExpected, services);
  }

  /** These facts with the kernel config {@code config}. */
  public ImageFacts withConfig(KernelConfig config) {
    return new ImageFacts(
        kernel, drivers, origin, triggerModules, Derived.known(config), driverExpected, services);
  }

  /** These facts for a user's kernel, whose own pvpanic driver is under test. */
  public ImageFacts expectingDriver() {
    return new ImageFacts(kernel, drivers, origin, triggerModules, config, true, services);
  }

  /** These facts for an image whose userland does {@code what} at boot. */
  public ImageFacts withServices(SystemServices what) {
    return new ImageFacts(kernel, drivers, origin, triggerModules, config, driverExpected, what);
  }

  /**
   * {@code CONFIG_PANIC_TIMEOUT} of the kernel: a kernel built with a non-zero one reboots by
   * itself that many seconds after a panic (kernel/panic.c: {@code panic_timeout}), unless a {@code
   * panic=} parameter overrides it.
   */
  public Derived<Long> panicTimeout() {
    return config.map(KernelConfig::panicTimeout);
  }

  /** An image that provides exactly {@code drivers}. */
  public static ImageFacts of(KernelVersion kernel, String origin, PvpanicDriver... drivers) {
    Set<PvpanicDriver> set = EnumSet.noneOf(PvpanicDriver.class);
    set.addAll(List.of(drivers));
    return new ImageFacts(Derived.known(kernel), Derived.known(set), origin);
  }

  /**
   * The facts of an image from its manifest.
   *
   * @param origin the manifest's {@code driver}: module, out-of-tree, builtin or none
   * @param modules the pvpanic module files the image ships, without {@code .ko}
   * @param config the kernel's {@code CONFIG_PVPANIC*} values the manifest recorded (y, m, or
   *     absent)
   */
  public static ImageFacts fromManifest(
      String kernelRelease, String origin, List<String> modules, Map<String, String> config) {
    KernelVersion kernel;
    try {
      kernel = KernelVersion.parse(kernelRelease);
    } catch (IllegalArgumentException e) {
      return new ImageFacts(
          Derived.unknown("the image manifest names kernel release '" + kernelRelease + "'"),
          Derived.unknown("the kernel's version is not known"),
          origin);
    }
    Set<PvpanicDriver> drivers = EnumSet.noneOf(PvpanicDriver.class);
    switch (origin) {
      case "none" -> {}
      case "module", "out-of-tree" -> {
        modules.forEach(m -> drivers.addAll(driversOf(kernel, m)));
        builtinDrivers(kernel, config).ifPresent(drivers::addAll);
      }
      case "builtin" -> {
        Optional<Set<PvpanicDriver>> builtin = builtinDrivers(kernel, config);
        if (builtin.isEmpty()) {
          return new ImageFacts(
              Derived.known(kernel),
              Derived.unknown(
                  "the pvpanic driver is built into the kernel and the image manifest does not"
                      + " record which of CONFIG_PVPANIC_MMIO / CONFIG_PVPANIC_PCI are set"),
              origin);
        }
        drivers.addAll(builtin.get());
      }
      default -> {
        return new ImageFacts(
            Derived.known(kernel),
            Derived.unknown("the image manifest says driver '" + origin + "'"),
            origin);
      }
    }
    return new ImageFacts(Derived.known(kernel), Derived.known(drivers), origin);
  }

  /**
   * Which drivers a pvpanic module file holds. Linux before 5.13 has one {@code pvpanic.ko} for the
   * ACPI/ISA device, whose driver is named {@code pvpanic} before 5.11 and {@code pvpanic-mmio} in
   * 5.11 and 5.12 (commit f104060813fe); from 5.13 (commit db3a4f0abefd) {@code pvpanic.ko} is the
   * shared core and {@code pvpanic-mmio.ko} / {@code pvpanic-pci.ko} hold the drivers.
   */
  static Set<PvpanicDriver> driversOf(KernelVersion kernel, String module) {
    return switch (module.replace('_', '-')) {
      case "pvpanic" ->
          kernel.atLeast(5, 13)
              ? Set.of()
              : Set.of(kernel.atLeast(5, 11) ? PvpanicDriver.PVPANIC_MMIO : PvpanicDriver.PVPANIC);
      case "pvpanic-mmio" -> Set.of(PvpanicDriver.PVPANIC_MMIO);
      case "pvpanic-pci" -> Set.of(PvpanicDriver.PVPANIC_PCI);
      default -> Set.of();
    };
  }

  private static Optional<Set<PvpanicDriver>> builtinDrivers(
      KernelVersion kernel, Map<String, String> config) {
    if (!kernel.atLeast(5, 13)) {
      return "y".equals(config.get("CONFIG_PVPANIC"))
          ? Optional.of(driversOf(kernel, "pvpanic"))
          : Optional.empty();
    }
    if (!config.containsKey("CONFIG_PVPANIC_MMIO") && !config.containsKey("CONFIG_PVPANIC_PCI")) {
      return Optional.empty();
    }
    Set<PvpanicDriver> drivers = EnumSet.noneOf(PvpanicDriver.class);
    if ("y".equals(config.get("CONFIG_PVPANIC_MMIO"))) {
      drivers.add(PvpanicDriver.PVPANIC_MMIO);
    }
    if ("y".equals(config.get("CONFIG_PVPANIC_PCI"))) {
      drivers.add(PvpanicDriver.PVPANIC_PCI);
    }
    return Optional.of(drivers);
  }
}
