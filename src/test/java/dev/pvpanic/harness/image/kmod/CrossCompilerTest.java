package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossCompilerTest {
  @TempDir Path bin;

  @Test
  void aMissingCompilerNamesTheDebianPackageToInstall() {
    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> CrossCompiler.find(KernelArch.ARM64, 12, List.of(bin)));

    assertTrue(e.getMessage().contains("aarch64-linux-gnu-gcc-12 is not on PATH"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install gcc-12-aarch64-linux-gnu"), e.getMessage());
    assertTrue(e.getMessage().contains(bin.toString()), e.getMessage());
  }

  @Test
  void aCompilerWithoutBinutilsIsNotEnough() throws IOException {
    script("aarch64-linux-gnu-gcc-12", "echo 'aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0'");

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> CrossCompiler.find(KernelArch.ARM64, 12, List.of(bin)));

    assertTrue(e.getMessage().contains("aarch64-linux-gnu-ld is not on PATH"), e.getMessage());
    assertTrue(e.getMessage().contains("binutils-aarch64-linux-gnu"), e.getMessage());
  }

  @Test
  void findsTheCompilerAndReadsItsVersion() throws IOException {
    Path gcc =
        script(
            "aarch64-linux-gnu-gcc-12",
            "echo 'aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0'; echo 'Copyright'");
    script("aarch64-linux-gnu-ld", "exit 0");

    CrossCompiler cc = CrossCompiler.find(KernelArch.ARM64, 12, List.of(bin));

    assertEquals(gcc, cc.gcc());
    assertEquals("aarch64-linux-gnu-gcc-12", cc.command());
    assertEquals("aarch64-linux-gnu-", cc.crossPrefix());
    assertEquals("aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0", cc.versionText());
    assertEquals(12, cc.gccMajor());
  }

  @Test
  void x86PackageNamesUseHyphens() {
    assertEquals("gcc-12-x86-64-linux-gnu", CrossCompiler.debianPackage(KernelArch.X86_64, 12));
  }

  @Test
  void anUnknownArchitectureListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CrossCompiler.find("s390x"));
    assertTrue(e.getMessage().contains("arm64/aarch64"), e.getMessage());
  }

  private Path script(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
