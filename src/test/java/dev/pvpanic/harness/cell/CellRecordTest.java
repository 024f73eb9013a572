package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.oracle.DiffLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cell.json is one type both ways: what is written is what is read. */
class CellRecordTest {
  @TempDir Path dir;

  @Test
  void everyFieldSurvivesTheRoundTrip() throws Exception {
    CellRecord r =
        new CellRecord(
            "driver-blacklisted-pci: x86_64-6.12 pci",
            "driver-blacklisted-pci",
            "x86_64-6.12_pci_kargs-1234abcd",
            Map.of("recipe", "x86_64-6.12", "kernel_args", "module_blacklist=pvpanic_pci"),
            Verdict.WRONG_GUEST_STATE,
            "7.2.22",
            "host",
            "tcg",
            new CellRecord.Confinement(
                "-sandbox on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny"
                    + " -runas 990:985",
                "pvh-qemu",
                990,
                985,
                2,
                true,
                "0",
                List.of("elevateprivileges=allow ..."),
                List.of()),
            "abc",
            "snapshot",
            "key",
            null,
            9.5,
            Map.of("boot", 3.0),
            123456L,
            "the guest's state ...",
            new CellRecord.Regression("pvpanic-pci never binds", "wrong-guest-state", true),
            List.of(
                new DiffLine("!", "guest: pvpanic driver", "pvpanic-pci bound", "none"),
                new DiffLine("-", "event", "GUEST_PANICKED {action: run}", "(missing)")),
            List.of(new CellRecord.Event("RESET", Map.of("guest", true), 1700000000.123456)));
    r.writeTo(dir);
    assertEquals(r, CellRecord.read(dir.resolve("cell.json")));
  }

  @Test
  void aBadVerdictIsNamedWithTheValidOnes() throws Exception {
    Files.writeString(
        dir.resolve("cell.json"), "{\"cell\": \"c\", \"id\": \"c\", \"verdict\": \"GREEN\"}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> CellRecord.read(dir.resolve("cell.json")));
    assertTrue(
        e.getMessage().contains("'GREEN' is not one of PASS, WRONG_GUEST_STATE"), e.getMessage());
  }
}
