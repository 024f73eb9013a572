package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QemuArgumentsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-S",
        "--S",
        "-qmp unix:/tmp/x,server",
        "-monitor stdio",
        "-serial stdio",
        "-nographic",
        "-display gtk",
        "-display=sdl",
        "-vnc :0",
        "-incoming defer",
        "-pidfile /etc/shadow",
        "-display nonesuch"
      })
  void argumentsTheHarnessOwnsAreRefusedNamingThem(String args) {
    String m = QemuArguments.problem(List.of(args.split(" "))).orElseThrow();
    assertTrue(m.startsWith("qemu_args '" + args.split(" ")[0]), m);
    assertTrue(m.contains("is refused: "), m);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-no-shutdown",
        "-no-reboot",
        "-action panic=pause",
        "-global pvpanic-pci.events=1",
        "-m 64",
        "-display none",
        "-display=none",
        "-smp 2"
      })
  void argumentsThatChangeWhatQemuDoesStayAllowed(String args) {
    assertEquals(Optional.empty(), QemuArguments.problem(List.of(args.split(" "))));
  }

  @org.junit.jupiter.api.Test
  void aJoinedDisplayIsQuotedOnceAsGiven() {
    String m = QemuArguments.problem(List.of("-display=gtk")).orElseThrow();
    assertTrue(m.startsWith("qemu_args '-display=gtk' is refused"), m);
  }
}
