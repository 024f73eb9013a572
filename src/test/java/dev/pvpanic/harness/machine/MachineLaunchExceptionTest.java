package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A QEMU that died before QMP is named with how it died, not only a number. */
class MachineLaunchExceptionTest {

  private static String message(int exitCode) {
    return new MachineLaunchException(
            "QEMU exited before connecting its QMP socket",
            Optional.of(exitCode),
            List.of("qemu-system-x86_64", "-daemonize"),
            "",
            null)
        .getMessage();
  }

  @Test
  void theSandboxKillingQemuIsNamed() {
    // --allow-unconfined -daemonize under -sandbox spawn=deny: exit 159 and an empty stderr
    String m = message(159);
    assertTrue(m.contains("(exit code 159: killed by SIGSYS, the -sandbox filter"), m);
    assertTrue(m.contains("-daemonize"), m);
  }

  @Test
  void anOrdinaryExitIsOnlyItsCode() {
    assertTrue(message(1).contains("(exit code 1)\n"), message(1));
    assertTrue(message(143).contains("(exit code 143: killed by signal 15)"), message(143));
  }
}
