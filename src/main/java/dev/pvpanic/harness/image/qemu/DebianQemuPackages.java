package dev.pvpanic.harness.image.qemu;

import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackageNotFoundException;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Debian packages make a QEMU build that boots {@code -kernel} guests: the system emulator
 * ({@code qemu-system-x86} or {@code qemu-system-arm}), {@code qemu-system-common} (its modules),
 * {@code qemu-system-data} (option ROMs such as linuxboot_dma.bin) and, for x86, {@code seabios}
 * (the BIOS). Not {@code ipxe-qemu} ({@code -nodefaults} adds no network card) nor UEFI firmware
 * (the guests boot with {@code -kernel}). Shared libraries come from the host: this only pins
 * QEMU's own packages.
 *
 * <p>The emulator comes from the named suite (at the exact version when one is given); a helper
 * package is taken at the version the emulator's {@code Depends} fixes, else at the emulator's own
 * version when built from the same source, else the suite's newest; a backports suite that lacks
 * one falls back to its base suite (e.g. bookworm-backports to bookworm).
 */
public final class DebianQemuPackages {
  private static final Pattern DEPENDENCY =
      Pattern.compile(
          "^\\s*([a-z0-9][a-z0-9.+-]*)(?::[a-z0-9]+)?\\s*(?:\\((=|>=|<=|>>|<<)\\s*([^)]+)\\))?");

  /** The Packages index of a suite for an architecture (the archive, or a test's fixture). */
  @FunctionalInterface
  public interface Indexes {
    PackagesIndex packages(String suite, String arch);
  }

  private DebianQemuPackages() {}

  /** The emulator package for guests of {@code guest}. */
  public static String emulator(Architecture guest) {
    return guest == Architecture.X86_64 ? "qemu-system-x86" : "qemu-system-arm";
  }

  /** The packages besides the emulator. */
  static List<String> helpers(Architecture guest) {
    return guest == Architecture.X86_64
        ? List.of("qemu-system-common", "qemu-system-data", "seabios")
        : List.of("qemu-system-common", "qemu-system-data");
  }

  /**
   * @param hostArch the Debian architecture QEMU runs on ({@code amd64}): the emulator is a host
   *     program whatever the guest
   */
  public static List<LockedPackage> resolve(
      Indexes indexes,
      String suite,
      Optional<String> version,
      Architecture guest,
      String hostArch) {
    PackagesIndex index = indexes.packages(suite, hostArch);
    PackageEntry main = index.resolve(emulator(guest), version);
    List<LockedPackage> pins = new ArrayList<>();
    pins.add(LockedPackage.of(suite, hostArch, main));
    for (String helper : helpers(guest)) {
      pins.add(helper(indexes, index, suite, hostArch, main, helper));
    }
    return List.copyOf(pins);
  }

  private static LockedPackage helper(
      Indexes indexes,
      PackagesIndex index,
      String suite,
      String hostArch,
      PackageEntry main,
      String name) {
    List<PackageEntry> versions = index.versions(name);
    if (versions.isEmpty()) {
      Optional<String> base = baseSuite(suite);
      if (base.isEmpty()) {
        throw new PackageNotFoundException(
            "QEMU from " + suite + " needs '" + name + "', which " + suite + " does not have");
      }
      PackagesIndex baseIndex = indexes.packages(base.get(), hostArch);
      return LockedPackage.of(base.get(), hostArch, baseIndex.resolve(name, Optional.empty()));
    }
    Optional<String> exact = exactDependency(main.depends(), name);
    if (exact.isPresent()) {
      return LockedPackage.of(suite, hostArch, index.resolve(name, exact));
    }
    for (PackageEntry e : versions) {
      if (e.source().equals(main.source()) && e.version().equals(main.version())) {
        return LockedPackage.of(suite, hostArch, e);
      }
    }
    return LockedPackage.of(suite, hostArch, versions.get(0));
  }

  /** The version a {@code name (= v)} dependency fixes, if {@code depends} has one. */
  static Optional<String> exactDependency(String depends, String name) {
    for (String dep : (depends == null ? "" : depends).split(",")) {
      Matcher m = DEPENDENCY.matcher(dep.split("\\|")[0]);
      if (m.find() && m.group(1).equals(name) && "=".equals(m.group(2))) {
        return Optional.of(m.group(3).strip());
      }
    }
    return Optional.empty();
  }

  /** {@code bookworm} for {@code bookworm-backports}; empty for a suite that is no overlay. */
  static Optional<String> baseSuite(String suite) {
    for (String overlay : List.of("-backports-sloppy", "-backports")) {
      if (suite.endsWith(overlay)) {
        return Optional.of(suite.substring(0, suite.length() - overlay.length()));
      }
    }
    return Optional.empty();
  }
}
