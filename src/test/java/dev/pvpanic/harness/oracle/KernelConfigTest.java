package dev.pvpanic.harness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.oracle.KernelConfig.Tristate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A kernel's .config as kconfig writes it: y, m, not set, absent, strings and numbers. */
class KernelConfigTest {
  private static final KernelConfig DEBIAN_AMD64 =
      KernelConfig.parse(
          """
          #
          # Automatically generated file; DO NOT EDIT.
          # Linux/x86 6.12.107 Kernel Configuration
          #
          CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"
          CONFIG_GCC_VERSION=140200
          CONFIG_PANIC_ON_OOPS_VALUE=0
          CONFIG_PANIC_TIMEOUT=0
          # CONFIG_PANIC_ON_OOPS is not set
          CONFIG_PVPANIC=y
          CONFIG_PVPANIC_MMIO=m
          CONFIG_PVPANIC_PCI=m
          CONFIG_PHYSICAL_START=0x1000000
          CONFIG_KEXEC_FILE=y
          CONFIG_CRASH_DUMP=y
          """);

  @ParameterizedTest
  @CsvSource({
    "CONFIG_PVPANIC, Y",
    "CONFIG_PVPANIC_PCI, M",
    "CONFIG_PANIC_ON_OOPS, ABSENT",
    "CONFIG_PVPANIC_NONEXISTENT, ABSENT",
  })
  void boolsAndTristatesReadYesModuleOrAbsent(String symbol, Tristate expected) {
    assertEquals(expected, DEBIAN_AMD64.tristate(symbol));
  }

  @Test
  void notSetAndNAreAbsentAndAModuleIsNotBuiltIn() {
    KernelConfig c = KernelConfig.parse("CONFIG_A=n\n# CONFIG_B is not set\nCONFIG_C=m\n");
    assertEquals(Tristate.ABSENT, c.tristate("CONFIG_A"));
    assertEquals(Tristate.ABSENT, c.tristate("CONFIG_B"));
    assertEquals(Optional.empty(), c.value("CONFIG_B"));
    assertTrue(c.tristate("CONFIG_C").enabled());
    assertFalse(c.builtIn("CONFIG_C"));
    assertEquals(Map.of("CONFIG_C", "m"), c.values());
  }

  @Test
  void stringsAreUnquotedAndNumbersParsedDecimalOrHex() {
    assertEquals(
        Optional.of("x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"),
        DEBIAN_AMD64.value("CONFIG_CC_VERSION_TEXT"));
    assertEquals(OptionalLong.of(140200), DEBIAN_AMD64.number("CONFIG_GCC_VERSION"));
    assertEquals(OptionalLong.of(0x1000000), DEBIAN_AMD64.number("CONFIG_PHYSICAL_START"));
    assertEquals(OptionalLong.empty(), DEBIAN_AMD64.number("CONFIG_CC_VERSION_TEXT"));
    assertEquals(Tristate.ABSENT, DEBIAN_AMD64.tristate("CONFIG_GCC_VERSION"));
  }

  @ParameterizedTest
  @CsvSource({
    "'CONFIG_PANIC_TIMEOUT=0', 0",
    "'CONFIG_PANIC_TIMEOUT=10', 10",
    "'CONFIG_PANIC_TIMEOUT=-1', -1",
    "'CONFIG_PVPANIC=y', 0",
  })
  void panicTimeoutIsItsNumberAndZeroWhenAbsent(String line, long seconds) {
    assertEquals(seconds, KernelConfig.parse(line + "\n").panicTimeout());
  }

  @Test
  void theLastAssignmentWinsAsInKconfig() {
    KernelConfig c =
        KernelConfig.parse(
            "CONFIG_PVPANIC=m\nCONFIG_PVPANIC=y\nCONFIG_X=y\n# CONFIG_X is not set\n");
    assertEquals(Tristate.Y, c.tristate("CONFIG_PVPANIC"));
    assertEquals(Tristate.ABSENT, c.tristate("CONFIG_X"));
  }

  @Test
  void onlyKeepsTheNamedSymbolsThatAreSet() {
    assertEquals(
        Map.of("CONFIG_PVPANIC", "y", "CONFIG_PANIC_TIMEOUT", "0"),
        DEBIAN_AMD64
            .only(List.of("CONFIG_PVPANIC", "CONFIG_PANIC_TIMEOUT", "CONFIG_PANIC_ON_OOPS"))
            .values());
  }

  @Test
  void aKeyThatIsNoConfigSymbolIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new KernelConfig(Map.of("PVPANIC", "y")));
  }
}
