package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.machine.Architecture;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A boot image says its architecture in its header. */
class KernelImageFormatTest {
  private static byte[] with(int offset, byte... magic) {
    byte[] head = new byte[0x400];
    System.arraycopy(magic, 0, head, offset, magic.length);
    return head;
  }

  @Test
  void eachArchitecturesHeaderMagic() {
    assertEquals(
        Optional.of(Architecture.X86_64),
        KernelImageFormat.of(with(0x202, (byte) 'H', (byte) 'd', (byte) 'r', (byte) 'S')));
    assertEquals(
        Optional.of(Architecture.AARCH64),
        KernelImageFormat.of(with(0x38, (byte) 'A', (byte) 'R', (byte) 'M', (byte) 0x64)));
    assertEquals(
        Optional.of(Architecture.RISCV64),
        KernelImageFormat.of(with(0x38, (byte) 'R', (byte) 'S', (byte) 'C', (byte) 0x05)));
  }

  @Test
  void anythingElseIsNotRecognised() {
    assertEquals(Optional.empty(), KernelImageFormat.of(new byte[0x400]));
    assertEquals(Optional.empty(), KernelImageFormat.of(new byte[] {0x7f, 'E', 'L', 'F'}));
  }
}
