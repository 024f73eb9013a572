package dev.pvpanic.harness.image.qemu;

import dev.pvpanic.harness.image.debian.DependencyClosure;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackageNotFoundException;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which Debian packages make a QEMU build that boots {@code -kernel} guests: the system emulator
 * ({@code qemu-system-x86}, {@code qemu-system-arm} or {@code qemu-system-misc}), {@code
 * qemu-system-common} (its modules), {@code qemu-system-data} (option ROMs such as
 * linuxboot_dma.bin) and, for x86, {@code seabios} (the BIOS). Not {@code ipxe-qemu} ({@code
 * -nodefaults} adds no network card) nor UEFI firmware (the guests boot with {@code -kernel}). Then
 * the shared libraries those need, down to {@code libc6}: a QEMU from any Debian release runs
 * through its own loader, whatever the host has.
 *
 * <p>The emulator comes from the named suite (at the exact version when one is given); a helper
 * package is taken at the version the emulator's {@code Depends} fixes, else at the emulator's own
 * version when built from the same source, else the suite's newest; a backports suite that lacks
 * one falls back to its base suite (e.g. bookworm-backports to bookworm).
 */
public final class DebianQemuPackages {
  /** The Packages index of a suite for an architecture (the archive, or a test's fixture). */
  @FunctionalInterface
  public interface Indexes {
    PackagesIndex packages(String suite, String arch);
  }

  private DebianQemuPackages() {}

  /**
   * The emulator package for guests of {@code guest}, as the lock names it. For riscv64 that is
   * {@code qemu-system-riscv} whichever package a suite has (see {@link #emulator(Architecture,
   * PackagesIndex)}).
   */
  public static String emulator(Architecture guest) {
    return emulators(guest).get(0);
  }

  /**
   * The emulator packages that can hold the guest's {@code qemu-system-*}, newest packaging first.
   * Debian's QEMU 10.0 (trixie, bookworm-backports) and 11.x have {@code qemu-system-riscv}
   * (Depends: opensbi, the firmware {@code -bios default} loads); 7.2 (bookworm) and 5.2 have
   * qemu-system-riscv64 in {@code qemu-system-misc}, with OpenSBI in qemu-system-data.
   */
  static List<String> emulators(Architecture guest) {
    return switch (guest) {
      case X86_64 -> List.of("qemu-system-x86");
      case AARCH64 -> List.of("qemu-system-arm");
      case RISCV64 -> List.of("qemu-system-riscv", "qemu-system-misc");
    };
  }

  /** The first of {@link #emulators} that {@code index} has (else the first, to fail naming it). */
  public static String emulator(Architecture guest, PackagesIndex index) {
    return emulators(guest).stream()
        .filter(name -> !index.versions(name).isEmpty())
        .findFirst()
        .orElse(emulator(guest));
  }

  /** Firmware packages an emulator may depend on, taken along when it does. */
  static final Set<String> FIRMWARE_PACKAGES = Set.of("opensbi");

  /** The packages besides the emulator. */
  static List<String> helpers(Architecture guest) {
    return guest == Architecture.X86_64
        ? List.of("qemu-system-common", "qemu-system-data", "seabios")
        : List.of("qemu-system-common", "qemu-system-data");
  }

  /**
   * @param hostArch the Debian architecture QEMU runs on ({@code amd64}): the emulator is a host
   *     program whatever the guest
   * @return QEMU's own packages (the emulator first), then the shared libraries they need
   */
  public static List<LockedPackage> resolve(
      Indexes indexes,
      String suite,
      Optional<String> version,
      Architecture guest,
      String hostArch) {
    PackagesIndex index = indexes.packages(suite, hostArch);
    PackageEntry main = index.resolve(emulator(guest, index), version);
    List<Picked> qemu = new ArrayList<>();
    qemu.add(new Picked(index, main));
    List<String> helpers = new ArrayList<>(helpers(guest));
    // qemu-system-riscv's firmware is a package of its own
    DependencyClosure.dependencies(main.depends()).stream()
        .map(Map.Entry::getKey)
        .filter(FIRMWARE_PACKAGES::contains)
        .forEach(helpers::add);
    for (String helper : helpers) {
      qemu.add(helper(indexes, index, suite, hostArch, main, helper));
    }
    List<LockedPackage> pins = new ArrayList<>();
    qemu.forEach(p -> pins.add(LockedPackage.of(p.index().suite(), hostArch, p.entry())));
    pins.addAll(libraries(indexes, index, suite, hostArch, qemu));
    return List.copyOf(pins);
  }

  /** A shared library package, as far as a library closure follows dependencies. */
  static boolean isLibrary(String name) {
    return name.startsWith("lib") || name.startsWith("zlib");
  }

  /**
   * The shared libraries QEMU's packages need, from the suite (and its base suite for an overlay),
   * down to the C library and its dynamic loader: the build then runs on any host through its own
   * loader, with none of the host's libraries.
   */
  private static List<LockedPackage> libraries(
      Indexes indexes, PackagesIndex index, String suite, String hostArch, List<Picked> qemu) {
    List<PackagesIndex> view = new ArrayList<>(List.of(index));
    baseSuite(suite).ifPresent(b -> view.add(indexes.packages(b, hostArch)));
    Set<String> own = new LinkedHashSet<>();
    qemu.forEach(p -> own.add(p.entry().name()));
    Set<String> roots = new LinkedHashSet<>();
    for (Picked p : qemu) {
      for (Map.Entry<String, Optional<String>> dep :
          DependencyClosure.dependencies(p.entry().depends())) {
        if (isLibrary(dep.getKey()) && !own.contains(dep.getKey())) {
          roots.add(dep.getKey());
        }
      }
    }
    if (!roots.contains("libc6")) {
      roots.add("libc6"); // the loader the build runs through, even if nothing names it
    }
    return new DependencyClosure(view)
        .resolve(List.copyOf(roots), Optional.empty(), DebianQemuPackages::isLibrary);
  }

  private record Picked(PackagesIndex index, PackageEntry entry) {}

  private static Picked helper(
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
      return new Picked(baseIndex, baseIndex.resolve(name, Optional.empty()));
    }
    Optional<String> exact = exactDependency(main.depends(), name);
    if (exact.isPresent()) {
      return new Picked(index, index.resolve(name, exact));
    }
    for (PackageEntry e : versions) {
      if (e.source().equals(main.source()) && e.version().equals(main.version())) {
        return new Picked(index, e);
      }
    }
    return new Picked(index, versions.get(0));
  }

  /** The version a {@code name (= v)} dependency fixes, if {@code depends} has one. */
  static Optional<String> exactDependency(String depends, String name) {
    return DependencyClosure.dependencies(depends).stream()
        .filter(d -> d.getKey().equals(name))
        .map(Map.Entry::getValue)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** {@code bookworm} for {@code bookworm-backports}; empty for a suite that is no overlay. */
  public static Optional<String> baseSuite(String suite) {
    for (String overlay : List.of("-backports-sloppy", "-backports")) {
      if (suite.endsWith(overlay)) {
        return Optional.of(suite.substring(0, suite.length() - overlay.length()));
      }
    }
    return Optional.empty();
  }
}
