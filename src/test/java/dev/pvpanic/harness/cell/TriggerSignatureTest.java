package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.oracle.Trigger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A panic must be the trigger's own: its console line is checked, per trigger. */
class TriggerSignatureTest {
  private static final List<String> SYSRQ =
      List.of(
          "[   12.1] sysrq: Trigger a crash",
          "[   12.1] Kernel panic - not syncing: sysrq triggered crash");
  private static final List<String> NMI =
      List.of(
          "[   9.0] Uhhuh. NMI received for unknown reason 00 on CPU 0.",
          "[   9.0] Kernel panic - not syncing: NMI: Not continuing");

  @Test
  void eachPanicTriggerHasItsLine() {
    assertEquals(Optional.empty(), CellJudge.missingSignature(Trigger.of("sysrq-c"), true, SYSRQ));
    assertEquals(
        Optional.empty(), CellJudge.missingSignature(Trigger.of("sysrq-break"), true, SYSRQ));
    assertEquals(Optional.empty(), CellJudge.missingSignature(Trigger.of("nmi"), true, NMI));
    assertEquals(
        Optional.empty(),
        CellJudge.missingSignature(
            Trigger.of("sysrq-c"), true, List.of("[ 1.0] SysRq : Trigger a crash")),
        "the spelling before Linux 5.x");
  }

  @Test
  void aPanicThatIsNotTheTriggersFails() {
    assertTrue(CellJudge.missingSignature(Trigger.of("nmi"), true, SYSRQ).isPresent());
    assertTrue(CellJudge.missingSignature(Trigger.of("sysrq-break"), true, NMI).isPresent());
    assertTrue(
        CellJudge.missingSignature(Trigger.of("sysrq-c"), false, List.of()).isPresent(),
        "sysrq prints in process context, before anything can stop the guest");
  }

  @Test
  void aPowerOffHasNoneAndAnNmiPanicThatIsCutShortCannotShowIt() {
    assertEquals(
        Optional.empty(), CellJudge.missingSignature(Trigger.of("poweroff"), true, List.of()));
    assertEquals(
        Optional.empty(),
        CellJudge.missingSignature(Trigger.of("nmi"), false, List.of()),
        "NMI-context printk is deferred; kexec, a stop or an exit comes before the flush");
  }

  @Test
  void anOopsShowsTheCrashersLineOrTheNullDereferenceAndAWatchdogHasNone() {
    List<String> x86 =
        List.of("[ 5.5] BUG: kernel NULL pointer dereference, address: 0000000000000000");
    List<String> arm =
        List.of("[ 5.5] Unable to handle kernel NULL pointer dereference at virtual address 0");
    for (Trigger t : List.of(Trigger.of("oops"), Trigger.of("oops-no-panic"))) {
      assertEquals(Optional.empty(), CellJudge.missingSignature(t, true, x86));
      assertEquals(Optional.empty(), CellJudge.missingSignature(t, true, arm));
      assertTrue(CellJudge.missingSignature(t, true, SYSRQ).isPresent());
    }
    assertEquals(
        Optional.empty(), CellJudge.missingSignature(Trigger.of("watchdog"), true, List.of()));
  }
}
