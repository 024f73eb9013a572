package dev.pvpanic.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarkedCommandTest {

  private final MarkedCommand uname = new MarkedCommand("uname -r", "ab12-5");

  @Test
  void typedLineWrapsTheCommandInQuotedMarkers() {
    assertEquals("echo PVH\"\"-ST-ab12-5; uname -r; echo PVH\"\"-RC-ab12-5 $?", uname.typedLine());
  }

  @Test
  void theEchoOfTheTypedLineMatchesNoMarker() {
    String echoed = "~ # " + uname.typedLine();
    assertFalse(uname.startMarker().matcher(echoed).find());
    assertFalse(uname.exitMarker().matcher(echoed).find());
  }

  @Test
  void whatTheShellPrintsMatchesTheMarkers() {
    assertTrue(uname.startMarker().matcher("~ # PVH-ST-ab12-5").find());
    Matcher exit = uname.exitMarker().matcher("PVH-RC-ab12-5 127");
    assertTrue(exit.find());
    assertEquals("127", exit.group(1));
    Matcher afterOutput = uname.exitMarker().matcher("no newlinePVH-RC-ab12-5 0");
    assertTrue(afterOutput.find());
    assertEquals("no newline".length(), afterOutput.start());
  }

  @Test
  void aKernelMessageOnTheMarkersLineDoesNotHideThem() {
    // seen on a guest restored from a snapshot: printk lands on the console mid-line
    assertTrue(
        uname
            .startMarker()
            .matcher("PVH-ST-ab12-5[    2.977017] clocksource: Switched to clocksource tsc")
            .find());
    Matcher exit = uname.exitMarker().matcher("PVH-RC-ab12-5 0[    3.1] random: crng init done");
    assertTrue(exit.find());
    assertEquals("0", exit.group(1));
  }

  @Test
  void anotherCommandsMarkersDoNotMatchEvenWhenItsNonceExtendsThisOne() {
    assertFalse(uname.startMarker().matcher("PVH-ST-ab12-50").find());
    assertFalse(uname.exitMarker().matcher("PVH-RC-ab12-50 0").find());
    assertFalse(uname.exitMarker().matcher("PVH-RC-ab12-4 0").find());
  }

  @Test
  void aCommandEndingWithASeparatorGetsNoSecondOne() {
    assertEquals(
        "echo PVH\"\"-ST-n1; sleep 5 & echo PVH\"\"-RC-n1 $?",
        new MarkedCommand("sleep 5 &", "n1").typedLine());
    assertEquals(
        "echo PVH\"\"-ST-n1; sync; echo PVH\"\"-RC-n1 $?",
        new MarkedCommand("sync; ", "n1").typedLine());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "echo a\necho b", "echo a\r", "a &&", "a ||", "a |", "a \\"})
  void commandsThatCannotBeMarkedAreRejected(String command) {
    IllegalArgumentException rejected =
        assertThrows(IllegalArgumentException.class, () -> new MarkedCommand(command, "n1"));
    assertTrue(rejected.getMessage().startsWith("command must"), rejected.getMessage());
  }

  @Test
  void aNonceThatWouldNeedQuotingIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MarkedCommand("true", "a b"));
  }
}
