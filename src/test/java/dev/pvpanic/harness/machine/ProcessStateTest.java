package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStateTest {
  @TempDir Path tmp;

  @Test
  void theStateIsReadAfterTheCommandsParenthesisEvenWithSpacesInIt() throws IOException {
    Path stat = tmp.resolve("stat");
    Files.writeString(stat, "1234 (qemu-system-x86 (x)) T 1 1234 1234 0 -1 4194560\n");
    assertEquals(Optional.of('T'), ProcessState.read(stat));
    Files.writeString(stat, "1234 (qemu-system-x86) S 1 1234\n");
    assertEquals(Optional.of('S'), ProcessState.read(stat));
    assertEquals(Optional.empty(), ProcessState.read(tmp.resolve("gone")));
    assertTrue(ProcessState.of(ProcessHandle.current().pid()).isPresent(), "this JVM");
    assertFalse(ProcessState.stopped(ProcessHandle.current().pid()), "this JVM runs");
  }
}
