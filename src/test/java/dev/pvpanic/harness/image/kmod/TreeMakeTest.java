package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** make in a user's tree runs with the tree's own ARCH and the cross prefix its compiler names. */
class TreeMakeTest {
  private static final Path TREE = Path.of("/src/linux");

  @Test
  void theCrossPrefixIsTheOneTheConfigsCompilerNames() {
    assertEquals(
        "aarch64-linux-gnu-",
        TreeMake.of(
                TREE,
                KernelArch.ARM64,
                Optional.of("aarch64-linux-gnu-gcc (Debian 14.2.0-19) 14.2.0"))
            .crossPrefix());
    assertEquals(
        "riscv64-linux-gnu-",
        TreeMake.of(
                TREE, KernelArch.RISCV64, Optional.of("riscv64-linux-gnu-gcc-14 (Debian) 14.2.0"))
            .crossPrefix());
  }

  @Test
  void aNativeCompilerNeedsNoPrefix() {
    assertEquals(
        "",
        TreeMake.of(TREE, KernelArch.X86_64, Optional.of("gcc (Debian 12.2.0-14+deb12u1) 12.2.0"))
            .crossPrefix());
  }

  @Test
  void x86TreesAreMadeWithTheArchAPlainMakeUsed() {
    assertEquals("x86_64", TreeMake.makeArch(KernelArch.X86_64));
    assertEquals("arm64", TreeMake.makeArch(KernelArch.ARM64));
    assertEquals("riscv", TreeMake.makeArch(KernelArch.RISCV64));
  }
}
