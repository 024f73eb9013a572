package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.oracle.Trigger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriggerExitTest {
  @Test
  void theTypedLineEndsWithAnEchoWhoseOwnEchoNeverMatches() {
    String typed = TriggerExit.typed("insmod /lib/modules/pvh/extra/pvh_oops.ko");
    assertEquals("insmod /lib/modules/pvh/extra/pvh_oops.ko; echo PVH\"\"-TRIGGER-EXIT $?", typed);
    // the shell echoes the command line (after its prompt, or wrapped at 80 columns)
    assertEquals(Optional.empty(), TriggerExit.status("~ # " + typed));
    assertEquals(Optional.empty(), TriggerExit.status("PVH\"\"-TRIGGER-EXIT $?"));
    assertEquals(Optional.of(1), TriggerExit.status("PVH-TRIGGER-EXIT 1"));
    assertEquals(Optional.of(137), TriggerExit.status("PVH-TRIGGER-EXIT 137\r"));
  }

  @Test
  void triggersThatPanicInsideTheirCommandMustNeverReturn() {
    for (Trigger t :
        new Trigger[] {Trigger.of("sysrq-c"), Trigger.of("poweroff"), Trigger.of("oops")}) {
      assertTrue(TriggerExit.failure(t, 0).isPresent(), t.id());
      assertTrue(TriggerExit.failure(t, 1).orElseThrow().contains("exit 1"), t.id());
    }
    assertTrue(TriggerExit.failure(Trigger.of("poweroff"), 0).orElseThrow().contains("power off"));
  }

  @Test
  void theWatchdogWriteReturnsZeroAndAnOopsWithoutPanicKillsItsInsmod() {
    assertFalse(TriggerExit.failure(Trigger.of("watchdog"), 0).isPresent());
    assertTrue(
        TriggerExit.failure(Trigger.of("watchdog"), 1)
            .orElseThrow()
            .contains("/dev/watchdog failed"));
    // make_task_dead kills the insmod: 128 + the signal
    assertFalse(TriggerExit.failure(Trigger.of("oops-no-panic"), 137).isPresent());
    assertFalse(TriggerExit.failure(Trigger.of("oops-no-panic"), 139).isPresent());
    assertTrue(
        TriggerExit.failure(Trigger.of("oops-no-panic"), 1)
            .orElseThrow()
            .contains("failed (exit 1)"));
    assertTrue(
        TriggerExit.failure(Trigger.of("oops-no-panic"), 0)
            .orElseThrow()
            .contains("without an oops"));
  }
}
