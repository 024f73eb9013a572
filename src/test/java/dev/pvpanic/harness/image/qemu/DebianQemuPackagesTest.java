package dev.pvpanic.harness.image.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageNotFoundException;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.machine.Architecture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebianQemuPackagesTest {
  private static final String V10 = "1:10.0.2+ds-2+deb13u1~bpo12+1";
  private static final String V10_OLD = "1:10.0.0+ds-1~bpo12+1";

  private static String stanza(String name, String version, String source, String depends) {
    String arch = name.endsWith("data") || name.equals("seabios") ? "all" : "amd64";
    return "Package: "
        + name
        + "\nSource: "
        + source
        + "\nVersion: "
        + version
        + "\nArchitecture: "
        + arch
        + (depends.isEmpty() ? "" : "\nDepends: " + depends)
        + "\nFilename: pool/main/x/"
        + name
        + "_"
        + version.replace(':', '_')
        + "_"
        + arch
        + ".deb\nSize: 100\nSHA256: "
        + "0".repeat(63)
        + (Math.abs((name + version).hashCode()) % 10)
        + "\n\n";
  }

  private static PackagesIndex index(String suite, String... stanzas) {
    try {
      return PackagesIndex.parse(
          suite,
          "amd64",
          new ByteArrayInputStream(String.join("", stanzas).getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** bookworm-backports has QEMU 10 (two versions) but no ipxe; bookworm has seabios 1.16.2. */
  private static final Map<String, PackagesIndex> ARCHIVE =
      Map.of(
          "bookworm-backports",
          index(
              "bookworm-backports",
              stanza(
                  "qemu-system-x86",
                  V10,
                  "qemu",
                  "libc6 (>= 2.34), libslirp0 (>= 4.7), libsystemd0, qemu-system-common (= "
                      + V10
                      + "), qemu-system-data (>> 1:10.0.2+ds~), seabios (>> 1.16.3-1~)"),
              stanza("qemu-system-x86", V10_OLD, "qemu", "qemu-system-common (= " + V10_OLD + ")"),
              stanza("qemu-system-arm", V10, "qemu", "qemu-system-common (= " + V10 + ")"),
              stanza(
                  "qemu-system-riscv",
                  V10,
                  "qemu",
                  "qemu-system-common (= "
                      + V10
                      + "), qemu-system-data (>> 1:10.0.2+ds~), opensbi (>> 1.5.1-1~)"),
              stanza("opensbi", "1.6-1~bpo12+1", "opensbi", ""),
              stanza("qemu-system-common", V10, "qemu", ""),
              stanza("qemu-system-common", V10_OLD, "qemu", ""),
              stanza("qemu-system-data", V10, "qemu", ""),
              stanza("qemu-system-data", V10_OLD, "qemu", ""),
              stanza("libslirp0", "4.8.0-1~bpo12+1", "libslirp", "libc6 (>= 2.14)")),
          "bookworm",
          index(
              "bookworm",
              stanza("qemu-system-x86", "1:7.2+dfsg-7+deb12u18+b3", "qemu", ""),
              stanza("seabios", "1.16.2-1", "seabios", ""),
              stanza("libc6", "2.36-9+deb12u13", "glibc", "libgcc-s1"),
              stanza("libgcc-s1", "12.2.0-14+deb12u1", "gcc-12", "gcc-12-base, libc6"),
              stanza("libslirp0", "4.7.0-1", "libslirp", "libc6 (>= 2.14)"),
              // libsystemd0 names its libraries in Pre-Depends
              stanza("libsystemd0", "252.39-1~deb12u1", "systemd", "")
                  .replace("\nFilename:", "\nPre-Depends: libc6 (>= 2.34), libzstd1\nFilename:"),
              stanza("libzstd1", "1.5.4+dfsg2-5", "libzstd", "libc6")));

  private static List<LockedPackage> resolve(
      String suite, Optional<String> version, Architecture guest) {
    return DebianQemuPackages.resolve(
        (s, a) -> {
          PackagesIndex idx = ARCHIVE.get(s);
          if (idx == null) {
            throw new PackageNotFoundException("no suite " + s);
          }
          return idx;
        },
        suite,
        version,
        guest,
        "amd64");
  }

  private static String describe(List<LockedPackage> pins) {
    return String.join(
        ", ", pins.stream().map(p -> p.name() + "=" + p.version() + "@" + p.suite()).toList());
  }

  @Test
  void x86TakesTheNewestEmulatorItsExactCommonTheSameDataAndSeabiosFromTheBaseSuite() {
    assertEquals(
        "qemu-system-x86="
            + V10
            + "@bookworm-backports, qemu-system-common="
            + V10
            + "@bookworm-backports, qemu-system-data="
            + V10
            + "@bookworm-backports, seabios=1.16.2-1@bookworm",
        describe(
            resolve("bookworm-backports", Optional.empty(), Architecture.X86_64).subList(0, 4)));
  }

  @Test
  void theSharedLibrariesFollowDownToTheCLibraryNewestAcrossTheSuiteAndItsBase() {
    List<LockedPackage> pins = resolve("bookworm-backports", Optional.empty(), Architecture.X86_64);
    assertEquals(
        "libc6=2.36-9+deb12u13@bookworm, libslirp0=4.8.0-1~bpo12+1@bookworm-backports,"
            + " libsystemd0=252.39-1~deb12u1@bookworm, libgcc-s1=12.2.0-14+deb12u1@bookworm,"
            + " libzstd1=1.5.4+dfsg2-5@bookworm",
        describe(pins.subList(4, pins.size())),
        "gcc-12-base is no library; libzstd1 comes through libsystemd0's Pre-Depends");
  }

  @Test
  void anExactVersionPinsTheEmulatorAndWhatComesWithIt() {
    List<LockedPackage> pins =
        resolve("bookworm-backports", Optional.of(V10_OLD), Architecture.X86_64);
    assertEquals(V10_OLD, pins.get(0).version());
    assertEquals(V10_OLD, pins.get(1).version(), "common: the (= v) dependency");
    assertEquals(V10_OLD, pins.get(2).version(), "data: same source, same version");
  }

  @Test
  void armNeedsNoBiosButStillItsOwnCLibrary() {
    assertEquals(
        List.of("qemu-system-arm", "qemu-system-common", "qemu-system-data", "libc6", "libgcc-s1"),
        resolve("bookworm-backports", Optional.empty(), Architecture.AARCH64).stream()
            .map(LockedPackage::name)
            .toList());
  }

  @Test
  void riscvTakesQemuSystemRiscvAndTheOpensbiItDependsOn() {
    assertEquals(
        List.of(
            "qemu-system-riscv",
            "qemu-system-common",
            "qemu-system-data",
            "opensbi",
            "libc6",
            "libgcc-s1"),
        resolve("bookworm-backports", Optional.empty(), Architecture.RISCV64).stream()
            .map(LockedPackage::name)
            .toList());
  }

  @Test
  void riscvBeforeTheSplitIsInQemuSystemMisc() {
    String v72 = "1:7.2+dfsg-7+deb12u18+b3";
    PackagesIndex bookworm =
        index(
            "bookworm",
            stanza("qemu-system-misc", v72, "qemu", "qemu-system-common (= " + v72 + ")"),
            stanza("qemu-system-common", v72, "qemu", ""),
            stanza("qemu-system-data", "1:7.2+dfsg-7+deb12u18", "qemu", ""),
            stanza("libc6", "2.36-9+deb12u13", "glibc", ""));
    assertEquals("qemu-system-misc", DebianQemuPackages.emulator(Architecture.RISCV64, bookworm));
    assertEquals(
        List.of("qemu-system-misc", "qemu-system-common", "qemu-system-data", "libc6"),
        DebianQemuPackages.resolve(
                (s, a) -> bookworm, "bookworm", Optional.empty(), Architecture.RISCV64, "amd64")
            .stream()
            .map(LockedPackage::name)
            .toList());
    assertEquals("qemu-system-riscv", DebianQemuPackages.emulator(Architecture.RISCV64));
  }

  @Test
  void aMissingHelperInASuiteThatIsNoOverlaySaysWhichAndWhere() {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class,
            () -> resolve("bookworm", Optional.empty(), Architecture.X86_64));
    assertTrue(e.getMessage().contains("qemu-system-common"), e.getMessage());
    assertTrue(e.getMessage().contains("bookworm"), e.getMessage());
  }

  @Test
  void anUnknownVersionNamesTheOnesThatExist() {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class,
            () -> resolve("bookworm-backports", Optional.of("1:9.9"), Architecture.X86_64));
    assertTrue(e.getMessage().contains(V10), e.getMessage());
  }

  @Test
  void exactDependencyAndBaseSuite() {
    assertEquals(
        Optional.of("1:2"),
        DebianQemuPackages.exactDependency("a (>= 1), b:any (= 1:2) | c, d", "b"));
    assertEquals(Optional.empty(), DebianQemuPackages.exactDependency("b (>= 1:2)", "b"));
    assertEquals(Optional.of("bookworm"), DebianQemuPackages.baseSuite("bookworm-backports"));
    assertEquals(Optional.empty(), DebianQemuPackages.baseSuite("trixie"));
  }

  @Test
  void aSeriesIsTakenFromTheFirstSuiteThatHasItPassingOverOnesTheMirrorCannotServe() {
    Map<String, PackagesIndex> archive =
        Map.of(
            "bullseye",
            index(
                "bullseye",
                stanza("qemu-system-x86", "1:5.2+dfsg-11+deb11u3", "qemu", ""),
                stanza("qemu-system-common", "1:5.2+dfsg-11+deb11u3", "qemu", ""),
                stanza("qemu-system-data", "1:5.2+dfsg-11+deb11u3", "qemu", ""),
                stanza("seabios", "1.14.0-2", "seabios", ""),
                stanza("libc6", "2.31-13+deb11u11", "glibc", "")),
            "bookworm",
            index("bookworm", stanza("qemu-system-x86", "1:7.2+dfsg-7+deb12u18+b3", "qemu", "")));
    DebianQemuPackages.Indexes indexes =
        (suite, arch) -> {
          PackagesIndex idx = archive.get(suite);
          if (idx == null) {
            throw new dev.pvpanic.harness.image.debian.DebianArchiveException(
                "the InRelease of '" + suite + "' expired");
          }
          return idx;
        };
    List<LockedPackage> pins =
        dev.pvpanic.harness.image.qemu.DebianQemu.seriesPins(
            indexes, "5.2", Architecture.X86_64, "amd64");
    assertEquals("qemu-system-x86=1:5.2+dfsg-11+deb11u3@bullseye", describe(pins.subList(0, 1)));
    PackageNotFoundException none =
        assertThrows(
            PackageNotFoundException.class,
            () ->
                dev.pvpanic.harness.image.qemu.DebianQemu.seriesPins(
                    indexes, "9.2", Architecture.X86_64, "amd64"));
    assertTrue(none.getMessage().startsWith("no suite has QEMU 9.2"), none.getMessage());
    assertTrue(none.getMessage().contains("bullseye (5.2)"), none.getMessage());
    assertTrue(none.getMessage().contains("bookworm (7.2)"), none.getMessage());
    assertTrue(
        none.getMessage().contains("sid (not served: the InRelease of 'sid' expired)"),
        none.getMessage());
    assertEquals(Optional.of("10.0"), DebianQemu.seriesOf("1:10.0.2+ds-2+deb13u1~bpo12+1"));
    assertEquals(Optional.of("5.2"), DebianQemu.seriesOf("1:5.2+dfsg-11+deb11u3"));
    assertEquals(Optional.of("11.1"), DebianQemu.seriesOf("1:11.1.3+ds-1"));
  }
}
