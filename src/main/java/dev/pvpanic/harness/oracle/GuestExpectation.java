package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the guest must report before the trigger, derived from the cell, the image's manifest and
 * the QEMU build alone: its kernel release, which pvpanic driver binds, the capability and events
 * the driver then shows in sysfs, and the kexec and notifier state before and after arming.
 *
 * <p>A fact the declared inputs cannot tell (a kernel of the user's own without a manifest entry)
 * is taken from the guest's report and marked {@code goingByGuest}: the cell still runs and says
 * so. Every other fact is checked against the report by {@link #check}.
 *
 * @param kernel the kernel release the image declares (or the guest's, going by the guest)
 * @param driver the driver that binds the cell's device
 * @param capability sysfs capability: the device's advertised events AND the bits the driver knows;
 *     absent without a bound driver or before Linux 5.12
 * @param postNotifiersAtReady crash_kexec_post_notifiers on the READY line (on only from the
 *     command line)
 * @param kexecLoadedAfterArming present when the cell loads a capture kernel
 * @param postNotifiersAfterArming present when the cell turns the notifiers on
 */
public record GuestExpectation(
    KernelVersion kernel,
    Optional<String> kernelGoingByGuest,
    PvpanicDriver driver,
    Optional<String> driverGoingByGuest,
    OptionalInt capability,
    boolean postNotifiersAtReady,
    boolean kexecLoadedAtReady,
    Optional<Boolean> kexecLoadedAfterArming,
    Optional<Boolean> postNotifiersAfterArming,
    List<String> reasoning) {

  public GuestExpectation {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(driver, "driver");
    reasoning = List.copyOf(reasoning);
  }

  /**
   * Derives the guest's facts. {@code report} is read only for a fact the image does not declare;
   * such a fact is marked as going by the guest.
   */
  public static GuestExpectation derive(
      CellSetup setup, ImageFacts image, QemuCapabilities qemu, GuestReport report) {
    List<String> why = new ArrayList<>();
    Optional<String> kernelByGuest = unknownReason(image.kernel());
    KernelVersion kernel =
        image.kernel().orElseGet(() -> KernelVersion.parse(report.kernelRelease()));

    boolean nothingToBind =
        setup.device() == PvpanicDevice.Kind.NONE
            || (setup.device() == PvpanicDevice.Kind.ISA && setup.acpiOff());
    Derived<PvpanicDriver> derivedDriver =
        nothingToBind
            ? Derived.known(PvpanicDriver.NONE)
            : image
                .drivers()
                .map(set -> LinuxRules.boundDriver(setup.device(), setup.acpiOff(), kernel, set));
    Optional<String> driverByGuest = unknownReason(derivedDriver);
    PvpanicDriver driver = derivedDriver.orElseGet(report::driver);
    if (driverByGuest.isEmpty()) {
      why.add(driverReason(setup, image, kernel, driver));
    }

    OptionalInt capability = OptionalInt.empty();
    if (driver.bound() && LinuxRules.readsCapability(kernel)) {
      int advertised =
          qemu.advertisedEvents(
              setup.device(), setup.deviceEvents(), setup.machineType().map(MachineType::new));
      int known = LinuxRules.knownEventBits(kernel);
      capability = OptionalInt.of(advertised & known);
      why.add(
          setup.device().qemuName()
              + " advertises "
              + PvpanicEvent.describe(advertised)
              + (setup.deviceEvents().isPresent() ? " (events= on the command line)" : "")
              + " and Linux "
              + kernel
              + " knows "
              + PvpanicEvent.describe(known)
              + " -> sysfs capability and events "
              + PvpanicEvent.describe(advertised & known));
    } else if (driver.bound()) {
      why.add("Linux " + kernel + " < 5.12 has no sysfs capability or events");
    }
    if (image.services().captureLoadedAtReady(setup)) {
      why.add(
          "the image's userland loads the capture kernel at boot (kdump-tools, from its manifest)"
              + " and the cell reserves memory for it -> kexec_crash_loaded 1 at READY");
    }
    image
        .services()
        .forcesPostNotifiers()
        .ifPresent(
            line ->
                why.add(
                    "the image's userland forces crash_kexec_post_notifiers on at boot ("
                        + line
                        + ") -> on from boot whatever the cell arms"));
    return new GuestExpectation(
        kernel,
        kernelByGuest,
        driver,
        driverByGuest,
        capability,
        setup.postNotifiers() == PostNotifiers.CMDLINE,
        image.services().captureLoadedAtReady(setup),
        setup.kdumpLoaded() ? Optional.of(true) : Optional.empty(),
        setup.postNotifiers().on() ? Optional.of(true) : Optional.empty(),
        why);
  }

  private static String driverReason(
      CellSetup setup, ImageFacts image, KernelVersion kernel, PvpanicDriver driver) {
    if (setup.device() == PvpanicDevice.Kind.NONE) {
      return "no pvpanic device -> no driver binds";
    }
    if (setup.device() == PvpanicDevice.Kind.ISA && setup.acpiOff()) {
      return "the ISA device is found through ACPI and acpi=off hides it -> no driver binds";
    }
    String provided =
        image
            .drivers()
            .map(
                set ->
                    set.isEmpty()
                        ? "no pvpanic driver"
                        : "pvpanic drivers "
                            + set.stream().map(PvpanicDriver::readyValue).sorted().toList())
            .orElse("?");
    if (driver.bound()) {
      return "the image brings "
          + provided
          + " ("
          + image.origin()
          + ") -> "
          + driver.readyValue()
          + " binds "
          + setup.device().qemuName();
    }
    if (setup.device() == PvpanicDevice.Kind.PCI && !kernel.atLeast(5, 13)) {
      return "Linux " + kernel + " < 5.13 has no pvpanic-pci driver -> none binds";
    }
    return "the image brings " + provided + " -> nothing binds " + setup.device().qemuName();
  }

  private static <T> Optional<String> unknownReason(Derived<T> d) {
    return d instanceof Derived.Unknown<T> u ? Optional.of(u.why()) : Optional.empty();
  }

  /** What the event rules take about the guest. */
  public GuestFacts facts() {
    // devm_pvpanic_probe() starts sysfs events equal to capability; nobody writes it
    return new GuestFacts(kernel, driver, capability, capability);
  }

  /** Every fact against what the guest reported, READY first, then what arming set. */
  public List<GuestFactCheck> check(GuestReport r) {
    List<GuestFactCheck> out = new ArrayList<>();
    out.add(
        new GuestFactCheck(
            "kernel release", kernel.release(), r.kernelRelease(), kernelGoingByGuest));
    out.add(
        new GuestFactCheck(
            "pvpanic driver", describe(driver), describe(r.driver()), driverGoingByGuest));
    out.add(fact("sysfs capability", mask(capability), mask(r.capability())));
    out.add(fact("sysfs events", mask(capability), mask(r.events())));
    out.add(
        fact(
            "kexec_crash_loaded at READY",
            kexecLoadedAtReady ? "1" : "0",
            flag(r.kexecCrashLoaded(), "1", "0")));
    out.add(
        fact(
            "crash_kexec_post_notifiers at READY",
            postNotifiersAtReady ? "Y" : "N",
            flag(r.postNotifiers(), "Y", "N")));
    Optional<GuestReport.Armed> armed = r.armed();
    kexecLoadedAfterArming.ifPresent(
        want ->
            out.add(
                fact(
                    "kexec_crash_loaded after arming",
                    want ? "1" : "0",
                    armed
                        .map(a -> flag(a.kexecCrashLoaded(), "1", "0") + detail(a))
                        .orElse("(not armed)"))));
    postNotifiersAfterArming.ifPresent(
        want ->
            out.add(
                fact(
                    "crash_kexec_post_notifiers after arming",
                    want ? "Y" : "N",
                    armed.map(a -> flag(a.postNotifiers(), "Y", "N")).orElse("(not armed)"))));
    return out;
  }

  private static GuestFactCheck fact(String name, String expected, String actual) {
    return new GuestFactCheck(name, expected, actual, Optional.empty());
  }

  static String describe(PvpanicDriver d) {
    return d.bound() ? d.readyValue() + " bound" : "none";
  }

  private static String mask(OptionalInt m) {
    return m.isPresent() ? PvpanicEvent.describe(m.getAsInt()) : "absent";
  }

  private static String flag(Optional<Boolean> v, String on, String off) {
    return v.map(b -> b ? on : off).orElse("unreadable");
  }

  private static String detail(GuestReport.Armed a) {
    return a.detail().map(d -> " (" + d + ")").orElse("");
  }

  /** The derived facts as lines for expected.txt. */
  public List<String> describeLines() {
    List<String> out = new ArrayList<>();
    out.add(
        "guest kernel: "
            + kernel
            + kernelGoingByGuest.map(w -> " (going by the guest: " + w + ")").orElse(""));
    out.add(
        "guest pvpanic driver: "
            + describe(driver)
            + driverGoingByGuest.map(w -> " (going by the guest: " + w + ")").orElse(""));
    out.add("guest sysfs capability and events: " + mask(capability));
    out.add(
        "guest at READY: kexec_crash_loaded "
            + (kexecLoadedAtReady ? "1" : "0")
            + ", crash_kexec_post_notifiers "
            + (postNotifiersAtReady ? "Y" : "N"));
    if (kexecLoadedAfterArming.isPresent() || postNotifiersAfterArming.isPresent()) {
      out.add(
          "guest after arming:"
              + (kexecLoadedAfterArming.isPresent() ? " kexec_crash_loaded 1" : "")
              + (postNotifiersAfterArming.isPresent() ? " crash_kexec_post_notifiers Y" : ""));
    }
    return out;
  }
}
