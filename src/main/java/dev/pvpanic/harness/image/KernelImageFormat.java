package dev.pvpanic.harness.image;

import dev.pvpanic.harness.machine.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The architecture a kernel boot image is for, from its own header: an x86 bzImage carries "HdrS"
 * at 0x202 (Documentation/arch/x86/boot.rst), an arm64 {@code Image} "ARM\x64" at 0x38
 * (Documentation/arch/arm64/booting.rst), a riscv {@code Image} "RSC\x05" at 0x38
 * (Documentation/arch/riscv/boot-image-header.rst). Anything else (a compressed Image.gz, an ELF
 * vmlinux) is not recognised.
 */
final class KernelImageFormat {
  private static final byte[] X86_HDRS = {'H', 'd', 'r', 'S'};
  private static final byte[] ARM64 = {'A', 'R', 'M', 0x64};
  private static final byte[] RISCV = {'R', 'S', 'C', 0x05};

  private KernelImageFormat() {}

  static Optional<Architecture> of(Path image) {
    byte[] head = new byte[0x210];
    int n;
    try (InputStream in = Files.newInputStream(image)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(Arrays.copyOf(head, n));
  }

  static Optional<Architecture> of(byte[] head) {
    if (at(head, 0x202, X86_HDRS)) {
      return Optional.of(Architecture.X86_64);
    }
    if (at(head, 0x38, ARM64)) {
      return Optional.of(Architecture.AARCH64);
    }
    if (at(head, 0x38, RISCV)) {
      return Optional.of(Architecture.RISCV64);
    }
    return Optional.empty();
  }

  /**
   * The release ({@code uname -r}) an x86 bzImage names: the header's {@code kernel_version} field
   * (0x20e, since boot protocol 2.00) points, 0x200 bytes on, at a string beginning with it. Empty
   * for other images, or when the field points nowhere sensible.
   */
  static Optional<String> release(Path image) {
    byte[] head = new byte[0x210];
    try (InputStream in = Files.newInputStream(image)) {
      int n = in.readNBytes(head, 0, head.length);
      if (n < head.length || !at(head, 0x202, X86_HDRS)) {
        return Optional.empty();
      }
      int offset = ((head[0x20e] & 0xff) | (head[0x20f] & 0xff) << 8) + 0x200;
      if (offset < head.length || offset > Files.size(image)) {
        return Optional.empty();
      }
      in.skipNBytes(offset - head.length);
      byte[] text = in.readNBytes(128);
      int end = 0;
      while (end < text.length && text[end] > ' ' && text[end] < 0x7f) {
        end++;
      }
      return end == 0
          ? Optional.empty()
          : Optional.of(new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean at(byte[] head, int offset, byte[] magic) {
    return head.length >= offset + magic.length
        && Arrays.equals(head, offset, offset + magic.length, magic, 0, magic.length);
  }
}
