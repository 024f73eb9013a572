package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.image.kmod.CrossCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross compiler looked for is the gcc major version the kernel's config names. */
class PvpanicModulesTest {
  @TempDir Path root;

  private KernelFiles kernel(String config) throws IOException {
    Path image = Files.writeString(root.resolve("vmlinuz"), "");
    if (config == null) {
      return new KernelFiles(root, image, "6.12.117+deb13-riscv64", Optional.empty());
    }
    Path file = Files.writeString(root.resolve("config"), config);
    return new KernelFiles(root, image, "6.12.117+deb13-riscv64", Optional.of(file));
  }

  @Test
  void trixiesKernelAsksForGcc14() throws IOException {
    assertEquals(
        14,
        PvpanicModules.gccMajor(
            kernel(
                "CONFIG_CC_VERSION_TEXT=\"riscv64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0\"\n"
                    + "CONFIG_CC_IS_GCC=y\nCONFIG_GCC_VERSION=140200\n")));
  }

  @Test
  void theBackportsKernelAsksForGcc12() throws IOException {
    assertEquals(12, PvpanicModules.gccMajor(kernel("CONFIG_GCC_VERSION=120200\n")));
  }

  @Test
  void withoutAConfigOrAGccVersionTheDefault() throws IOException {
    assertEquals(CrossCompiler.DEFAULT_GCC_MAJOR, PvpanicModules.gccMajor(kernel(null)));
    assertEquals(
        CrossCompiler.DEFAULT_GCC_MAJOR,
        PvpanicModules.gccMajor(kernel("CONFIG_CC_IS_CLANG=y\nCONFIG_GCC_VERSION=0\n")));
  }
}
