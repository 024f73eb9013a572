package dev.pvpanic.harness.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import dev.pvpanic.harness.oracle.WatchdogAction;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every trigger on the class path must hold, whoever adds it. */
class TriggerContractTest {

  static List<Trigger> triggers() {
    return Trigger.all();
  }

  @Test
  void theRegistryHoldsEveryTriggerOnceInTheServicesFilesOrder() {
    List<String> ids = Trigger.ids();
    assertEquals(ids.size(), new HashSet<>(ids).size(), ids.toString());
    assertEquals("sysrq-c", ids.get(0), "the default trigger comes first");
    assertTrue(
        ids.containsAll(
            List.of(
                "sysrq-c",
                "sysrq-break",
                "nmi",
                "poweroff",
                "watchdog",
                "oops",
                "oops-no-panic",
                "oom")),
        ids.toString());
  }

  @Test
  void anUnknownIdNamesTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Trigger.of("sysrq-x"));
    assertTrue(e.getMessage().contains("'sysrq-x'"), e.getMessage());
    assertTrue(e.getMessage().contains("sysrq-c, sysrq-break"), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void itsIdIsAnAxisValueAndItsActionSaysWhatItDoes(Trigger t) {
    assertTrue(t.id().matches("[a-z0-9-]+"), t.id());
    assertFalse(t.action().describe().isBlank(), t.id());
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void aPanicWithAMessageIsAPanic(Trigger t) {
    CellSetup setup = CellSetup.panic(Architecture.X86_64, PvpanicDevice.Kind.PCI).withTrigger(t);
    if (t.panicMessage(setup).isPresent()) {
      assertTrue(t.panics(setup), t.id() + " names a panic message but does not panic");
    }
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void onlyTheWatchdogTakesAWatchdogAction(Trigger t) {
    boolean refused = t.contradiction(false, WatchdogAction.PAUSE).isPresent();
    assertEquals(!t.id().equals("watchdog"), refused, t.id());
  }

  @ParameterizedTest
  @MethodSource("triggers")
  void aTypedTriggerHasAnExitRuleTheOthersAreNotTyped(Trigger t) {
    if (t.action() instanceof TriggerAction.Typed typed) {
      assertFalse(typed.command().contains("\n"), "one shell line: " + t.id());
      // status 1 (the command failed) never proves a trigger took
      assertTrue(t.exitFailure(1).isPresent(), t.id());
    }
  }

  @Test
  void everyTriggersConsoleLineProvesTheTriggerTookEffect() {
    java.util.regex.Pattern took = dev.pvpanic.harness.guest.ConsolePatterns.TRIGGER_TOOK_EFFECT;
    for (String line :
        List.of(
            "[ 12.1] SysRq : Trigger a crash",
            "[ 12.1] sysrq: Trigger a crash",
            "[ 12.1] NMI: Not continuing",
            "[ 12.1] pvh_oops: dereferencing NULL",
            "[  5.7] dd invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)",
            "[ 12.1] reboot: Power down",
            "PVH VMCORE size=917577728")) {
      assertTrue(took.matcher(line).find(), line);
    }
    assertFalse(took.matcher("~ # echo hello").find());
  }
}
