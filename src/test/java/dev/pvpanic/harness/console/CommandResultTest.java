package dev.pvpanic.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a failed command reads like in a verdict or in snapshot.json. */
class CommandResultTest {
  @Test
  void aFailedCommandNamesItselfItsStatusAndWhatItPrinted() {
    assertEquals(
        "'kexec -p' exited 1: Could not find a free area / of memory",
        new CommandResult("kexec -p", 1, List.of("Could not find a free area", "of memory"))
            .describe());
    assertEquals("'true' exited 0", new CommandResult("true", 0, List.of()).describe());
  }
}
