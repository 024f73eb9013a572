package dev.pvpanic.harness.image;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code .config} of a user's kernel, read as the harness reads it before building an image:
 * parsed, the architecture its symbols configure, and the check that the boot image's own header
 * says the same architecture. Each refusal names the user's value ({@code build:...}, {@code
 * files:...}) and says what to give instead.
 */
final class UserKernelConfig {
  private UserKernelConfig() {}

  /** The config file {@code config} parsed; refused, naming {@code value}, when unreadable. */
  static KernelConfig read(String value, Path config) {
    try {
      return KernelConfig.parse(Files.readString(config, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new RecipeException(
          value + ": cannot read the config " + config + ": " + e.getMessage(), e);
    }
  }

  /** The architecture a config is for; a 32-bit or another architecture's config is refused. */
  static Architecture arch(String value, Path config, KernelConfig c) {
    if (c.builtIn("CONFIG_X86_64")) {
      return Architecture.X86_64;
    }
    if (c.builtIn("CONFIG_ARM64")) {
      return Architecture.AARCH64;
    }
    if (c.builtIn("CONFIG_RISCV") && c.builtIn("CONFIG_64BIT")) {
      return Architecture.RISCV64;
    }
    String what =
        c.builtIn("CONFIG_X86_32")
            ? "a 32-bit x86 kernel"
            : c.builtIn("CONFIG_ARM")
                ? "a 32-bit arm kernel"
                : c.builtIn("CONFIG_RISCV") ? "a 32-bit riscv kernel" : "no architecture it knows";
    throw new RecipeException(
        value
            + ": "
            + config
            + " configures "
            + what
            + " (none of CONFIG_X86_64, CONFIG_ARM64, CONFIG_RISCV with CONFIG_64BIT is y); the"
            + " harness boots x86_64, aarch64 and riscv64 kernels");
  }

  /** The boot image's own header must say the architecture its config does. */
  static void requireImageArch(String value, Path image, Architecture arch) {
    Optional<Architecture> format = KernelImageFormat.of(image);
    if (format.isEmpty()) {
      throw new RecipeException(
          value
              + ": "
              + image
              + " is no "
              + arch.id()
              + " boot image (its header is not one the harness recognises); rebuild it");
    }
    if (format.get() != arch) {
      throw new RecipeException(
          value
              + ": "
              + image
              + " is an "
              + format.get().id()
              + " boot image but the tree's .config is for "
              + arch.id()
              + "; rebuild the tree");
    }
  }
}
