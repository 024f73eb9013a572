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
      assertTrue(t.exitFailure(0).isPresent(), t.id());
      assertTrue(t.exitFailure(1).orElseThrow().contains("exit 1"), t.id());
    }
    assertTrue(Trigger.of("poweroff").exitFailure(0).orElseThrow().contains("power off"));
  }

  @Test
  void theWatchdogWriteReturnsZeroAndAnOopsWithoutPanicKillsItsInsmod() {
    assertFalse(Trigger.of("watchdog").exitFailure(0).isPresent());
    assertTrue(
        Trigger.of("watchdog").exitFailure(1).orElseThrow().contains("/dev/watchdog failed"));
    // make_task_dead kills the insmod: 128 + the signal
    assertFalse(Trigger.of("oops-no-panic").exitFailure(137).isPresent());
    assertFalse(Trigger.of("oops-no-panic").exitFailure(139).isPresent());
    assertTrue(
        Trigger.of("oops-no-panic").exitFailure(1).orElseThrow().contains("failed (exit 1)"));
    assertTrue(
        Trigger.of("oops-no-panic").exitFailure(0).orElseThrow().contains("without an oops"));
  }
}
